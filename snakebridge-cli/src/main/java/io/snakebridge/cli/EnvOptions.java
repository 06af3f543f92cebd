package io.snakebridge.cli;

import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.ManagedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code snakebridge env} command line. Options as in {@link CommandLine}: {@code --name
 * value} or {@code --name=value}, anywhere after the action; other words are requirements.
 *
 * @param action what to do
 * @param requirements pip requirement specifiers
 * @param requirementsFile {@code -r}/{@code --requirements-file}, or null
 * @param lockFile {@code --lock}, default {@code snakebridge.lock} in the working directory
 * @param python {@code --python}: the base interpreter, or null for the default
 * @param cache {@code --cache}, or the runtime's default cache folder
 * @param pipOptions {@code --pip-option}, repeatable, passed to pip as they are
 */
record EnvOptions(
    Action action,
    List<String> requirements,
    @Nullable Path requirementsFile,
    Path lockFile,
    @Nullable String python,
    Path cache,
    List<String> pipOptions) {

  static final String USAGE =
      "usage: snakebridge env lock [requirement...] [-r requirements.txt] [options]\n"
          + "       snakebridge env create|verify|show [requirement...] [-r requirements.txt] [options]\n"
          + "options: --lock <file>        the lock file (default ./snakebridge.lock)\n"
          + "         --python <exe>       the base interpreter the venv is made from (default\n"
          + "                              $SNAKEBRIDGE_PYTHON, then python3 on PATH)\n"
          + "         --cache <dir>        the cache holding the venvs (default as the runtime's:\n"
          + "                              -Dsnakebridge.cacheDir, $XDG_CACHE_HOME/snakebridge,\n"
          + "                              ~/.cache/snakebridge)\n"
          + "         --pip-option <opt>   passed to pip as it is, repeatable (lock, create)";

  enum Action {
    LOCK,
    CREATE,
    VERIFY,
    SHOW,
    HELP
  }

  EnvOptions {
    requirements = List.copyOf(requirements);
    pipOptions = List.copyOf(pipOptions);
  }

  /** Parses the words after {@code env}. */
  static EnvOptions parse(List<String> argv) throws UsageException {
    if (argv.isEmpty()) {
      throw new UsageException("env needs an action: lock, create, verify or show");
    }
    Action action;
    switch (argv.get(0)) {
      case "lock":
        action = Action.LOCK;
        break;
      case "create":
        action = Action.CREATE;
        break;
      case "verify":
        action = Action.VERIFY;
        break;
      case "show":
        action = Action.SHOW;
        break;
      case "help":
      case "--help":
      case "-h":
        action = Action.HELP;
        break;
      default:
        throw new UsageException(
            "unknown env action '" + argv.get(0) + "': use lock, create, verify or show");
    }
    List<String> requirements = new ArrayList<>();
    List<String> pipOptions = new ArrayList<>();
    Path requirementsFile = null;
    Path lockFile = Path.of(EnvLock.FILE_NAME);
    String python = null;
    Path cache = null;
    for (int i = 1; i < argv.size(); i++) {
      String word = argv.get(i);
      if (!word.startsWith("-")) {
        requirements.add(word);
        continue;
      }
      int equals = word.indexOf('=');
      String option = equals < 0 || !word.startsWith("--") ? word : word.substring(0, equals);
      if (option.equals("--help")) {
        return new EnvOptions(
            Action.HELP,
            List.of(),
            null,
            lockFile,
            null,
            ManagedEnvironment.defaultCacheDirectory(),
            List.of());
      }
      if (!List.of("-r", "--requirements-file", "--lock", "--python", "--cache", "--pip-option")
          .contains(option)) {
        throw new UsageException("unknown option '" + option + "' for 'env'");
      }
      String value = equals < 0 || !word.startsWith("--") ? null : word.substring(equals + 1);
      if (value == null) {
        if (++i == argv.size()) {
          throw new UsageException(option + " needs a value");
        }
        value = argv.get(i);
      }
      if (value.isEmpty()) {
        throw new UsageException(option + " needs a non-empty value");
      }
      switch (option) {
        case "-r":
        case "--requirements-file":
          requirementsFile = Path.of(value);
          if (!Files.isRegularFile(requirementsFile)) {
            throw new UsageException("requirements file " + value + " does not exist");
          }
          break;
        case "--lock":
          lockFile = Path.of(value);
          break;
        case "--python":
          python = value;
          break;
        case "--cache":
          cache = Path.of(value).toAbsolutePath();
          break;
        default:
          pipOptions.add(value);
      }
    }
    return new EnvOptions(
        action,
        requirements,
        requirementsFile,
        lockFile,
        python,
        cache != null ? cache : ManagedEnvironment.defaultCacheDirectory(),
        pipOptions);
  }

  /** Whether requirements were given (specifiers or a file). */
  boolean hasRequirements() {
    return !requirements.isEmpty() || requirementsFile != null;
  }

  String basePython() {
    return python != null ? python : BaseInterpreter.defaultCommand();
  }

  /** The inputs hash of the given requirements, as the plugin computes it. */
  String inputsHash() {
    String text = null;
    if (requirementsFile != null) {
      try {
        text = Files.readString(requirementsFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + requirementsFile, e);
      }
    }
    return EnvLock.inputsHash(requirements, text, pipOptions);
  }

  String describeInputs() {
    String text = requirements.toString();
    if (requirementsFile != null) {
      text += " and " + requirementsFile;
    }
    return pipOptions.isEmpty() ? text : text + " with pip options " + pipOptions;
  }

  /** The command that re-locks with the given requirements. */
  String relockCommand() {
    StringBuilder command = new StringBuilder("snakebridge env lock");
    for (String r : requirements) {
      command.append(' ').append(r);
    }
    if (requirementsFile != null) {
      command.append(" -r ").append(requirementsFile);
    }
    for (String option : pipOptions) {
      command.append(" --pip-option=").append(option);
    }
    if (!lockFile.equals(Path.of(EnvLock.FILE_NAME))) {
      command.append(" --lock ").append(lockFile);
    }
    return command.toString();
  }
}
