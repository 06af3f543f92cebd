@NullMarked
package io.snakebridge.internal.worker;

import org.jspecify.annotations.NullMarked;
