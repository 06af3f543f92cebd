package io.snakebridge.bench;

import io.snakebridge.SnakeBridge;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The harness's command line.
 *
 * @param python the Python for the floor and the call cases; by default the one the library's
 *     default runtime uses ({@code $SNAKEBRIDGE_PYTHON}, then {@code -Dsnakebridge.python}, then
 *     {@code python3})
 * @param numpyPython a Python with numpy for the array cases; null to use (and create) a venv
 * @param skipNumpy leave the array cases out
 * @param write also write the Markdown report to this file; may be null
 * @param workDir where the Python helpers and the numpy venv go
 * @param warmupSeconds warm-up time before each measured case
 * @param seconds the least time each latency or throughput case measures
 * @param calls the least number of calls each latency case records
 * @param streamsOnly run only the streaming cases (9a-9f)
 * @param arraysOnly run only the numpy array cases (4c, 4d) and the raw pipe (5a, 5b)
 * @param arrowPython a Python with pandas and pyarrow for the table cases (10); null to use (and
 *     create) a venv
 * @param tablesOnly run only the Arrow table cases (10a-10d)
 */
record BenchOptions(
    String python,
    @Nullable String numpyPython,
    boolean skipNumpy,
    @Nullable Path write,
    Path workDir,
    double warmupSeconds,
    double seconds,
    int calls,
    boolean streamsOnly,
    boolean arraysOnly,
    @Nullable String arrowPython,
    boolean tablesOnly) {

  static final String USAGE =
      "usage: snakebridge-bench/run [--python exe] [--numpy-python exe | --no-numpy]\n"
          + "         [--write file.md] [--work-dir dir] [--warmup s] [--seconds s] [--calls n]\n"
          + "         [--arrow-python exe] [--streams-only | --arrays-only | --tables-only]";

  static BenchOptions parse(List<String> args) {
    String python = defaultPython();
    String numpyPython = null;
    boolean skipNumpy = false;
    boolean streamsOnly = false;
    boolean arraysOnly = false;
    boolean tablesOnly = false;
    String arrowPython = null;
    Path write = null;
    Path workDir = Path.of("snakebridge-bench", "target");
    double warmup = 2;
    double seconds = 5;
    int calls = 20_000;
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (option.equals("--no-numpy")) {
        skipNumpy = true;
        continue;
      }
      if (option.equals("--streams-only")) {
        streamsOnly = true;
        continue;
      }
      if (option.equals("--arrays-only")) {
        arraysOnly = true;
        continue;
      }
      if (option.equals("--tables-only")) {
        tablesOnly = true;
        continue;
      }
      if (option.equals("--help") || option.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 == args.size()) {
        throw new IllegalArgumentException("unknown option or missing value: " + option);
      }
      String value = args.get(++i);
      switch (option) {
        case "--python":
          python = value;
          break;
        case "--numpy-python":
          numpyPython = value;
          break;
        case "--arrow-python":
          arrowPython = value;
          break;
        case "--write":
          write = Path.of(value);
          break;
        case "--work-dir":
          workDir = Path.of(value);
          break;
        case "--warmup":
          warmup = positive(option, value);
          break;
        case "--seconds":
          seconds = positive(option, value);
          break;
        case "--calls":
          calls = (int) positive(option, value);
          break;
        default:
          throw new IllegalArgumentException("unknown option: " + option);
      }
    }
    if ((streamsOnly ? 1 : 0) + (arraysOnly ? 1 : 0) + (tablesOnly ? 1 : 0) > 1) {
      throw new IllegalArgumentException(
          "--streams-only, --arrays-only and --tables-only exclude each other");
    }
    if (arraysOnly && skipNumpy) {
      throw new IllegalArgumentException("--arrays-only needs numpy: drop --no-numpy");
    }
    return new BenchOptions(
        python,
        numpyPython,
        skipNumpy,
        write,
        workDir,
        warmup,
        seconds,
        calls,
        streamsOnly,
        arraysOnly,
        arrowPython,
        tablesOnly);
  }

  private static String defaultPython() {
    String fromEnvironment = System.getenv(SnakeBridge.PYTHON_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    return System.getProperty(SnakeBridge.PYTHON_PROPERTY, SnakeBridgeRuntime.DEFAULT_PYTHON);
  }

  private static double positive(String option, String value) {
    double number;
    try {
      number = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
    }
    if (!(number > 0)) {
      throw new IllegalArgumentException(option + " must be positive, got '" + value + "'");
    }
    return number;
  }
}
