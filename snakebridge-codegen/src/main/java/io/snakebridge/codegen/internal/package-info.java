@NullMarked
package io.snakebridge.codegen.internal;

import org.jspecify.annotations.NullMarked;
