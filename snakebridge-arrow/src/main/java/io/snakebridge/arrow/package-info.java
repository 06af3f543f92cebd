/**
 * Bulk tables for SnakeBridge: Python DataFrames and Arrow tables as Arrow Java vectors, through
 * {@link io.snakebridge.arrow.ArrowFrames}.
 *
 * <p>Needs {@code pyarrow} in the workers' environment and, on JDK 17 and later, the JVM flag
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED} for Arrow's memory. Only this package is API;
 * {@code io.snakebridge.arrow.internal} may change in any release.
 *
 * @since 0.3
 */
@NullMarked
package io.snakebridge.arrow;

import org.jspecify.annotations.NullMarked;
