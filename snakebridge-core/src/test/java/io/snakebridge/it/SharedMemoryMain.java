package io.snakebridge.it;

import io.snakebridge.NdArray;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link SharedMemoryLeaksIT}: starts a worker, sends a large array both ways
 * through the shared-memory lane, prints a "WORKER" line with the worker's pid and the inodes of
 * its arenas, then waits to be killed. Arguments: python, cache folder, Python path.
 */
public final class SharedMemoryMain {
  private SharedMemoryMain() {}

  public static void main(String[] args) throws Exception {
    SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("shm-orphan")
            .python(args[0])
            .cacheDirectory(Path.of(args[1]))
            .pythonPath(Path.of(args[2]))
            .poolSize(1)
            .build();
    NdArray array = (NdArray) runtime.call("sbtest_shm", "filled", "float64", 1 << 20, 1);
    runtime.call("sbtest_helpers", "echo", array);
    Object pid = runtime.call("sbtest_helpers", "pid");
    List<?> arenas = (List<?>) runtime.call("sbtest_shm", "arena_identity");
    StringBuilder line = new StringBuilder("WORKER ").append(pid);
    for (Object arena : arenas) {
      line.append(' ').append(((List<?>) arena).get(1));
    }
    System.out.println(line);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
