package io.snakebridge.bench;

import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.codegen.WrapperBuild;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * (11): a call through a generated wrapper against the dynamic call it makes. The wrappers of
 * {@code math} are generated (as the Maven goal does) and compiled with the JDK's compiler when the
 * case runs, together with a small program that holds {@code Math.of(runtime)} and calls {@code
 * sqrt(16.0)}; the baseline is {@code runtime.call("math", "sqrt", 16.0)}. Both run as a {@link
 * Callable} on the same one-worker runtime, measured twice in turns; each side keeps its lower p50,
 * so that a burst of other load does not decide the ratio.
 */
final class GeneratedCallCost {
  static final double FACTOR = 1.05;

  private static final String PROGRAM =
      String.join(
          "\n",
          "package bench;",
          "",
          "import io.snakebridge.SnakeBridgeRuntime;",
          "import java.util.concurrent.Callable;",
          "import java.util.function.Function;",
          "",
          "public final class GeneratedSqrt implements Function<SnakeBridgeRuntime, Callable<Object>> {",
          "  @Override",
          "  public Callable<Object> apply(SnakeBridgeRuntime runtime) {",
          "    bench.py.math.Math math = bench.py.math.Math.of(runtime);",
          "    return () -> math.sqrt(16.0);",
          "  }",
          "}",
          "");

  private final Measurement measurement;
  private final Report report;
  private final Path workDir;

  GeneratedCallCost(Measurement measurement, Report report, Path workDir) {
    this.measurement = measurement;
    this.report = report;
    this.workDir = workDir;
  }

  void measure(SnakeBridgeRuntime runtime) throws Exception {
    Path dir = workDir.resolve("bench-generated");
    Path sources = dir.resolve("src");
    WrapperBuild.builder()
        .python(runtime.pythonInfo().executable())
        .modules(List.of("math"))
        .basePackage("bench.py")
        .outputDirectory(sources)
        .reportDirectory(dir.resolve("reports"))
        .build()
        .run(line -> System.err.println("[bench] " + line));
    Path program = dir.resolve("program/bench/GeneratedSqrt.java");
    Files.createDirectories(program.getParent());
    Files.writeString(program, PROGRAM, StandardCharsets.UTF_8);
    Path classes = compile(List.of(sources, program.getParent()), dir.resolve("classes"));

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, GeneratedCallCost.class.getClassLoader())) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, Callable<Object>> factory =
          (Function<SnakeBridgeRuntime, Callable<Object>>)
              loader.loadClass("bench.GeneratedSqrt").getConstructor().newInstance();
      Callable<Object> generated = factory.apply(runtime);
      Callable<Object> dynamic = () -> runtime.call("math", "sqrt", 16.0);
      Bench.check(Double.valueOf(4.0).equals(generated.call()), "generated sqrt(16.0)");
      Bench.check(Double.valueOf(4.0).equals(dynamic.call()), "dynamic sqrt(16.0)");

      Measurement.Run dynamicRun =
          measurement.latency("(11b) dynamic call, round 1", dynamic::call);
      Measurement.Run generatedRun =
          measurement.latency("(11) generated call, round 1", generated::call);
      Measurement.Run d = measurement.latency("(11b) dynamic call, round 2", dynamic::call);
      Measurement.Run g = measurement.latency("(11) generated call, round 2", generated::call);
      dynamicRun = d.p50Micros() < dynamicRun.p50Micros() ? d : dynamicRun;
      generatedRun = g.p50Micros() < generatedRun.p50Micros() ? g : generatedRun;
      double ratio = generatedRun.p50Micros() / dynamicRun.p50Micros();
      report.row(
          new Report.Row(
              "11b",
              "`call(\"math\", \"sqrt\", 16.0)`, 1 worker, 1 thread",
              Report.micros(dynamicRun.p50Micros()),
              Report.micros(dynamicRun.p99Micros()),
              Report.count(dynamicRun.callsPerSecond()) + " calls/s",
              "",
              ""));
      report.row(
          new Report.Row(
              "11",
              "Generated `Math.of(runtime).sqrt(16.0)`, same call",
              Report.micros(generatedRun.p50Micros()),
              Report.micros(generatedRun.p99Micros()),
              Report.count(generatedRun.callsPerSecond())
                  + " calls/s = "
                  + String.format(Locale.ROOT, "%.3f", ratio)
                  + "× (11b) p50",
              "p50 ≤ 1.05× (11b) = " + Report.micros(FACTOR * dynamicRun.p50Micros()) + " µs",
              Report.verdict(ratio <= FACTOR)));
    }
  }

  private static Path compile(List<Path> folders, Path classes) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("case (11) needs a JDK (javac) to compile the wrappers");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-proc:none",
                "-nowarn",
                "-Xlint:none",
                "-d",
                classes.toString(),
                "-cp",
                classPath()));
    for (Path folder : folders) {
      try (Stream<Path> walk = Files.walk(folder)) {
        walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).forEach(args::add);
      }
    }
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    if (javac.run(null, errors, errors, args.toArray(new String[0])) != 0) {
      throw new IllegalStateException(
          "the generated wrappers do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
    }
    return classes;
  }

  private static String classPath() {
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    return modulePath.isEmpty() ? classPath : classPath + File.pathSeparator + modulePath;
  }

  /** {@code snakebridge-bench/run generated [--python exe]}: this case alone. */
  static void main(List<String> args) throws Exception {
    List<String> rest = new ArrayList<>(args);
    if (!rest.contains("--work-dir")) {
      rest.addAll(List.of("--work-dir", "target"));
    }
    BenchOptions options = BenchOptions.parse(rest);
    Report report = new Report();
    try (SnakeBridgeRuntime runtime =
        SnakeBridgeRuntime.builder()
            .name("bench-generated")
            .python(options.python())
            .poolSize(1)
            .build()) {
      new GeneratedCallCost(new Measurement(options), report, options.workDir().toAbsolutePath())
          .measure(runtime);
    }
    System.out.print(report.markdown());
  }
}
