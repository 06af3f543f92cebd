package io.snakebridge.it;

import io.snakebridge.CallOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM by {@link OrphansIT}: starts a pool of 4 whose every worker starts {@code
 * sleep 300} twice (a child and an orphan in its process group), prints "WORKERS" and "CHILDREN"
 * lines of pids, then waits to be killed. Arguments: python, cache folder, Python path folders.
 */
public final class OrphansMain {
  private static final int POOL_SIZE = 4;

  private OrphansMain() {}

  public static void main(String[] args) throws Exception {
    List<Path> pythonPath = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      pythonPath.add(Path.of(args[i]));
    }
    SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("orphans")
            .python(args[0])
            .cacheDirectory(Path.of(args[1]))
            .pythonPath(pythonPath)
            .poolSize(POOL_SIZE)
            .eagerStart(true)
            .build();
    Set<Object> workers = new LinkedHashSet<>();
    List<Object> children = new ArrayList<>();
    for (int round = 0; round < 20 && workers.size() < POOL_SIZE; round++) {
      List<CompletableFuture<Object>> calls = new ArrayList<>();
      for (int i = 0; i < POOL_SIZE; i++) {
        calls.add(
            runtime.callAsync(
                "sbtest_orphans", "start_children", List.of(0.5), CallOptions.defaults()));
      }
      for (CompletableFuture<Object> call : calls) {
        List<?> pids = (List<?>) call.get();
        workers.add(pids.get(0));
        children.addAll(pids.subList(1, 3));
      }
    }
    System.out.println("WORKERS " + join(workers));
    System.out.println("CHILDREN " + join(children));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static String join(Iterable<Object> pids) {
    StringBuilder line = new StringBuilder();
    for (Object pid : pids) {
      line.append(line.length() == 0 ? "" : " ").append(pid);
    }
    return line.toString();
  }
}
