@NullMarked
package io.snakebridge.internal.env;

import org.jspecify.annotations.NullMarked;
