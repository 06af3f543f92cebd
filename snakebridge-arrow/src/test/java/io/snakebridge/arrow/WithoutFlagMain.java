package io.snakebridge.arrow;

import io.snakebridge.SnakeBridgeRuntime;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Run by {@link JvmFlagTest} in a JVM without {@code --add-opens=java.base/java.nio=...}: prints
 * what ArrowFrames throws, twice (Arrow's class fails differently the second time).
 */
public final class WithoutFlagMain {
  private WithoutFlagMain() {}

  public static void main(String[] args) {
    // Never started: building a runtime spawns no worker.
    try (SnakeBridgeRuntime python = SnakeBridgeRuntime.builder().python("python3").build()) {
      for (int i = 0; i < 2; i++) {
        try {
          ArrowFrames.toPandas(python, new VectorSchemaRoot(List.of()));
          System.out.println("no failure");
        } catch (RuntimeException e) {
          System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
      }
    }
  }
}
