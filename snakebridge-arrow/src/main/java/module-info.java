/**
 * Bulk tables for SnakeBridge: Python DataFrames as Arrow Java vectors. See {@link
 * io.snakebridge.arrow.ArrowFrames}.
 *
 * @since 0.3
 */
module io.snakebridge.arrow {
  requires transitive io.snakebridge;
  requires transitive org.apache.arrow.memory.core;
  requires transitive org.apache.arrow.vector;
  requires org.apache.arrow.format;

  exports io.snakebridge.arrow;
}
