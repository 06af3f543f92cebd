@NullMarked
package io.snakebridge.internal.codec;

import org.jspecify.annotations.NullMarked;
