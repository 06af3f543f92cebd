@NullMarked
package io.snakebridge.codegen;

import org.jspecify.annotations.NullMarked;
