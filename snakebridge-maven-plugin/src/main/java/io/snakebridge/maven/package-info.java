@NullMarked
package io.snakebridge.maven;

import org.jspecify.annotations.NullMarked;
