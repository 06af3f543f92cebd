@NullMarked
package io.snakebridge.arrow.internal;

import org.jspecify.annotations.NullMarked;
