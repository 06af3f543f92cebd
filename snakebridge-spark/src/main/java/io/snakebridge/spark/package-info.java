@NullMarked
package io.snakebridge.spark;

import org.jspecify.annotations.NullMarked;
