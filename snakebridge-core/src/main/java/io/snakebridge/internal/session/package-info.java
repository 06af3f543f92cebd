@NullMarked
package io.snakebridge.internal.session;

import org.jspecify.annotations.NullMarked;
