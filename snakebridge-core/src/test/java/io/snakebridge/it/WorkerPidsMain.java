package io.snakebridge.it;

import io.snakebridge.CallOptions;
import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM by {@link LifecycleIT}: starts workers, prints their pids, then either waits
 * to be killed ({@code kill <python> <cacheDir> <helpers>}) or exits normally so the default
 * runtime's shutdown hook runs ({@code exit}).
 */
public final class WorkerPidsMain {
  private WorkerPidsMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("exit")) {
      Object pid = SnakeBridge.call("os", "getpid");
      System.out.println("PIDS " + pid);
      System.out.flush();
      System.exit(0);
    }
    SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("child")
            .python(args[1])
            .cacheDirectory(Path.of(args[2]))
            .pythonPath(Path.of(args[3]))
            .poolSize(2)
            .eagerStart(true)
            .build();
    CompletableFuture<Object> first =
        runtime.callAsync("sbtest_helpers", "sleep_then_pid", List.of(0.3), CallOptions.defaults());
    CompletableFuture<Object> second =
        runtime.callAsync("sbtest_helpers", "sleep_then_pid", List.of(0.3), CallOptions.defaults());
    System.out.println("PIDS " + first.get() + " " + second.get());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
