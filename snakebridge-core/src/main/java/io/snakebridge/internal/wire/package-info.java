@NullMarked
package io.snakebridge.internal.wire;

import org.jspecify.annotations.NullMarked;
