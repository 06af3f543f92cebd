package io.snakebridge.internal.worker;

import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.wire.LaneSettings;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts real CPython workers: {@code <python> -c <bootstrap> <folder holding snakebridge_worker>},
 * with the runtime's environment on top of the JVM's own and its working directory.
 *
 * <p>After the first handshake the spawner starts later workers with the interpreter path the
 * worker reported ({@code sys.executable}) instead of the configured command. A version manager's
 * shim (pyenv's costs over 100 ms per start) is then paid once per runtime, and the environment a
 * shim would pick stays the same because the shim already picked it. If that path ever fails to
 * start, the next start goes back to the configured command.
 *
 * <p>Thread-safe.
 */
public final class PythonSpawner implements WorkerSpawner {
  /** The exit status of an interpreter older than 3.9, which writes {@link #TOO_OLD} first. */
  public static final int EXIT_TOO_OLD = 4;

  /** What the stderr line of an interpreter older than 3.9 contains. */
  public static final String TOO_OLD = "is too old: SnakeBridge needs CPython 3.9 or newer";

  /**
   * Refuses an interpreter older than 3.9 with one clear stderr line and {@link #EXIT_TOO_OLD}
   * (written so that Python 2.7 still parses it). Then puts the extracted package first on sys.path
   * in place of the working directory's {@code ''} that {@code -c} put there, and runs the worker's
   * server loop, which puts the working directory back after the standard library and the user's
   * folders, so that no user file shadows the standard library (server.py says why neither {@code
   * -I} nor {@code -P}).
   */
  static final String BOOTSTRAP =
      "import sys\n"
          + "if sys.version_info < (3, 9):\n"
          + "    sys.stderr.write('Python %d.%d.%d at %s "
          + TOO_OLD
          + "\\n'"
          + " % (tuple(sys.version_info[:3]) + (sys.executable,)))\n"
          + "    sys.exit("
          + EXIT_TOO_OLD
          + ")\n"
          + "w = sys.path[:1] == ['']\n"
          + "sys.path[:w] = [sys.argv[1]]\n"
          + "import snakebridge_worker.server as s\n"
          + "s.main(w)\n";

  private final String python;
  private final Map<String, String> environment;
  private final @Nullable Path workingDirectory;
  private final WorkerFiles files;
  private final List<String> paths;
  private final List<String> helperPaths;
  private final CodecLimits limits;
  private final int threads;
  private final long memoryLimit;
  private final Logger stderrLogger;
  private final @Nullable String pythonHint;
  private final LaneSettings sharedMemory;
  private volatile @Nullable String reportedExecutable;

  /**
   * Creates a spawner.
   *
   * @param python the configured interpreter: a path or a command on {@code PATH}
   * @param environment variables added to the JVM's environment
   * @param workingDirectory the workers' working directory, or null for the JVM's
   * @param paths folders put at the front of the workers' {@code sys.path}
   * @param helperPaths folders of the user's helper modules, sent in the handshake
   * @param threads how many calls each worker runs at once (HELLO {@code threads}); at least 1
   * @throws IllegalArgumentException if {@code threads} is below 1
   */
  public PythonSpawner(
      String python,
      Map<String, String> environment,
      @Nullable Path workingDirectory,
      WorkerFiles files,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      Logger stderrLogger) {
    this(
        python,
        environment,
        workingDirectory,
        files,
        paths,
        helperPaths,
        limits,
        threads,
        0,
        stderrLogger,
        null);
  }

  /**
   * Creates a spawner whose workers limit their own data memory, and whose message for a missing
   * interpreter ends with {@code pythonHint}.
   *
   * @param memoryLimit the hard limit of each worker's data memory in bytes (HELLO {@code
   *     memory_limit}), or 0 for none
   * @param pythonHint how to name another interpreter, or null when the user already named one
   */
  public PythonSpawner(
      String python,
      Map<String, String> environment,
      @Nullable Path workingDirectory,
      WorkerFiles files,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      long memoryLimit,
      Logger stderrLogger,
      @Nullable String pythonHint) {
    this(
        python,
        environment,
        workingDirectory,
        files,
        paths,
        helperPaths,
        limits,
        threads,
        memoryLimit,
        stderrLogger,
        pythonHint,
        LaneSettings.DISABLED);
  }

  /** Creates a spawner whose workers use the shared-memory lane as {@code sharedMemory} says. */
  public PythonSpawner(
      String python,
      Map<String, String> environment,
      @Nullable Path workingDirectory,
      WorkerFiles files,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      long memoryLimit,
      Logger stderrLogger,
      @Nullable String pythonHint,
      LaneSettings sharedMemory) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.python = python;
    this.environment = Map.copyOf(environment);
    this.workingDirectory = workingDirectory;
    this.files = files;
    this.paths = List.copyOf(paths);
    this.helperPaths = List.copyOf(helperPaths);
    this.limits = limits;
    this.threads = threads;
    this.memoryLimit = memoryLimit;
    this.stderrLogger = stderrLogger;
    this.pythonHint = pythonHint;
    this.sharedMemory = sharedMemory;
  }

  @Override
  public WorkerProcess spawn(String workerId) {
    Path folder;
    try {
      folder = files.folder();
    } catch (IOException e) {
      throw new SnakeBridgeException(
          "could not extract the Python worker package for worker "
              + workerId
              + ": "
              + e.getMessage(),
          e);
    }
    String known = reportedExecutable;
    String executable = known != null ? known : locate();
    ProcessBuilder builder = new ProcessBuilder(executable, "-c", BOOTSTRAP, folder.toString());
    builder.environment().putAll(environment);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      reportedExecutable = null;
      throw new SnakeBridgeException(
          "could not start Python worker "
              + workerId
              + " with "
              + executable
              + ": "
              + e.getMessage(),
          e);
    }
    WorkerProcess worker =
        WorkerProcess.attach(
            workerId,
            executable,
            process,
            paths,
            helperPaths,
            limits,
            threads,
            memoryLimit,
            stderrLogger);
    worker.sharedMemory(sharedMemory);
    return worker;
  }

  @Override
  public void handshakeSucceeded(PythonInfo info) {
    String executable = info.executable();
    if (reportedExecutable != null || executable.isEmpty()) {
      return;
    }
    try {
      if (Files.isExecutable(Path.of(executable))) {
        reportedExecutable = executable;
      }
    } catch (InvalidPathException e) {
      // Keep starting the configured command.
    }
  }

  private String locate() {
    String searchPath =
        environment.containsKey("PATH") ? environment.get("PATH") : System.getenv("PATH");
    return PythonLocator.locate(python, searchPath, pythonHint).toString();
  }
}
