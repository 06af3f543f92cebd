package io.snakebridge.it;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.PoolOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link StuckWorkersIT}: a pool of 2 whose workers each start {@code sleep
 * 300} twice (a child and an orphan in the worker's group); one worker then enters a C call that
 * holds the GIL for hours. Prints "HOLDING" and "IDLE" lines of pids (worker first), then waits to
 * be killed. Arguments: python, cache folder, pid file, Python path folders.
 */
public final class StuckWorkersMain {
  private StuckWorkersMain() {}

  public static void main(String[] args) throws Exception {
    List<Path> pythonPath = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      pythonPath.add(Path.of(args[i]));
    }
    Path pidFile = Path.of(args[2]);
    Files.deleteIfExists(pidFile);
    SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("stuck")
            .python(args[0])
            .cacheDirectory(Path.of(args[1]))
            .poolSize(1)
            .pool(
                "stuck",
                PoolOptions.builder()
                    .python(args[0])
                    .pythonPath(pythonPath)
                    .size(2)
                    .heartbeatTimeout(Duration.ofHours(1)) // the JVM itself must not replace them
                    .defaultTimeout(Duration.ofHours(1))
                    .build())
            .build();
    CallOptions stuck = CallOptions.defaults().pool("stuck");
    runtime.callAsync(
        "sbtest_process", "start_children_then_hold_the_gil", List.of(pidFile.toString()), stuck);
    Await.until(
        "the pid file of the worker holding the GIL",
        () -> Files.exists(pidFile),
        Duration.ofSeconds(120));
    // The other worker: the first one is busy, so this call goes there.
    List<?> idle = (List<?>) runtime.call("sbtest_process", "start_children", List.of(), stuck);
    System.out.println("HOLDING " + Files.readString(pidFile).trim());
    System.out.println("IDLE " + idle.get(0) + " " + idle.get(1) + " " + idle.get(2));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
