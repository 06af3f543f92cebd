@NullMarked
package io.snakebridge;

import org.jspecify.annotations.NullMarked;
