package io.snakebridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code snakebridge} command: {@code call}, {@code attr}, {@code doctor}, {@code stats},
 * {@code env} ({@link EnvCommand}), {@code generate}, {@code --help} and {@code --version}. See
 * {@link Help#TEXT} for the full description.
 *
 * <p>Exit status: 0 on success, 1 when the Python code raised or the worker failed, 2 for a usage
 * error.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    // UTF-8 whatever the locale, as Python itself writes to a pipe.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, UTF_8);
    int status = run(Arrays.asList(args), out, err, true);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Runs one command line, writing to {@code out} and {@code err}; returns the exit status. Leaves
   * the JVM's logging configuration alone.
   */
  static int run(List<String> argv, PrintStream out, PrintStream err) {
    return run(argv, out, err, false);
  }

  private static int run(List<String> argv, PrintStream out, PrintStream err, boolean ownsLogging) {
    if (!argv.isEmpty() && argv.get(0).equals("env")) {
      if (ownsLogging) {
        ConsoleLog.install(err, false);
      }
      return EnvCommand.run(argv.subList(1, argv.size()), out, err);
    }
    if (!argv.isEmpty() && argv.get(0).equals("generate")) {
      return GenerateCommand.run(argv.subList(1, argv.size()), out, err);
    }
    CommandLine line;
    try {
      line = CommandLine.parse(argv);
    } catch (UsageException e) {
      err.println("snakebridge: " + e.getMessage());
      err.println(Help.USAGE);
      err.println("Run 'snakebridge --help' for more.");
      return USAGE;
    }
    if (ownsLogging) {
      ConsoleLog.install(err, line.verbose());
    }
    switch (line.command()) {
      case HELP:
        out.print(Help.TEXT);
        return OK;
      case VERSION:
        out.println("snakebridge " + version());
        return OK;
      case DOCTOR:
        return Doctor.run(line, out);
      case STATS:
        return Stats.run(line, out);
      default:
        return Invocation.run(line, out, err);
    }
  }

  /** The project version, written into the jar by the build. */
  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.txt")) {
      if (in == null) {
        return "unknown";
      }
      return new String(in.readAllBytes(), UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
