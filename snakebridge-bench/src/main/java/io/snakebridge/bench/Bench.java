package io.snakebridge.bench;

import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.PythonInfo;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark harness: one process, one run, every case side by side, a Markdown report.
 *
 * <ol>
 *   <li>the floor: a minimal Python echo loop over the same kind of pipe;
 *   <li>{@code call("math", "sqrt", 16)} on a one-worker runtime from one thread;
 *   <li>the same on a two-worker runtime from two threads (and, for reference, the floor with two
 *       echo processes and two threads);
 *   <li>a list of 100,000 floats and a 10,000,000-element float64 numpy array, each way;
 *   <li>one 80 MB frame through the raw pipe, each way;
 *   <li>references and callbacks, one worker, one thread: a method call on a {@link PyRef} against
 *       the same work as a module function (6), an attribute read on a reference against a module
 *       attribute (7), and a call whose Python function calls a Java function back (8);
 *   <li>streams, one worker, one thread: items per second of a Python generator of small ints and
 *       of one of 1 KB dicts, pushed in batches ({@code stream}) and item by item ({@code
 *       streamDynamic}), next to the same ints returned as one list (9).
 *   <li>a call through a generated wrapper against the dynamic call it makes (10, {@link
 *       GeneratedCallCost}).
 * </ol>
 *
 * <p>Run it with {@code snakebridge-bench/run}; {@code --help} lists the options. {@code
 * snakebridge-bench/run soak} runs the {@link Soak} instead, {@code snakebridge-bench/run
 * generated} case (11) alone.
 */
public final class Bench {
  static final String MODULE = "snakebridge_bench";

  /** Floor frames: about the size of a small CALL frame (16-byte header, value section, pickle). */
  static final int SMALL_FRAME_BYTES = 96;

  static final int LIST_SIZE = 100_000;
  static final int ARRAY_SIZE = 10_000_000;
  private static final int ARRAY_WARMUPS = 2;
  static final int PIPE_BYTES = 80_000_000;
  static final int STREAM_INTS = 1_000_000;
  static final int STREAM_DICTS = 100_000;
  static final int STREAM_DYNAMIC_ITEMS = 10_000;

  static final double CALL_P50_FACTOR = 2.0;
  static final double SCALING_FACTOR = 1.6;
  static final double ARRAY_MB_PER_SECOND = 1_000;

  /** Target of (4c), (4d) through shared memory, besides staying within 3× (4g). */
  static final double SHARED_MB_PER_SECOND = 5_000;

  static final double SHARED_TIMES_ARRAYCOPY = 3;
  static final double REF_FACTOR = 1.2;
  static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

  private final BenchOptions options;
  private final Measurement measurement;
  private final Path pythonDir;
  private final Report report = new Report();

  private Bench(BenchOptions options) {
    this.options = options;
    this.measurement = new Measurement(options);
    this.pythonDir = options.workDir().toAbsolutePath().resolve("bench-python");
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("soak")) {
      Soak.main(List.of(args).subList(1, args.length));
      System.exit(0);
      return;
    }
    if (args.length > 0 && args[0].equals("generated")) {
      GeneratedCallCost.main(List.of(args).subList(1, args.length));
      System.exit(0);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage()); // --help throws an empty message
      if (!message.isEmpty()) {
        System.err.println("bench: " + message);
      }
      System.err.println(BenchOptions.USAGE);
      System.exit(message.isEmpty() ? 0 : 2);
      return;
    }
    String markdown = new Bench(options).run();
    System.out.print(markdown);
    if (options.write() != null) {
      Files.writeString(options.write(), markdown);
      System.err.println("[bench] wrote " + options.write());
    }
    System.exit(0);
  }

  private String run() throws Exception {
    Files.createDirectories(pythonDir);
    Path echoScript = extract("echo_loop.py");
    extract(MODULE + ".py");
    extract(TableTransfers.MODULE + ".py");
    Machine machine = Machine.current();
    double loadBefore = Machine.loadAverage();
    report.context(
        "Machine: " + machine.cpu() + ", " + machine.processors() + " processors, " + machine.os());
    report.context("JDK: " + machine.jdk());

    report.context("JVM options: " + jvmOptions());
    String python;
    Measurement.Run floor;
    Measurement.Run single;
    if (options.arraysOnly()) {
      try (SnakeBridgeRuntime runtime = runtime(options.python(), 1)) {
        python = runtime.pythonInfo().executable();
      }
      report.context("Settings: array cases and the raw pipe only");
      arrays(python);
      rawPipe(python, echoScript);
      report.context(
          String.format(
              Locale.ROOT,
              "Load average (1 min) before / after the run: " + "%.2f / %.2f",
              loadBefore,
              Machine.loadAverage()));
      return report.markdown();
    }
    if (options.tablesOnly()) {
      report.context("Settings: Arrow table cases only");
      tables(options.python());
      report.context(
          String.format(
              Locale.ROOT,
              "Load average (1 min) before / after the run: " + "%.2f / %.2f",
              loadBefore,
              Machine.loadAverage()));
      return report.markdown();
    }
    if (options.streamsOnly()) {
      try (SnakeBridgeRuntime runtime = runtime(options.python(), 1)) {
        PythonInfo info = runtime.pythonInfo();
        report.context(
            "Python: "
                + info.implementation()
                + " "
                + info.version()
                + " ("
                + info.executable()
                + "), wire protocol "
                + info.protocolVersion());
        report.context(
            String.format(
                Locale.ROOT,
                "Settings: streaming cases only; each case "
                    + "streams for at least %.1f s after a warm-up run",
                options.seconds()));
        streams(runtime);
      }
      report.context(
          String.format(
              Locale.ROOT,
              "Load average (1 min) before / after the run: " + "%.2f / %.2f",
              loadBefore,
              Machine.loadAverage()));
      return report.markdown();
    }
    try (SnakeBridgeRuntime runtime = runtime(options.python(), 1)) {
      long start = System.nanoTime();
      PythonInfo info = runtime.pythonInfo();
      long startMillis = (System.nanoTime() - start) / 1_000_000;
      python = info.executable();
      report.context(
          "Python: "
              + info.implementation()
              + " "
              + info.version()
              + " ("
              + python
              + "), wire protocol "
              + info.protocolVersion());
      report.context(
          String.format(
              Locale.ROOT,
              "Settings: warm-up %.0f s per case; latency cases "
                  + "record at least %,d calls and %.0f s; floor frames %d bytes",
              options.warmupSeconds(),
              options.calls(),
              options.seconds(),
              SMALL_FRAME_BYTES));
      report.detail("First worker ready (build to first pythonInfo()): " + startMillis + " ms");

      floor = floor("(1) raw pipe floor", python, echoScript, null);
      single = measurement.latency("(2) call, 1 worker", () -> runtime.call("math", "sqrt", 16));
      addCallRows(floor, single);
      cpuDetail("(1)", floor);
      cpuDetail("(2)", single);
      pinned(python, echoScript, runtime, info.pid());
      refsAndCallbacks(runtime, "", "");
      if (CpuPinning.available()) {
        long tid = CpuPinning.currentThreadId();
        CpuPinning.thread(tid, "0");
        CpuPinning.process(info.pid(), "0");
        try {
          refsAndCallbacks(runtime, "p", ", pinned to CPU 0");
        } finally {
          CpuPinning.process(info.pid(), CpuPinning.allCpus());
          CpuPinning.thread(tid, CpuPinning.allCpus());
        }
      }
      pythonSideCosts(runtime);
      lists(runtime);
      streams(runtime);
      new GeneratedCallCost(measurement, report, options.workDir().toAbsolutePath())
          .measure(runtime);
    }
    twoWorkers(python, single);
    parallelFloor(python, echoScript, floor);
    if (options.skipNumpy()) {
      report.detail("numpy cases skipped (--no-numpy)");
    } else {
      arrays(python);
      tables(python);
    }
    rawPipe(python, echoScript);
    double loadAfter = Machine.loadAverage();
    report.context(
        String.format(
            Locale.ROOT,
            "Load average (1 min) before / after the run: " + "%.2f / %.2f%s",
            loadBefore,
            loadAfter,
            loadBefore > machine.processors() / 4.0
                ? " (other work was running: numbers are not representative)"
                : ""));
    return report.markdown();
  }

  /** The floor; with {@code cpus}, the echo process is first pinned to those CPUs. */
  private Measurement.Run floor(String name, String python, Path echoScript, @Nullable String cpus)
      throws Exception {
    try (PipeEcho echo = PipeEcho.start(python, echoScript)) {
      if (cpus != null) {
        CpuPinning.process(echo.pid(), cpus);
      }
      byte[] frame = PipeEcho.frame(SMALL_FRAME_BYTES);
      byte[] reply = new byte[frame.length];
      return measurement.latency(name, () -> echo.roundTrip(frame, reply));
    }
  }

  /**
   * (1) and (2) again with the measuring thread and the Python process pinned to CPU 0, so every
   * hand-over stays on one CPU: the software's own cost, without cross-CPU wake-ups.
   */
  private void pinned(String python, Path echoScript, SnakeBridgeRuntime runtime, long workerPid)
      throws Exception {
    if (!CpuPinning.available()) {
      report.detail("(1p) and (2p) not measured: they need Linux and taskset");
      return;
    }
    long tid = CpuPinning.currentThreadId();
    Measurement.Run floor;
    Measurement.Run minimal;
    Measurement.Run call;
    CpuPinning.thread(tid, "0");
    try {
      floor = floor("(1p) raw pipe floor, one CPU", python, echoScript, "0");
      minimal = minimalWorker(python);
      CpuPinning.process(workerPid, "0");
      try {
        call = measurement.latency("(2p) call, one CPU", () -> runtime.call("math", "sqrt", 16));
      } finally {
        CpuPinning.process(workerPid, CpuPinning.allCpus());
      }
    } finally {
      CpuPinning.thread(tid, CpuPinning.allCpus());
    }
    report.row(
        new Report.Row(
            "1p",
            "Raw pipe floor, caller thread and echo pinned to CPU 0",
            Report.micros(floor.p50Micros()),
            Report.micros(floor.p99Micros()),
            Report.count(floor.callsPerSecond()) + " round trips/s",
            "",
            ""));
    report.row(
        new Report.Row(
            "1m",
            "Least a Python worker can do (`minimal_worker.py`: "
                + "`pickle.loads`, call, `pickle.dumps`), pinned to CPU 0",
            Report.micros(minimal.p50Micros()),
            Report.micros(minimal.p99Micros()),
            Report.count(minimal.callsPerSecond()) + " calls/s",
            "",
            ""));
    double limit = CALL_P50_FACTOR * floor.p50Micros();
    report.row(
        new Report.Row(
            "2p",
            "Same call, caller thread and worker pinned to CPU 0",
            Report.micros(call.p50Micros()),
            Report.micros(call.p99Micros()),
            Report.count(call.callsPerSecond()) + " calls/s",
            "p50 ≤ 2× (1p) = " + Report.micros(limit) + " µs",
            Report.verdict(call.p50Micros() <= limit)));
    cpuDetail("(1p)", floor);
    cpuDetail("(1m)", minimal);
    cpuDetail("(2p)", call);
  }

  /**
   * (1m): {@code math.sqrt(16)} through {@code minimal_worker.py}, pinned to CPU 0 like (1p): the
   * same pipe and the same call, with none of the worker's framing, checks, sessions or control
   * thread. The script sends the request to use first, pickled as Python pickles it.
   */
  private Measurement.Run minimalWorker(String python) throws Exception {
    Path script = extract("minimal_worker.py");
    try (PipeEcho worker = PipeEcho.start(python, script)) {
      CpuPinning.process(worker.pid(), "0");
      byte[] buffer = new byte[1 << 16];
      byte[] request = Arrays.copyOf(buffer, worker.readMessage(buffer));
      int length = worker.exchange(request, buffer);
      check(length > 5 && buffer[4] == (byte) 0x80, "minimal_worker.py's reply to sqrt(16)");
      return measurement.latency(
          "(1m) minimal Python worker, one CPU", () -> worker.exchange(request, buffer));
    }
  }

  private void addCallRows(Measurement.Run floor, Measurement.Run single) {
    report.row(
        new Report.Row(
            "1",
            "Raw pipe floor: Python echo loop, " + SMALL_FRAME_BYTES + "-byte frames, as scheduled",
            Report.micros(floor.p50Micros()),
            Report.micros(floor.p99Micros()),
            Report.count(floor.callsPerSecond()) + " round trips/s",
            "",
            ""));
    double limit = CALL_P50_FACTOR * floor.p50Micros();
    report.row(
        new Report.Row(
            "2",
            "`call(\"math\", \"sqrt\", 16)`, 1 worker, 1 thread, as scheduled",
            Report.micros(single.p50Micros()),
            Report.micros(single.p99Micros()),
            Report.count(single.callsPerSecond()) + " calls/s",
            "p50 ≤ 2× (1) = " + Report.micros(limit) + " µs",
            Report.verdict(single.p50Micros() <= limit)));
  }

  /**
   * CPU time per round trip on each side. With one thread, mean time minus both is time when
   * neither side ran (pipe wake-ups, scheduling); with several, what one round trip costs the
   * machine, and so the most two cores could do.
   */
  private void cpuDetail(String id, Measurement.Run run) {
    double cpu = run.javaCpuMicros() + run.pythonCpuMicros();
    String split =
        String.format(
            Locale.ROOT,
            "%s CPU per round trip: Java caller thread %.1f µs, "
                + "Python processes %.1f µs (all threads)",
            id,
            run.javaCpuMicros(),
            run.pythonCpuMicros());
    if (id.startsWith("(3")) {
      report.detail(
          String.format(
              Locale.ROOT,
              "%s; %.1f µs in all, so %d cores could do at most " + "%s/s",
              split,
              cpu,
              PROCESSORS,
              Report.count(PROCESSORS * 1e6 / cpu)));
    } else {
      report.detail(
          String.format(
              Locale.ROOT,
              "%s; of the mean %.1f µs, neither side was running "
                  + "for %.1f µs (wake-ups, scheduling)",
              split,
              run.meanMicros(),
              run.meanMicros() - cpu));
    }
  }

  private void twoWorkers(String python, Measurement.Run single) throws Exception {
    try (SnakeBridgeRuntime runtime = runtime(python, 2)) {
      Measurement.Run pair =
          measurement.parallel(
              "(3) call, 2 workers, 2 threads",
              2,
              thread -> () -> runtime.call("math", "sqrt", 16));
      double ratio = pair.callsPerSecond() / single.callsPerSecond();
      double limit = SCALING_FACTOR * single.callsPerSecond();
      report.row(
          new Report.Row(
              "3",
              "Same call, 2 workers, 2 threads",
              Report.micros(pair.p50Micros()),
              Report.micros(pair.p99Micros()),
              Report.count(pair.callsPerSecond())
                  + " calls/s = "
                  + String.format(Locale.ROOT, "%.2f", ratio)
                  + "× (2)",
              "≥ 1.6× (2) = " + Report.count(limit) + " calls/s",
              Report.verdict(pair.callsPerSecond() >= limit)));
      cpuDetail("(3)", pair);
    }
    // Diagnostic: the same load on two runtimes of one worker each, so no pool is shared.
    try (SnakeBridgeRuntime first = runtime(python, 1);
        SnakeBridgeRuntime second = runtime(python, 1)) {
      List<SnakeBridgeRuntime> runtimes = List.of(first, second);
      Measurement.Run pair =
          measurement.parallel(
              "(3'') call, 2 runtimes, 2 threads",
              2,
              thread -> () -> runtimes.get(thread).call("math", "sqrt", 16));
      report.row(
          new Report.Row(
              "3''",
              "Reference for (3): 2 runtimes of 1 worker, a thread each",
              Report.micros(pair.p50Micros()),
              Report.micros(pair.p99Micros()),
              Report.count(pair.callsPerSecond())
                  + " calls/s = "
                  + String.format(
                      Locale.ROOT, "%.2f", pair.callsPerSecond() / single.callsPerSecond())
                  + "× (2)",
              "",
              ""));
      cpuDetail("(3'')", pair);
      if (CpuPinning.available()) {
        pinnedPairs(runtimes, single);
      }
    }
  }

  /**
   * (3'') with thread i and the worker of runtime i pinned to CPU i: two round trips that never
   * leave their own CPU, the most two cores can give this design.
   */
  private void pinnedPairs(List<SnakeBridgeRuntime> runtimes, Measurement.Run single)
      throws Exception {
    for (int i = 0; i < runtimes.size(); i++) {
      CpuPinning.process(runtimes.get(i).pythonInfo().pid(), Integer.toString(i % PROCESSORS));
    }
    Measurement.Run pair =
        measurement.parallel(
            "(3''p) call, 2 runtimes, pinned pairs",
            2,
            thread -> {
              SnakeBridgeRuntime runtime = runtimes.get(thread);
              boolean[] pinned = {false};
              return () -> {
                if (!pinned[0]) { // runs on the measuring thread, which dies with its pin
                  CpuPinning.thread(
                      CpuPinning.currentThreadId(), Integer.toString(thread % PROCESSORS));
                  pinned[0] = true;
                }
                runtime.call("math", "sqrt", 16);
              };
            });
    report.row(
        new Report.Row(
            "3''p",
            "Reference for (3): as (3''), thread i and its worker " + "pinned to CPU i",
            Report.micros(pair.p50Micros()),
            Report.micros(pair.p99Micros()),
            Report.count(pair.callsPerSecond())
                + " calls/s = "
                + String.format(
                    Locale.ROOT, "%.2f", pair.callsPerSecond() / single.callsPerSecond())
                + "× (2)",
            "",
            ""));
    cpuDetail("(3''p)", pair);
  }

  private void parallelFloor(String python, Path echoScript, Measurement.Run floor)
      throws Exception {
    List<PipeEcho> echoes = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        echoes.add(PipeEcho.start(python, echoScript));
      }
      byte[] frame = PipeEcho.frame(SMALL_FRAME_BYTES);
      Measurement.Run pair =
          measurement.parallel(
              "(3') raw pipe, 2 echo processes",
              2,
              thread -> {
                PipeEcho echo = echoes.get(thread);
                byte[] reply = new byte[frame.length];
                return () -> echo.roundTrip(frame, reply);
              });
      report.row(
          new Report.Row(
              "3'",
              "Reference for (3): raw pipe, 2 echo processes, 2 threads",
              Report.micros(pair.p50Micros()),
              Report.micros(pair.p99Micros()),
              Report.count(pair.callsPerSecond())
                  + " round trips/s = "
                  + String.format(
                      Locale.ROOT, "%.2f", pair.callsPerSecond() / floor.callsPerSecond())
                  + "× (1)",
              "",
              ""));
      cpuDetail("(3')", pair);
    } finally {
      for (PipeEcho echo : echoes) {
        echo.close();
      }
    }
  }

  /**
   * (6), (7), (8): references and callbacks on the one-worker runtime, from this thread (so in its
   * automatic session, where the reference is created once before timing). Each reference case is
   * measured right after the plain case it is compared with.
   */
  private void refsAndCallbacks(SnakeBridgeRuntime runtime, String p, String where)
      throws Exception {
    PyRef ref = runtime.callClass(MODULE, "Obj");
    Function<Object, Object> identity = x -> x;
    check(((Number) runtime.call(MODULE, "one")).intValue() == 1, "one()");
    check(((Number) runtime.callMethod(ref, "one")).intValue() == 1, "Obj.one()");
    check(((Number) runtime.getModuleAttr(MODULE, "attr")).intValue() == 1, "module attr");
    check(((Number) runtime.getAttr(ref, "attr")).intValue() == 1, "Obj.attr");
    check(((Number) runtime.call(MODULE, "call_it", identity)).intValue() == 1, "call_it");

    Measurement.Run plainCall =
        measurement.latency(
            "(6b" + p + ") call one(), 1 worker", () -> runtime.call(MODULE, "one"));
    Measurement.Run method =
        measurement.latency(
            "(6" + p + ") callMethod(ref, one), 1 worker", () -> runtime.callMethod(ref, "one"));
    Measurement.Run moduleAttr =
        measurement.latency(
            "(7b" + p + ") getModuleAttr(attr), 1 worker",
            () -> runtime.getModuleAttr(MODULE, "attr"));
    Measurement.Run refAttr =
        measurement.latency(
            "(7" + p + ") getAttr(ref, attr), 1 worker", () -> runtime.getAttr(ref, "attr"));
    Measurement.Run callback =
        measurement.latency(
            "(8" + p + ") call with a Java callback, 1 worker",
            () -> runtime.call(MODULE, "call_it", identity));

    report.row(
        new Report.Row(
            "6b" + p,
            "`call(\"snakebridge_bench\", \"one\")`, 1 worker, 1 thread" + where,
            Report.micros(plainCall.p50Micros()),
            Report.micros(plainCall.p99Micros()),
            Report.count(plainCall.callsPerSecond()) + " calls/s",
            "",
            ""));
    refRow(
        "6" + p,
        "`callMethod(ref, \"one\")` on a `PyRef` to an `Obj`, same work" + where,
        method,
        plainCall,
        "6b" + p);
    report.row(
        new Report.Row(
            "7b" + p,
            "`getModuleAttr(\"snakebridge_bench\", \"attr\")`" + where,
            Report.micros(moduleAttr.p50Micros()),
            Report.micros(moduleAttr.p99Micros()),
            Report.count(moduleAttr.callsPerSecond()) + " calls/s",
            "",
            ""));
    refRow(
        "7" + p,
        "`getAttr(ref, \"attr\")` on the same `PyRef`" + where,
        refAttr,
        moduleAttr,
        "7b" + p);
    report.row(
        new Report.Row(
            "8" + p,
            "`call(\"snakebridge_bench\", \"call_it\", fn)`, "
                + "Python calls Java `fn` (x -> x) once"
                + where,
            Report.micros(callback.p50Micros()),
            Report.micros(callback.p99Micros()),
            Report.count(callback.callsPerSecond())
                + " calls/s; p50 = "
                + String.format(Locale.ROOT, "%.2f", callback.p50Micros() / plainCall.p50Micros())
                + "× (6b"
                + p
                + ")",
            "reported",
            ""));
    cpuDetail("(6b" + p + ")", plainCall);
    cpuDetail("(6" + p + ")", method);
    cpuDetail("(7b" + p + ")", moduleAttr);
    cpuDetail("(7" + p + ")", refAttr);
    cpuDetail("(8" + p + ")", callback);
  }

  /** A reference case next to its plain counterpart {@code base}: p50 ratio, target ≤ 1.2×. */
  private void refRow(
      String id, String what, Measurement.Run run, Measurement.Run base, String baseId) {
    double ratio = run.p50Micros() / base.p50Micros();
    report.row(
        new Report.Row(
            id,
            what,
            Report.micros(run.p50Micros()),
            Report.micros(run.p99Micros()),
            Report.count(run.callsPerSecond())
                + " calls/s; p50 = "
                + String.format(Locale.ROOT, "%.2f", ratio)
                + "× ("
                + baseId
                + ")",
            "p50 ≤ 1.2× (" + baseId + ") = " + Report.micros(REF_FACTOR * base.p50Micros()) + " µs",
            Report.verdict(ratio <= REF_FACTOR)));
  }

  private void pythonSideCosts(SnakeBridgeRuntime runtime) {
    double callSeconds = ((Number) runtime.call(MODULE, "call_cost", 200_000)).doubleValue();
    report.detail(
        String.format(
            Locale.ROOT,
            "Python's share of one call, timed inside the worker "
                + "without the pipe (unpickle the call tuple, look up math.sqrt, call it, pickle the "
                + "result): %.2f µs",
            callSeconds * 1e6));
    List<?> costs = (List<?>) runtime.call(MODULE, "pickle_cost", LIST_SIZE, 20);
    double dumps = ((Number) costs.get(0)).doubleValue();
    double loads = ((Number) costs.get(1)).doubleValue();
    long bytes = ((Number) costs.get(2)).longValue();
    report.detail(
        String.format(
            Locale.ROOT,
            "Python's share of the 100,000-float list, timed inside "
                + "the worker: pickle.dumps %.2f ms, pickle.loads %.2f ms (%,d bytes of pickle)",
            dumps * 1e3,
            loads * 1e3,
            bytes));
  }

  private void lists(SnakeBridgeRuntime runtime) throws Exception {
    List<Double> list = new ArrayList<>(LIST_SIZE);
    for (int i = 0; i < LIST_SIZE; i++) {
      list.add(i * 0.25 + 0.1);
    }
    List<?> made = (List<?>) runtime.call(MODULE, "make_list", LIST_SIZE);
    check(made.size() == LIST_SIZE, "make_list");
    check(((Number) runtime.call(MODULE, "length", list)).intValue() == LIST_SIZE, "length(list)");
    long bytes = 8L * LIST_SIZE;
    Latencies in =
        measurement.transfers(
            "(4) list Python→Java", 20, 100, 2, () -> runtime.call(MODULE, "make_list", LIST_SIZE));
    transferRow("4a", "List of 100,000 floats, Python → Java", in, bytes, false);
    Latencies out =
        measurement.transfers(
            "(4) list Java→Python", 20, 100, 2, () -> runtime.call(MODULE, "length", list));
    transferRow("4b", "List of 100,000 floats (`List<Double>`), Java → Python", out, bytes, false);
  }

  /**
   * (9): items per second through a stream, one worker, from this thread. The pushed path keeps one
   * batch in flight while the consumer (a counter here) takes the previous one; the per-item path
   * is one round trip per item. (9e) is the by-value floor: the same ints as one list.
   */
  private void streams(SnakeBridgeRuntime runtime) throws Exception {
    int batch = SnakeBridgeRuntime.DEFAULT_STREAM_BATCH_SIZE;
    streamRow(
        "9a",
        "`stream` of a generator of small ints, batches of " + batch,
        runtime,
        "ints",
        STREAM_INTS,
        false);
    streamRow(
        "9b",
        "`streamDynamic` of the same generator, one call per item",
        runtime,
        "ints",
        STREAM_DYNAMIC_ITEMS,
        true);
    streamRow(
        "9c",
        "`stream` of a generator of 1 KB dicts, batches of " + batch,
        runtime,
        "dicts",
        STREAM_DICTS,
        false);
    streamRow(
        "9d",
        "`streamDynamic` of the same dicts, one call per item",
        runtime,
        "dicts",
        STREAM_DYNAMIC_ITEMS,
        true);
    Latencies list =
        measurement.transfers(
            "(9e) the ints as one list",
            2,
            5,
            options.seconds(),
            () -> runtime.call(MODULE, "int_list", STREAM_INTS));
    report.row(
        new Report.Row(
            "9e",
            "Reference for (9a): the same "
                + Report.count(STREAM_INTS)
                + " ints as one list (`call`)",
            Report.count(list.p50Micros()),
            Report.count(list.p99Micros()),
            Report.count(STREAM_INTS / (list.percentile(50) / 1e9)) + " items/s",
            "",
            ""));
  }

  /** One stream case: whole streams of {@code items} items, p50/p99 per stream, items/s. */
  private void streamRow(
      String id,
      String what,
      SnakeBridgeRuntime runtime,
      String function,
      int items,
      boolean dynamic)
      throws Exception {
    long[] count = {0};
    Latencies times =
        measurement.transfers(
            "(" + id + ") " + what,
            1,
            3,
            options.seconds(),
            () -> {
              count[0] = 0;
              if (dynamic) {
                runtime.streamDynamic(
                    MODULE, function, List.of(items), CallOptions.defaults(), item -> count[0]++);
              } else {
                runtime.stream(
                    MODULE, function, List.of(items), CallOptions.defaults(), item -> count[0]++);
              }
              check(count[0] == items, function + " stream");
            });
    report.row(
        new Report.Row(
            id,
            what + ", " + Report.count(items) + " items per stream",
            Report.count(times.p50Micros()),
            Report.count(times.p99Micros()),
            Report.count(items / (times.percentile(50) / 1e9)) + " items/s",
            "reported",
            ""));
  }

  private void arrays(String python) throws Exception {
    String numpyPython;
    try {
      numpyPython = NumpyVenv.python(options.numpyPython(), python, options.workDir());
    } catch (IOException e) {
      report.detail("numpy cases not measured: " + e.getMessage());
      report.row(
          new Report.Row(
              "4c/4d",
              "numpy float64 array",
              "",
              "",
              "not measured",
              "≥ 1,000 MB/s each way",
              "MISS"));
      return;
    }
    double[] data = new double[ARRAY_SIZE];
    for (int i = 0; i < ARRAY_SIZE; i++) {
      data[i] = i * 0.25 + 0.1;
    }
    NdArray array = NdArray.of(data, ARRAY_SIZE);
    long bytes = 8L * ARRAY_SIZE;
    double[] copy = new double[ARRAY_SIZE];
    Latencies copies =
        measurement.transfers(
            "(4g) System.arraycopy of 80 MB",
            ARRAY_WARMUPS,
            10,
            1,
            () -> System.arraycopy(data, 0, copy, 0, ARRAY_SIZE));
    double copyNanos = copies.percentile(50);
    transferRow(
        "4g",
        "Floor for (4c), (4d): one `System.arraycopy` of the same 80 MB",
        copies,
        bytes,
        false);
    try (SnakeBridgeRuntime runtime = runtime(numpyPython, 1, true)) {
      Object version = runtime.getModuleAttr("numpy", "__version__");
      report.context("numpy " + version + " (" + numpyPython + ")");
      arrayRows(runtime, array, bytes, "4c", "4d", "shared memory", copyNanos);
    }
    try (SnakeBridgeRuntime runtime = runtime(numpyPython, 1, false)) {
      arrayRows(runtime, array, bytes, "4e", "4f", "pipes (`sharedMemory(false)`)", 0);
    }
  }

  /** An array each way; {@code copyNanos} > 0 applies the shared-memory targets against it. */
  private void arrayRows(
      SnakeBridgeRuntime runtime,
      NdArray array,
      long bytes,
      String inId,
      String outId,
      String lane,
      double copyNanos)
      throws Exception {
    NdArray back = (NdArray) runtime.call(MODULE, "make_array", ARRAY_SIZE);
    check(back.dtype().equals("float64") && back.size() == ARRAY_SIZE, "make_array");
    Number length = (Number) runtime.call(MODULE, "length", array);
    check(length.intValue() == ARRAY_SIZE, "length(array)");
    TransferCost start = TransferCost.now();
    Latencies in =
        measurement.transfers(
            "(" + inId + ") array Python→Java",
            ARRAY_WARMUPS,
            10,
            3,
            () -> runtime.call(MODULE, "make_array", ARRAY_SIZE));
    TransferCost middle = TransferCost.now();
    arrayRow(
        inId, "numpy float64[10,000,000] (80 MB), Python → Java, " + lane, in, bytes, copyNanos);
    report.detail(middle.since(start).describe("(" + inId + ")", in.count() + ARRAY_WARMUPS));
    Latencies out =
        measurement.transfers(
            "(" + outId + ") array Java→Python",
            ARRAY_WARMUPS,
            10,
            3,
            () -> runtime.call(MODULE, "length", array));
    TransferCost end = TransferCost.now();
    arrayRow(
        outId,
        "`NdArray` float64[10,000,000] (80 MB), Java → Python, " + lane,
        out,
        bytes,
        copyNanos);
    report.detail(end.since(middle).describe("(" + outId + ")", out.count() + ARRAY_WARMUPS));
  }

  private void arrayRow(String id, String what, Latencies times, long bytes, double copyNanos) {
    if (copyNanos <= 0) {
      transferRow(id, what, times, bytes, true);
      return;
    }
    double nanos = times.percentile(50);
    double megabytesPerSecond = bytes / (nanos / 1e9) / 1e6;
    double times4g = nanos / copyNanos;
    report.row(
        new Report.Row(
            id,
            what,
            Report.count(times.p50Micros()),
            Report.count(times.p99Micros()),
            Report.count(megabytesPerSecond)
                + " MB/s = "
                + String.format(Locale.ROOT, "%.1f", times4g)
                + "× (4g)",
            "≥ 5,000 MB/s, ≤ 3× (4g)",
            Report.verdict(
                megabytesPerSecond >= SHARED_MB_PER_SECOND && times4g <= SHARED_TIMES_ARRAYCOPY)));
  }

  /** Rows (10a)-(10d), on a Python with pandas and pyarrow. */
  private void tables(String python) throws Exception {
    String arrowPython;
    try {
      arrowPython =
          NumpyVenv.python(
              options.arrowPython(),
              python,
              options.workDir(),
              "venv-arrow",
              List.of("pandas", "pyarrow"));
    } catch (IOException e) {
      report.detail("Arrow table cases not measured: " + e.getMessage());
      report.row(
          new Report.Row(
              "10a/10b",
              "pandas `DataFrame` as Arrow",
              "",
              "",
              "not measured",
              "≥ 1,000 MB/s each way",
              "MISS"));
      return;
    }
    try (SnakeBridgeRuntime runtime = runtime(arrowPython, 1)) {
      new TableTransfers(measurement, report).measure(runtime);
    }
  }

  private void rawPipe(String python, Path echoScript) throws Exception {
    try (PipeEcho echo = PipeEcho.start(python, echoScript)) {
      byte[] frame = PipeEcho.frame(PIPE_BYTES);
      byte[] reply = new byte[PIPE_BYTES];
      Latencies send = new Latencies();
      Latencies receive = new Latencies();
      System.err.println("[bench] (5) raw pipe, 80 MB frames");
      for (int i = 0; i < 6; i++) {
        long[] times = echo.timedRoundTrip(frame, reply);
        if (i > 0) { // the first one warms up
          send.add(times[0]);
          receive.add(times[1]);
        }
      }
      transferRow("5a", "Raw pipe, one 80 MB frame, Java → Python", send, PIPE_BYTES, false);
      transferRow("5b", "Raw pipe, one 80 MB frame, Python → Java", receive, PIPE_BYTES, false);
    }
  }

  private void transferRow(String id, String what, Latencies times, long bytes, boolean target) {
    double megabytesPerSecond = bytes / (times.percentile(50) / 1e9) / 1e6;
    report.row(
        new Report.Row(
            id,
            what,
            Report.count(times.p50Micros()),
            Report.count(times.p99Micros()),
            Report.count(megabytesPerSecond) + " MB/s",
            target ? "≥ 1,000 MB/s" : "",
            target ? Report.verdict(megabytesPerSecond >= ARRAY_MB_PER_SECOND) : ""));
  }

  /** The JVM's own options (heap sizes matter to the array cases, see BENCHMARKS.md). */
  private static String jvmOptions() {
    List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return (arguments.isEmpty() ? "none" : String.join(" ", arguments))
        + String.format(
            Locale.ROOT, "; largest heap %,d MB", Runtime.getRuntime().maxMemory() / 1_000_000);
  }

  private SnakeBridgeRuntime runtime(String python, int workers) {
    return runtime(python, workers, true);
  }

  private SnakeBridgeRuntime runtime(String python, int workers, boolean sharedMemory) {
    return SnakeBridgeRuntime.builder()
        .name("bench-" + workers + (sharedMemory ? "" : "-pipes"))
        .python(python)
        .poolSize(workers)
        .pythonPath(pythonDir)
        .sharedMemory(sharedMemory)
        .build();
  }

  private Path extract(String resource) throws IOException {
    Path target = pythonDir.resolve(resource);
    try (InputStream in = Bench.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing resource " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("unexpected result from " + what);
    }
  }
}
