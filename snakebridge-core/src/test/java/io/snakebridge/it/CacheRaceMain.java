package io.snakebridge.it;

import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;

/**
 * A child JVM of {@code WorkerCacheIT}: starts a runtime on the given cache, makes one call and
 * prints {@code RESULT <value>}. Arguments: python, cache folder.
 */
public final class CacheRaceMain {
  private CacheRaceMain() {}

  public static void main(String[] args) {
    try (SnakeBridgeRuntime python =
        SnakeBridgeRuntime.builder()
            .name("cache-race")
            .python(args[0])
            .cacheDirectory(Path.of(args[1]))
            .environmentVariable("PYTHONDONTWRITEBYTECODE", "")
            .build()) {
      System.out.println("RESULT " + python.call("math", "sqrt", 16));
    }
  }
}
