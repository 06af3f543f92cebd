package io.snakebridge.cli;

import io.snakebridge.SnakeBridgeRuntime;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code snakebridge} command line.
 *
 * <p>Options may stand anywhere after the command, as {@code --name value} or {@code --name=value};
 * after {@code --} every word is an operand, so {@code --} lets an argument start with two dashes.
 * A word starting with one dash ({@code -5}) is an operand. Arguments and {@code --kw} values are
 * read by {@link #argument(String)}.
 *
 * @param command what to do
 * @param module the Python module for {@code call} and {@code attr}, else null
 * @param member the function ({@code call}) or attribute ({@code attr}), else null
 * @param args positional arguments for {@code call}
 * @param kwargs keyword arguments for {@code call}, in command-line order
 * @param json print the result as JSON
 * @param timeout the call's deadline, or null for the library's default
 * @param python the Python command from {@code --python}, or null for the library's default
 * @param pythonPath folders for the front of {@code sys.path}
 * @param verbose show the library's own log records on stderr
 * @param size how many workers {@code stats} starts (its {@code --size}), 1 by default
 */
record CommandLine(
    Command command,
    @Nullable String module,
    @Nullable String member,
    List<Object> args,
    Map<String, Object> kwargs,
    boolean json,
    @Nullable Duration timeout,
    @Nullable String python,
    List<Path> pythonPath,
    boolean verbose,
    int size) {

  enum Command {
    CALL("call"),
    ATTR("attr"),
    DOCTOR("doctor"),
    STATS("stats"),
    HELP("help"),
    VERSION("version");

    final String word;

    Command(String word) {
      this.word = word;
    }
  }

  /** The runtime name: it appears in the library's log lines and thread names. */
  static final String RUNTIME_NAME = "cli";

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private static final Map<Command, Set<String>> OPTIONS =
      Map.of(
          Command.CALL, Set.of("--kw", "--json", "--timeout", "--python", "--path", "--verbose"),
          Command.ATTR, Set.of("--json", "--timeout", "--python", "--path", "--verbose"),
          Command.DOCTOR, Set.of("--python", "--path", "--verbose"),
          Command.STATS, Set.of("--python", "--path", "--verbose", "--json", "--size"),
          Command.HELP, Set.of(),
          Command.VERSION, Set.of());

  /**
   * A runtime for this command line: one worker ({@code --size} for {@code stats}, all started at
   * once), the {@link PythonChoice}, the {@code sys.path} folders and the timeout (as the default
   * for every request, so it covers {@code attr} too), else started lazily by its first request.
   * The caller closes it.
   */
  SnakeBridgeRuntime openRuntime() {
    var builder =
        SnakeBridgeRuntime.builder()
            .name(RUNTIME_NAME)
            .poolSize(size)
            .eagerStart(command == Command.STATS)
            .python(PythonChoice.of(python).command());
    if (timeout != null) {
      builder = builder.defaultTimeout(timeout);
    }
    if (!pythonPath.isEmpty()) {
      builder = builder.pythonPath(pythonPath.toArray(new Path[0]));
    }
    return builder.build();
  }

  static CommandLine parse(List<String> argv) throws UsageException {
    if (argv.isEmpty()) {
      throw new UsageException("no command given");
    }
    Command command = command(argv.get(0));
    if (command == Command.HELP || command == Command.VERSION) {
      return simple(command);
    }
    List<String> operands = new ArrayList<>();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    List<Path> pythonPath = new ArrayList<>();
    boolean json = false;
    boolean verbose = false;
    Duration timeout = null;
    String python = null;
    int size = 1;
    boolean onlyOperands = false;
    for (int i = 1; i < argv.size(); i++) {
      String word = argv.get(i);
      if (onlyOperands || !word.startsWith("--")) {
        operands.add(word);
        continue;
      }
      if (word.equals("--")) {
        onlyOperands = true;
        continue;
      }
      int equals = word.indexOf('=');
      String option = equals < 0 ? word : word.substring(0, equals);
      String inline = equals < 0 ? null : word.substring(equals + 1);
      if (option.equals("--help")) {
        return simple(Command.HELP);
      }
      if (!OPTIONS.getOrDefault(command, Set.of()).contains(option)) {
        throw new UsageException("unknown option '" + option + "' for '" + command.word + "'");
      }
      if (option.equals("--json") || option.equals("--verbose")) {
        if (inline != null) {
          throw new UsageException(option + " takes no value");
        }
        json |= option.equals("--json");
        verbose |= option.equals("--verbose");
        continue;
      }
      String value = inline;
      if (value == null) {
        if (++i == argv.size()) {
          throw new UsageException(option + " needs a value");
        }
        value = argv.get(i);
      }
      switch (option) {
        case "--kw":
          addKeyword(value, kwargs);
          break;
        case "--timeout":
          timeout = duration(value);
          break;
        case "--python":
          if (value.isEmpty()) {
            throw new UsageException("--python needs a non-empty value");
          }
          python = value;
          break;
        case "--size":
          size = size(value);
          break;
        default: // --path
          pythonPath.add(Path.of(value));
      }
    }
    return withOperands(
        command, operands, kwargs, json, timeout, python, pythonPath, verbose, size);
  }

  private static int size(String text) throws UsageException {
    try {
      int size = Integer.parseInt(text);
      if (size >= 1 && size <= 64) {
        return size;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new UsageException("--size must be a whole number from 1 to 64, got '" + text + "'");
  }

  private static CommandLine withOperands(
      Command command,
      List<String> operands,
      Map<String, Object> kwargs,
      boolean json,
      @Nullable Duration timeout,
      @Nullable String python,
      List<Path> pythonPath,
      boolean verbose,
      int size)
      throws UsageException {
    String module = null;
    String member = null;
    List<Object> args = new ArrayList<>();
    switch (command) {
      case CALL:
        if (operands.size() < 2) {
          throw new UsageException("call needs <module> <function> [args...]");
        }
        for (String word : operands.subList(2, operands.size())) {
          args.add(argument(word));
        }
        break;
      case ATTR:
        if (operands.size() != 2) {
          throw new UsageException("attr needs exactly <module> <attr>");
        }
        break;
      default:
        if (!operands.isEmpty()) {
          throw new UsageException(
              command.word + " takes no arguments, got '" + operands.get(0) + "'");
        }
    }
    if (!operands.isEmpty()) {
      module = operands.get(0);
      member = operands.get(1);
      if (module.isEmpty() || member.isEmpty()) {
        throw new UsageException(
            "module and "
                + (command == Command.CALL ? "function" : "attribute")
                + " names must not be empty");
      }
    }
    return new CommandLine(
        command,
        module,
        member,
        Collections.unmodifiableList(args),
        Collections.unmodifiableMap(kwargs),
        json,
        timeout,
        python,
        List.copyOf(pythonPath),
        verbose,
        size);
  }

  /**
   * One argument word as a value: JSON where the word parses as JSON ({@code 16} → 16L, {@code 2.5}
   * → 2.5, {@code [1,2]} → a list, {@code "\"x\""} → the string x), the word itself as a string
   * otherwise ({@code hello} → "hello").
   */
  static @Nullable Object argument(String word) {
    try {
      return JsonReader.parse(word);
    } catch (IllegalArgumentException notJson) {
      return word;
    }
  }

  /**
   * {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 250us}, {@code 10ns},
   * or ISO-8601 ({@code PT5S}); must be positive.
   */
  static Duration duration(String text) throws UsageException {
    Duration result;
    Matcher matcher = DURATION.matcher(text);
    if (matcher.matches()) {
      long nanosPerUnit;
      switch (matcher.group(2)) {
        case "ns":
          nanosPerUnit = 1L;
          break;
        case "us":
        case "µs":
          nanosPerUnit = 1_000L;
          break;
        case "ms":
          nanosPerUnit = 1_000_000L;
          break;
        case "s":
          nanosPerUnit = 1_000_000_000L;
          break;
        case "m":
          nanosPerUnit = 60_000_000_000L;
          break;
        default:
          nanosPerUnit = 3_600_000_000_000L;
      }
      BigDecimal nanos =
          new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new UsageException("--timeout '" + text + "' is too long");
      }
      result = Duration.ofNanos(nanos.longValue());
    } else {
      try {
        result = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new UsageException(
            "--timeout '" + text + "' is not a duration like 500ms, 5s, 2m or PT5S");
      }
    }
    if (result.isNegative() || result.isZero()) {
      throw new UsageException("--timeout must be positive, got '" + text + "'");
    }
    return result;
  }

  private static void addKeyword(String text, Map<String, Object> kwargs) throws UsageException {
    int equals = text.indexOf('=');
    if (equals <= 0) {
      throw new UsageException("--kw needs name=value, got '" + text + "'");
    }
    String name = text.substring(0, equals);
    if (kwargs.containsKey(name)) {
      throw new UsageException("--kw " + name + " given twice");
    }
    kwargs.put(name, argument(text.substring(equals + 1)));
  }

  private static Command command(String word) throws UsageException {
    switch (word) {
      case "call":
        return Command.CALL;
      case "attr":
        return Command.ATTR;
      case "doctor":
        return Command.DOCTOR;
      case "stats":
        return Command.STATS;
      case "help":
      case "--help":
      case "-h":
        return Command.HELP;
      case "version":
      case "--version":
      case "-V":
        return Command.VERSION;
      default:
        throw new UsageException("unknown command '" + word + "'");
    }
  }

  private static CommandLine simple(Command command) {
    return new CommandLine(
        command, null, null, List.of(), Map.of(), false, null, null, List.of(), false, 1);
  }
}
