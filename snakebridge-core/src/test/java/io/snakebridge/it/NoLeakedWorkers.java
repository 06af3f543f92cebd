package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves worker processes behind: every Python worker this JVM started
 * during the class must have exited (within a few seconds) once the class is done, which means its
 * runtimes were closed and closing really stopped them. Workers that existed before the class
 * (such as the default runtime's, which lives until JVM exit) are not counted.
 */
final class NoLeakedWorkers implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLeakedWorkers.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put("before", workerPids());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Set<Long> before = (Set<Long>) context.getStore(NAMESPACE).get("before");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Set<Long> leaked;
    do {
      leaked = workerPids();
      leaked.removeAll(before);
      if (leaked.isEmpty()) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (System.nanoTime() < end);
    fail("worker processes still running after " + context.getDisplayName() + ": "
        + describe(leaked));
  }

  /** The pids of this JVM's descendants that run a SnakeBridge worker (real or fake). */
  static Set<Long> workerPids() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().commandLine()
            .map(line -> line.contains("snakebridge_worker") || line.contains("fake_worker"))
            .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static List<String> describe(Set<Long> pids) {
    return pids.stream()
        .map(pid -> pid + ": " + ProcessHandle.of(pid)
            .flatMap(p -> p.info().commandLine()).orElse("?"))
        .collect(Collectors.toList());
  }
}
