package io.snakebridge.it;

import io.snakebridge.Await;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves worker processes behind: every Python worker this JVM started
 * during the class must exit once the class is done (awaited), which means its runtimes were closed
 * and closing really stopped them. Workers that existed before the class (such as the default
 * runtime's, which lives until JVM exit) are not counted.
 */
final class NoLeakedWorkers implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLeakedWorkers.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put("before", workerPids());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    Set<Long> before = (Set<Long>) context.getStore(NAMESPACE).get("before");
    Await.value(
        "the exit of the workers started by " + context.getDisplayName(),
        () -> {
          Set<Long> leaked = workerPids();
          leaked.removeAll(before);
          return describe(leaked);
        },
        List::isEmpty);
  }

  /** The pids of this JVM's descendants that run a SnakeBridge worker (real or fake). */
  static Set<Long> workerPids() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(
            process ->
                process
                    .info()
                    .commandLine()
                    .map(
                        line -> line.contains("snakebridge_worker") || line.contains("fake_worker"))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static List<String> describe(Set<Long> pids) {
    return pids.stream()
        .map(
            pid ->
                pid + ": " + ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("?"))
        .collect(Collectors.toList());
  }
}
