package io.snakebridge.cli;

import io.snakebridge.SnakeBridgeException;
import io.snakebridge.internal.env.BaseInterpreter;
import io.snakebridge.internal.env.EnvLock;
import io.snakebridge.internal.env.EnvResolver;
import io.snakebridge.internal.env.EnvStatus;
import io.snakebridge.internal.env.ManagedEnvironment;
import io.snakebridge.internal.env.Venvs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code snakebridge env lock|create|verify|show}: the Maven plugin's {@code lock}, {@code env} and
 * {@code verify} goals for projects without Maven, on a {@code snakebridge.lock} in the working
 * directory (or {@code --lock}), plus {@code show}.
 *
 * <ul>
 *   <li>{@code lock}: resolves the requirements with pip and writes the lock.
 *   <li>{@code create}: creates or reuses the venv for the lock in the cache, locking first when
 *       there is no lock yet; prints the venv's interpreter on stdout, for {@code
 *       SNAKEBRIDGE_PYTHON=$(snakebridge env create)}.
 *   <li>{@code verify}: the lock against the base interpreter and the venv; exit 1 with each
 *       difference.
 *   <li>{@code show}: the base interpreter, the venv, the lock's hashes and its packages.
 * </ul>
 *
 * <p>Requirements given on the command line must match the lock's inputs (for {@code create} and
 * {@code verify}), as the plugin's configured requirements must; otherwise the command fails and
 * names the one that re-locks. pip's progress goes to stderr.
 */
final class EnvCommand {
  private EnvCommand() {}

  static int run(List<String> argv, PrintStream out, PrintStream err) {
    EnvOptions options;
    try {
      options = EnvOptions.parse(argv);
    } catch (UsageException e) {
      err.println("snakebridge: " + e.getMessage());
      err.println(EnvOptions.USAGE);
      return Main.USAGE;
    }
    if (options.action() == EnvOptions.Action.HELP) {
      out.println(EnvOptions.USAGE);
      return Main.OK;
    }
    Consumer<String> progress = line -> err.println("  " + line);
    try {
      switch (options.action()) {
        case LOCK:
          lock(options, err, progress);
          return Main.OK;
        case CREATE:
          return create(options, out, err, progress);
        case VERIFY:
          return verify(options, out);
        default:
          return show(options, out);
      }
    } catch (SnakeBridgeException e) {
      err.println("snakebridge: " + e.getMessage());
      return Main.FAILED;
    } catch (EnvFailure | IllegalStateException e) {
      err.println("snakebridge: " + e.getMessage());
      return Main.FAILED;
    }
  }

  private static EnvLock lock(EnvOptions options, PrintStream err, Consumer<String> progress) {
    if (!options.hasRequirements()) {
      throw new EnvFailure(
          "nothing to lock: give requirements (snakebridge env lock pandas numpy)"
              + " or a requirements file (-r requirements.txt)");
    }
    err.println("Resolving " + options.describeInputs() + " with " + options.basePython());
    EnvLock lock =
        EnvResolver.resolve(
            options.basePython(),
            options.requirements(),
            options.requirementsFile(),
            options.pipOptions(),
            options.inputsHash(),
            "snakebridge " + Main.version(),
            progress);
    writeIfChanged(options.lockFile(), lock.format());
    err.println("Locked " + lock.packages().size() + " distributions in " + options.lockFile());
    return lock;
  }

  private static int create(
      EnvOptions options, PrintStream out, PrintStream err, Consumer<String> progress) {
    EnvLock lock;
    if (Files.exists(options.lockFile())) {
      lock = current(options);
    } else {
      err.println(options.lockFile() + " does not exist yet; creating it");
      lock = lock(options, err, progress);
    }
    BaseInterpreter base = BaseInterpreter.probe(options.basePython());
    Path venv =
        Venvs.ensure(options.cache(), lock, base, options.pipOptions(), line -> err.println(line));
    err.println("Python environment: " + venv);
    out.println(EnvStatus.interpreter(venv));
    return Main.OK;
  }

  private static int verify(EnvOptions options, PrintStream out) {
    EnvLock lock = current(options);
    EnvStatus status = EnvStatus.of(options.cache(), lock, options.basePython());
    if (status.ready()) {
      out.println(lock.packages().size() + " locked distributions match " + status.venv());
      return Main.OK;
    }
    out.println("The Python environment does not match " + options.lockFile() + ":");
    for (String line : status.differences()) {
      out.println("  " + line);
    }
    out.println(
        "Recreate the venv with: snakebridge env create (or re-lock with: "
            + options.relockCommand()
            + ")");
    return Main.FAILED;
  }

  private static int show(EnvOptions options, PrintStream out) {
    EnvLock lock = current(options);
    EnvStatus status = EnvStatus.of(options.cache(), lock, options.basePython());
    String label = "%-15s %s%n";
    BaseInterpreter base = status.base();
    out.printf(label, "lock file", options.lockFile().toAbsolutePath());
    out.printf(
        label,
        "requirements",
        lock.requirements()
            + (lock.pipOptions().isEmpty() ? "" : " with pip options " + lock.pipOptions()));
    out.printf(label, "inputs hash", lock.inputs());
    out.printf(label, "pins hash", lock.pinsHash());
    out.printf(
        label,
        "locked for",
        "Python "
            + lock.python().version()
            + " ("
            + lock.python().implementation()
            + ", "
            + lock.python().platform()
            + ", "
            + lock.python().machine()
            + ")");
    out.printf(
        label,
        "base python",
        base.command() + " -> " + base.executable() + " (" + base.version() + ")");
    out.printf(label, "venv", status.venv());
    out.printf(label, "interpreter", status.python());
    out.printf(label, "status", status.ready() ? "ready" : "not ready");
    for (String line : status.differences()) {
      out.printf(label, "", line);
    }
    out.printf(label, "packages", lock.packages().size());
    for (EnvLock.LockedPackage p : lock.packages()) {
      out.printf(label, "", p.name() + " " + p.version() + "  sha256:" + p.sha256());
    }
    return Main.OK;
  }

  /** The lock file, checked against the requirements given on the command line (if any). */
  private static EnvLock current(EnvOptions options) {
    Path path = options.lockFile();
    if (!Files.exists(path)) {
      throw new EnvFailure(
          path
              + " does not exist; create it with: snakebridge env lock"
              + " <requirement>... (or -r requirements.txt)");
    }
    EnvLock lock;
    try {
      lock = EnvLock.parse(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new EnvFailure("cannot read " + path + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new EnvFailure(path + " is not a valid lock: " + e.getMessage());
    }
    if (options.hasRequirements() && !options.inputsHash().equals(lock.inputs())) {
      throw new EnvFailure(
          "the requirements changed since "
              + path
              + " was written (locked "
              + lock.requirements()
              + (lock.pipOptions().isEmpty() ? "" : " with " + lock.pipOptions())
              + ", given "
              + options.describeInputs()
              + "). Re-lock with: "
              + options.relockCommand());
    }
    return lock;
  }

  private static void writeIfChanged(Path path, String text) {
    try {
      if (Files.exists(path) && Files.readString(path, StandardCharsets.UTF_8).equals(text)) {
        return;
      }
      Path parent = path.toAbsolutePath().getParent();
      if (parent == null) {
        throw new EnvFailure("cannot write " + path + ": it is not a file");
      }
      Files.createDirectories(parent);
      Path temp = parent.resolve(path.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new EnvFailure("cannot write " + path + ": " + e.getMessage());
    }
  }

  /** A failure this command explains itself (exit status 1). */
  private static final class EnvFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EnvFailure(String message) {
      super(message);
    }
  }

  /** The default cache, as the runtime's. */
  static Path defaultCache() {
    return ManagedEnvironment.defaultCacheDirectory();
  }
}
