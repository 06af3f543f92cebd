@NullMarked
package io.snakebridge.internal.runtime;

import org.jspecify.annotations.NullMarked;
