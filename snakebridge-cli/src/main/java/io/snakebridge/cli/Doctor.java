package io.snakebridge.cli;

import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.PythonException;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code snakebridge doctor}: which Python is configured and which one actually ran, whether a
 * worker completes the handshake (and how long the first one took), and which of the data packages
 * the worker can import.
 *
 * <p>Exit status 0 when the handshake worked (missing packages are reported, not failures), 1 with
 * the reason when it did not.
 */
final class Doctor {
  static final List<String> PACKAGES = List.of("numpy", "pandas", "pyarrow");

  private static final String LABEL = "%-19s %s%n";

  private Doctor() {}

  static int run(CommandLine line, PrintStream out) {
    out.printf(
        LABEL,
        "snakebridge",
        Main.version()
            + " on Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    PythonChoice choice = PythonChoice.of(line.python());
    out.printf(LABEL, "python command", choice);
    if (choice.environment() != null) {
      out.printf(LABEL, "environment", choice.environment());
    }
    long start = System.nanoTime();
    try (SnakeBridgeRuntime runtime = line.openRuntime()) {
      PythonInfo info;
      try {
        info = runtime.pythonInfo();
      } catch (SnakeBridgeException | IllegalArgumentException | IllegalStateException e) {
        out.printf(LABEL, "worker handshake", "FAILED: " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
          out.printf(LABEL, "", "caused by: " + cause);
        }
        PythonChoice.hint(e).ifPresent(hint -> out.printf(LABEL, "", hint));
        return Main.FAILED;
      }
      long readyMillis = (System.nanoTime() - start) / 1_000_000;
      out.printf(LABEL, "python executable", info.executable());
      out.printf(LABEL, "python version", info.version() + " (" + info.implementation() + ")");
      out.printf(
          LABEL,
          "worker handshake",
          "ok: protocol "
              + info.protocolVersion()
              + ", worker pid "
              + info.pid()
              + ", first worker ready in "
              + readyMillis
              + " ms");
      out.printf(LABEL, "pool", pool(runtime));
      for (String name : PACKAGES) {
        out.printf(LABEL, name, packageStatus(runtime, name));
      }
      return Main.OK;
    }
  }

  /** The pool's state and the health settings it runs with. */
  static String pool(SnakeBridgeRuntime runtime) {
    PoolStats stats = runtime.poolStats();
    PoolOptions defaults = PoolOptions.defaults();
    return "size "
        + stats.size()
        + ", "
        + stats.idle()
        + " idle, "
        + stats.busy()
        + " busy, "
        + stats.starting()
        + " starting; heartbeat every "
        + Stats.text(defaults.heartbeatInterval())
        + " (timeout "
        + Stats.text(defaults.heartbeatTimeout())
        + "), cancel grace "
        + Stats.text(defaults.cancelGrace());
  }

  /**
   * Imports the package in the worker and reads its {@code __version__}: that proves it imports,
   * which is what a call needs, not just that its files are installed.
   */
  private static String packageStatus(SnakeBridgeRuntime runtime, String name) {
    try {
      return String.valueOf(runtime.getModuleAttr(name, "__version__"));
    } catch (PythonException e) {
      if (e.pythonType().endsWith("ModuleNotFoundError")
          && e.pythonMessage().equals("No module named '" + name + "'")) {
        return "not installed";
      }
      if (e.pythonType().endsWith("AttributeError")) {
        return installedVersion(runtime, name);
      }
      return "installed, but import fails: " + e.pythonType() + ": " + e.pythonMessage();
    } catch (SnakeBridgeException e) {
      return "import failed: " + e.getMessage();
    }
  }

  private static String installedVersion(SnakeBridgeRuntime runtime, String name) {
    try {
      return String.valueOf(runtime.call("importlib.metadata", "version", name));
    } catch (SnakeBridgeException e) {
      return "importable, version unknown";
    }
  }
}
