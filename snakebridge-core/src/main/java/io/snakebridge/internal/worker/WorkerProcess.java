package io.snakebridge.internal.worker;

import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.codec.WireFormatException;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameFormatException;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.wire.LaneSettings;
import io.snakebridge.internal.wire.SharedLane;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One running worker: the OS process, its protocol connection and its stderr forwarder, plus the
 * handshake of WIRE-PROTOCOL.md §4.1 and what a crash report needs (exit status, stderr tail).
 *
 * <p>Thread-safe. The pool decides who may send calls; any thread may stop the process.
 */
public final class WorkerProcess {
  /** The only protocol version this JVM speaks. */
  public static final int PROTOCOL_VERSION = 1;

  private final String id;
  private final String executable;
  private final Process process;
  private final WorkerConnection connection;
  private final StderrForwarder stderr;
  private final List<String> paths;
  private final List<String> helperPaths;
  private final CodecLimits limits;
  private final int threads;
  private final long memoryLimit;
  private volatile @Nullable PythonInfo info;
  private volatile LaneSettings sharedMemory = LaneSettings.DISABLED;
  private volatile @Nullable SharedLane lane;

  private WorkerProcess(
      String id,
      String executable,
      Process process,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      long memoryLimit,
      Logger stderrLogger) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.id = id;
    this.executable = executable;
    this.process = process;
    this.paths = List.copyOf(paths);
    this.helperPaths = List.copyOf(helperPaths);
    this.limits = limits;
    this.threads = threads;
    this.memoryLimit = memoryLimit;
    this.connection =
        new WorkerConnection(
            process.getInputStream(), process.getOutputStream(), limits.maxFrameBytes());
    this.stderr = new StderrForwarder(id, process.getErrorStream(), stderrLogger);
  }

  /**
   * Takes charge of a just-started process that runs one call at a time: starts forwarding its
   * stderr. The handshake is next.
   *
   * @param id the worker's id, such as {@code default-1}
   * @param executable what was started, for messages
   * @param paths folders the worker puts at the front of {@code sys.path}
   * @param helperPaths folders of the user's helper modules (WIRE-PROTOCOL.md §5.5)
   * @param limits the frame and nesting limits both sides use
   */
  public static WorkerProcess attach(
      String id,
      String executable,
      Process process,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      Logger stderrLogger) {
    return attach(id, executable, process, paths, helperPaths, limits, 1, stderrLogger);
  }

  /**
   * Takes charge of a just-started process: starts forwarding its stderr. The handshake is next.
   *
   * @param threads how many calls the worker runs at once, on as many threads (HELLO {@code
   *     threads}, WIRE-PROTOCOL.md §4.1); at least 1
   * @throws IllegalArgumentException if {@code threads} is below 1
   * @see #attach(String, String, Process, List, List, CodecLimits, Logger)
   */
  public static WorkerProcess attach(
      String id,
      String executable,
      Process process,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      Logger stderrLogger) {
    return attach(id, executable, process, paths, helperPaths, limits, threads, 0, stderrLogger);
  }

  /**
   * Takes charge of a just-started process: starts forwarding its stderr. The handshake is next.
   *
   * @param memoryLimit the hard limit of the worker's data memory in bytes (HELLO {@code
   *     memory_limit}, WIRE-PROTOCOL.md §4.1), or 0 for none
   * @see #attach(String, String, Process, List, List, CodecLimits, int, Logger)
   */
  public static WorkerProcess attach(
      String id,
      String executable,
      Process process,
      List<String> paths,
      List<String> helperPaths,
      CodecLimits limits,
      int threads,
      long memoryLimit,
      Logger stderrLogger) {
    WorkerProcess worker =
        new WorkerProcess(
            id,
            executable,
            process,
            paths,
            helperPaths,
            limits,
            threads,
            memoryLimit,
            stderrLogger);
    worker.stderr.start();
    worker.killLeftoversOnExit();
    return worker;
  }

  /**
   * Once the process has ended, however it ended (a crash, the OOM killer, SIGKILL from anyone),
   * kills what is left of its process group: the worker does so itself on every exit it controls,
   * but a worker killed outright cannot. Runs where {@link Process#onExit()} completes.
   */
  private void killLeftoversOnExit() {
    ProcessHandle handle;
    try {
      handle = process.toHandle();
    } catch (UnsupportedOperationException noHandle) {
      return; // not an OS process (a test's fake)
    }
    var unused = process.onExit().thenRun(() -> stop(WorkerDescendants.of(handle, false), true));
  }

  /**
   * Exchanges HELLO frames and checks the worker's answer. Blocks until the worker answers; the
   * pool's watchdog stops the process when the start-up timeout passes, which ends the wait.
   *
   * @throws IOException when the worker closed its output or broke the framing
   * @throws SnakeBridgeException when the worker refused the handshake or answered nonsense
   */
  public PythonInfo handshake() throws IOException {
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("protocol", (long) PROTOCOL_VERSION);
    hello.put("min_protocol", (long) PROTOCOL_VERSION);
    hello.put("worker_id", id);
    hello.put("paths", paths);
    hello.put("helper_paths", helperPaths);
    hello.put("max_frame", limits.maxFrameBytes());
    hello.put("max_depth", (long) limits.maxDepth());
    hello.put("threads", (long) threads);
    if (memoryLimit > 0) {
      hello.put("memory_limit", memoryLimit);
    }
    LaneSettings shared = sharedMemory;
    if (shared.enabled()) {
      hello.put("shm_limit", shared.limit());
      hello.put("shm_threshold", shared.threshold());
    }
    EncodedValue body = new ValueWriter(limits).encode(hello, "hello");
    Frame reply = connection.request(FrameKind.HELLO, 0, body);
    Object value;
    try {
      value = new ValueReader(limits).decode(reply.body(), 0, reply.bodyLength());
    } catch (WireFormatException e) {
      throw new FrameFormatException("bad HELLO value section: " + e.getMessage());
    }
    if (!(value instanceof Map)) {
      throw refused("answered the handshake with " + describe(value) + " instead of a dict");
    }
    Map<?, ?> answer = (Map<?, ?>) value;
    if (reply.kind() == FrameKind.ERROR) {
      throw refused("refused the handshake: " + answer.get("type") + ": " + answer.get("message"));
    }
    if (reply.kind() != FrameKind.HELLO) {
      throw new FrameFormatException("expected a HELLO frame, got " + reply);
    }
    PythonInfo checked = check(answer);
    if (shared.enabled()) {
      openLane(shared, answer, checked.pid());
    }
    info = checked;
    return checked;
  }

  /**
   * Sets whether the handshake asks for the shared-memory lane (WIRE-PROTOCOL.md §2.2); off unless
   * set. Called before {@link #handshake()}.
   */
  public void sharedMemory(LaneSettings settings) {
    this.sharedMemory = settings;
  }

  /** Returns whether large values cross through shared memory on this worker. */
  public boolean usesSharedMemory() {
    return lane != null;
  }

  private void openLane(LaneSettings shared, Map<?, ?> answer, long pid) {
    Object fds = answer.get("shm");
    if (!(fds instanceof List)
        || ((List<?>) fds).size() != 2
        || !(((List<?>) fds).get(0) instanceof Long)
        || !(((List<?>) fds).get(1) instanceof Long)) {
      Object error = answer.get("shm_error");
      shared.reportFallback(
          "worker "
              + id
              + " offers no shared memory ("
              + (error instanceof String ? error : "no 'shm' in its HELLO")
              + ")");
      return;
    }
    List<?> pair = (List<?>) fds;
    try {
      SharedLane opened =
          SharedLane.open(
              pid,
              (Long) pair.get(0),
              (Long) pair.get(1),
              shared.threshold(),
              shared.limit(),
              () ->
                  shared.reportFallback(
                      "a value of worker "
                          + id
                          + " needs more than the "
                          + "sharedMemoryLimit of "
                          + shared.limit()
                          + " bytes"));
      connection.useSharedLane(opened);
      lane = opened;
      var unused = process.onExit().thenRun(() -> closeQuietly(opened));
    } catch (IOException | RuntimeException e) {
      shared.reportFallback("the shared memory of worker " + id + " cannot be mapped (" + e + ")");
    }
  }

  private static void closeQuietly(SharedLane lane) {
    try {
      lane.close();
    } catch (IOException e) {
      // Nothing to do: the worker is gone, and the mapping goes with the collector.
    }
  }

  private PythonInfo check(Map<?, ?> answer) {
    long protocol = number(answer, "protocol");
    long minProtocol = number(answer, "min_protocol");
    if (protocol != PROTOCOL_VERSION) {
      throw refused(
          "chose protocol version "
              + protocol
              + " (it accepts "
              + minProtocol
              + " and up), but"
              + " this JVM speaks versions "
              + PROTOCOL_VERSION
              + " to "
              + PROTOCOL_VERSION);
    }
    Object confirmed = answer.get("threads");
    if (confirmed == null ? threads != 1 : !confirmed.equals((long) threads)) {
      throw refused(
          "was asked for threads = "
              + threads
              + " (calls at once) but answered "
              + (confirmed == null
                  ? "no threads (a worker without that key)"
                  : "threads = " + confirmed));
    }
    return new PythonInfo(
        text(answer, "executable"),
        text(answer, "python_version"),
        text(answer, "implementation"),
        number(answer, "pid"),
        (int) protocol);
  }

  private long number(Map<?, ?> answer, String key) {
    Object value = answer.get(key);
    if (!(value instanceof Long)) {
      throw refused("sent a HELLO whose '" + key + "' is " + describe(value) + ", not an int");
    }
    return (Long) value;
  }

  private String text(Map<?, ?> answer, String key) {
    Object value = answer.get(key);
    if (!(value instanceof String)) {
      throw refused("sent a HELLO whose '" + key + "' is " + describe(value) + ", not a str");
    }
    return (String) value;
  }

  private SnakeBridgeException refused(String what) {
    return new SnakeBridgeException("Python worker " + id + " (" + executable + ") " + what);
  }

  private static String describe(@Nullable Object value) {
    return value == null ? "None" : value.getClass().getSimpleName() + " " + value;
  }

  /** Returns the worker's id, such as {@code default-1}. */
  public String id() {
    return id;
  }

  /** Returns the executable that was started. */
  public String executable() {
    return executable;
  }

  /** Returns what the handshake reported, or null before it completed. */
  public @Nullable PythonInfo info() {
    return info;
  }

  /** Returns the connection for calls. */
  public WorkerConnection connection() {
    return connection;
  }

  /** Returns the hard limit of the worker's data memory in bytes, or 0 for none. */
  public long memoryLimit() {
    return memoryLimit;
  }

  /** Returns how many calls the worker runs at once (HELLO {@code threads}). */
  public int threads() {
    return threads;
  }

  /** Returns whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the process at once (SIGKILL), and every process it started (see {@link
   * WorkerDescendants}), also when the worker itself already died; the caller reading its pipe sees
   * end of file.
   */
  public void kill() {
    signal(true);
  }

  /**
   * Asks the process to terminate (SIGTERM), and the processes it started too. The worker's SIGTERM
   * handler kills its group's processes before it dies of the signal; this also reaches them when
   * that handler cannot run (the worker holds the GIL in a C call).
   */
  public void terminate() {
    signal(false);
  }

  /**
   * Signals through the process handle: {@link Process#destroy()} would also close the JVM's end of
   * the pipes at once, losing the stderr lines a crash report needs, while through the handle the
   * pipes end naturally when the process does and the forwarder reads them to the end. The worker's
   * processes are listed before it is signalled (once it is dead its children are no longer its
   * descendants) and signalled after it (so it cannot start new ones meanwhile).
   */
  private void signal(boolean force) {
    ProcessHandle handle;
    try {
      handle = process.toHandle();
    } catch (UnsupportedOperationException noHandle) {
      if (force) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      return;
    }
    List<ProcessHandle> started = WorkerDescendants.of(handle, process.isAlive());
    if (force) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
    stop(started, force);
  }

  private static void stop(List<ProcessHandle> processes, boolean force) {
    for (ProcessHandle process : processes) {
      try {
        if (force) {
          process.destroyForcibly();
        } else {
          process.destroy();
        }
      } catch (RuntimeException notOurs) {
        // Not ours to signal after all (permissions): the others still get their signal.
      }
    }
  }

  /**
   * Asks the worker to finish and exit: a SHUTDOWN frame, then end of file on its stdin. Never
   * blocks on a worker that stopped reading: call it only for an idle worker.
   */
  public void shutdown() {
    try {
      connection.send(FrameKind.SHUTDOWN, 0, null);
    } catch (IOException e) {
      // Already gone; closing below is all that is left to do.
    }
    connection.closeOutput();
  }

  /** Waits at most {@code timeoutNanos} for the process to exit; returns whether it has. */
  public boolean awaitExit(long timeoutNanos) {
    try {
      return process.waitFor(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Returns the exit code as Java reports it, or empty while the process runs. */
  public OptionalInt exitCode() {
    try {
      return OptionalInt.of(process.exitValue());
    } catch (IllegalThreadStateException stillRunning) {
      return OptionalInt.empty();
    }
  }

  /** Returns how many stderr lines were forwarded so far. */
  public long stderrLines() {
    return stderr.lines();
  }

  /** Waits at most {@code timeoutNanos} for stderr to reach end of file. */
  public boolean awaitStderrDrained(long timeoutNanos) {
    return stderr.awaitDrained(timeoutNanos);
  }

  /** Returns the last lines the worker wrote to stderr. */
  public String stderrTail() {
    return stderr.tail();
  }

  @Override
  public String toString() {
    PythonInfo known = info;
    return "worker " + id + (known == null ? "" : " (pid " + known.pid() + ")");
  }
}
