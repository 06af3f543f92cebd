/**
 * The SnakeBridge benchmark harness: the library's call latency, pool throughput and bulk bandwidth
 * next to a raw-pipe floor, measured in one run. Entry point: {@code io.snakebridge.bench.Bench};
 * see {@code snakebridge-bench/run}.
 */
module io.snakebridge.bench {
  requires static org.jspecify;
  requires io.snakebridge;
  requires io.snakebridge.arrow;
  requires java.management;
  requires io.snakebridge.codegen;
  requires java.compiler;
}
