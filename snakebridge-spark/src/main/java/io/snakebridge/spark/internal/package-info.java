@NullMarked
package io.snakebridge.spark.internal;

import org.jspecify.annotations.NullMarked;
