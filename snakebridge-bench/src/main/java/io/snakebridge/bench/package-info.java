@NullMarked
package io.snakebridge.bench;

import org.jspecify.annotations.NullMarked;
