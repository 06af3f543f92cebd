package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PoolExhaustedException;
import io.snakebridge.PoolOptions;
import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.PythonInfo;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Start-up and usage errors a newcomer can act on, against real interpreters: too old ones
 * (pyenv's, when installed), missing ones, missing modules, references of another runtime.
 */
@ExtendWith(NoLeakedWorkers.class)
class StartupErrorsIT {
  private static final String TOO_OLD = "is too old: SnakeBridge needs CPython 3.9 or newer";

  @Test
  void anInterpreterOlderThan39IsRefusedByVersionAndPath() {
    List<Path> old = OldPythons.all();
    assumeFalse(old.isEmpty(), "no pyenv interpreter older than 3.9 installed");
    for (Path python : old) {
      try (SnakeBridgeRuntime runtime =
          ItEnvironment.runtime("old").python(python.toString()).poolSize(1).build()) {
        PoolExhaustedException e =
            assertThrows(PoolExhaustedException.class, () -> runtime.call("math", "sqrt", 4.0));
        String version = OldPythons.version(python);
        assertTrue(e.getMessage().contains("Python " + version + " at "), e.getMessage());
        assertTrue(e.getMessage().contains(TOO_OLD), e.getMessage());
        assertTrue(calledFromHere(e), "the stack trace holds the caller's frames");
      }
    }
  }

  @Test
  void eagerStartFailsTheBuildWhenNoWorkerStarts() {
    PoolExhaustedException e =
        assertThrows(
            PoolExhaustedException.class,
            () ->
                ItEnvironment.runtime("eager")
                    .python(missing().toString())
                    .poolSize(2)
                    .eagerStart(true)
                    .build());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    List<Path> old = OldPythons.all();
    if (!old.isEmpty()) {
      PoolExhaustedException tooOld =
          assertThrows(
              PoolExhaustedException.class,
              () ->
                  ItEnvironment.runtime("eager")
                      .python(old.get(old.size() - 1).toString())
                      .poolSize(1)
                      .eagerStart(true)
                      .build());
      assertTrue(tooOld.getMessage().contains(TOO_OLD), tooOld.getMessage());
    }
    try (SnakeBridgeRuntime runtime =
        ItEnvironment.runtime("eager").poolSize(1).eagerStart(true).build()) {
      assertEquals(1, runtime.poolStats().idle(), "build returned with the worker ready");
    }
  }

  @Test
  void theExceptionSaysWhyNoWorkerStartedAndHintsOnlyAtWhatWasNotGiven() {
    try (SnakeBridgeRuntime given =
        ItEnvironment.runtime("given").python(missing().toString()).poolSize(1).build()) {
      PoolExhaustedException e =
          assertThrows(PoolExhaustedException.class, () -> given.call("math", "sqrt", 4.0));
      assertTrue(e.getMessage().startsWith("no Python worker could be started"), e.getMessage());
      assertTrue(e.getMessage().contains(missing() + " does not exist"), e.getMessage());
      assertFalse(e.getMessage().contains("SNAKEBRIDGE_PYTHON"), e.getMessage());
      assertFalse(e.getMessage().contains("python(...)"), "python(...) was given");
      assertTrue(calledFromHere(e), "the stack trace holds the caller's frames");
    }
    try (SnakeBridgeRuntime byDefault =
        SnakeBridgeRuntime.builder()
            .name("unset")
            .cacheDirectory(ItEnvironment.cacheDir())
            .poolSize(1)
            .environmentVariable("PATH", emptyFolder().toString())
            .build()) {
      PoolExhaustedException e =
          assertThrows(PoolExhaustedException.class, () -> byDefault.call("math", "sqrt", 4.0));
      assertTrue(
          e.getMessage().contains("SnakeBridgeRuntime.builder().python(...)"), e.getMessage());
      // the builder without python(...) reads SNAKEBRIDGE_PYTHON, so it names it too
      assertTrue(e.getMessage().contains("SNAKEBRIDGE_PYTHON"), e.getMessage());
    }
  }

  @Test
  void theSameStartFailureIsLoggedOnceAtWarning() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler recorder =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger("io.snakebridge.pool");
    log.addHandler(recorder);
    try {
      assertThrows(
          PoolExhaustedException.class,
          () ->
              ItEnvironment.runtime("once")
                  .python(missing().toString())
                  .poolSize(3)
                  .eagerStart(true)
                  .build());
    } finally {
      log.removeHandler(recorder);
    }
    long warnings =
        records.stream()
            .filter(r -> r.getLevel().equals(java.util.logging.Level.WARNING))
            .filter(r -> r.getMessage().startsWith("runtime 'once'"))
            .filter(r -> r.getMessage().contains("does not exist"))
            .count();
    assertEquals(1, warnings, "three workers failed alike: " + records.size() + " records");
  }

  @Test
  void aMissingModuleNamesTheWorkersInterpreter() {
    try (SnakeBridgeRuntime runtime = ItEnvironment.runtime("nomodule").poolSize(1).build()) {
      PythonInfo info = runtime.pythonInfo();
      PythonException e =
          assertThrows(
              PythonException.class,
              () -> runtime.call("importlib", "import_module", "sbtest_no_such_module"));
      assertEquals("No module named 'sbtest_no_such_module'", e.pythonMessage());
      assertTrue(
          e.getMessage()
              .endsWith("(worker interpreter: " + info.executable() + " " + info.version() + ")"),
          e.getMessage());
    }
  }

  @Test
  void aNamedPoolWithoutItsOwnInterpreterRunsTheBuilders() {
    String python;
    try (SnakeBridgeRuntime probe = ItEnvironment.runtime("probe").poolSize(1).build()) {
      python = probe.pythonInfo().executable();
    }
    // With no python3 on the named pool's PATH, only the builder's interpreter can start.
    PoolOptions side =
        PoolOptions.builder().size(1).environmentVariable("PATH", emptyFolder().toString()).build();
    try (SnakeBridgeRuntime runtime =
        ItEnvironment.runtime("named").python(python).poolSize(1).pool("side", side).build()) {
      Object executable =
          runtime.getModuleAttr("sys", "executable", CallOptions.defaults().pool("side"));
      assertEquals(python, executable);
    }
  }

  @Test
  void aReferenceOfAnotherOrClosedRuntimeNamesBoth() {
    SnakeBridgeRuntime first = ItEnvironment.runtime("twin").poolSize(1).build();
    try (SnakeBridgeRuntime second = ItEnvironment.runtime("twin").poolSize(1).build()) {
      PyRef list;
      try {
        list = first.callClass("builtins", "list");
        IllegalArgumentException other =
            assertThrows(
                IllegalArgumentException.class, () -> second.callMethod(list, "append", 1));
        List<String> named = runtimesIn(other.getMessage());
        assertEquals(2, named.size(), other.getMessage());
        assertNotEquals(named.get(0), named.get(1), "the two runtimes are told apart");
      } finally {
        first.close();
      }
      ReferenceNotFoundException closed =
          assertThrows(
              ReferenceNotFoundException.class, () -> second.call("builtins", "len", list));
      assertTrue(closed.getMessage().contains("(closed)"), closed.getMessage());
      assertEquals(2, runtimesIn(closed.getMessage()).size(), closed.getMessage());
      IllegalStateException own =
          assertThrows(IllegalStateException.class, () -> list.callMethod("append", 1));
      assertTrue(own.getMessage().contains("is closed"), own.getMessage());
    }
  }

  @Test
  void aFirstCallThatTimesOutWhileTheWorkerStartsSaysSo() {
    try (SnakeBridgeRuntime runtime = ItEnvironment.runtime("cold").poolSize(1).build()) {
      CallTimeoutException e =
          assertThrows(
              CallTimeoutException.class,
              () ->
                  runtime.call(
                      "math", "sqrt", CallOptions.defaults().timeout(Duration.ofNanos(1)), 4.0));
      assertTrue(e.getMessage().contains("was still starting"), e.getMessage());
      assertEquals(2.0, runtime.call("math", "sqrt", 4.0));
    }
  }

  @Test
  void closeDeliversEveryLineTheWorkersPrinted() {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler recorder =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger("io.snakebridge.worker");
    log.addHandler(recorder);
    boolean parents = log.getUseParentHandlers();
    log.setUseParentHandlers(false); // the test's console stays readable
    try {
      SnakeBridgeRuntime runtime = ItEnvironment.runtime("prints").poolSize(1).build();
      try {
        // Many lines, so the forwarder is still behind when close() begins.
        runtime.call(
            "builtins",
            "exec",
            "for i in range(20000):\n    print('line', i)\nprint('sbtest-last-line')");
      } finally {
        runtime.close();
      }
      assertTrue(
          lines.stream().anyMatch(line -> line.endsWith("sbtest-last-line")),
          "the last line was logged before close() returned");
    } finally {
      log.removeHandler(recorder);
      log.setUseParentHandlers(parents);
    }
  }

  private static List<String> runtimesIn(String message) {
    Matcher m = Pattern.compile("runtime 'twin' #\\d+").matcher(message);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static boolean calledFromHere(Throwable e) {
    return Arrays.stream(e.getStackTrace())
        .anyMatch(frame -> frame.getClassName().startsWith(StartupErrorsIT.class.getName()));
  }

  private static Path missing() {
    return ItEnvironment.workDir().resolve("no-such-python").resolve("python3");
  }

  private static Path emptyFolder() {
    try {
      return Files.createDirectories(ItEnvironment.workDir().resolve("empty-path"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** pyenv's interpreters older than 3.9, when pyenv is installed. */
  static final class OldPythons {
    private static final Pattern OLD = Pattern.compile("(2\\.7|3\\.[678])\\.\\d+");

    static List<Path> all() {
      Path root = root();
      if (root == null || !Files.isDirectory(root.resolve("versions"))) {
        return List.of();
      }
      try (Stream<Path> versions = Files.list(root.resolve("versions"))) {
        return versions
            .filter(dir -> OLD.matcher(dir.getFileName().toString()).matches())
            .map(dir -> dir.resolve("bin").resolve("python"))
            .filter(Files::isExecutable)
            .sorted()
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static String version(Path python) {
      return python.getParent().getParent().getFileName().toString();
    }

    private static Path root() {
      String fromEnvironment = System.getenv("PYENV_ROOT");
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return Path.of(fromEnvironment);
      }
      try {
        Process process = new ProcessBuilder("pyenv", "root").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        return process.waitFor() == 0 && !out.isEmpty() ? Path.of(out) : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
