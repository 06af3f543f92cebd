@NullMarked
package io.snakebridge.cli;

import org.jspecify.annotations.NullMarked;
