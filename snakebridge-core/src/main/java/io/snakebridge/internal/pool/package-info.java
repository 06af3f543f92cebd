@NullMarked
package io.snakebridge.internal.pool;

import org.jspecify.annotations.NullMarked;
