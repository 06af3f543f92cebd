package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The managed venv of requirements given in code ({@code SnakeBridgeRuntime.builder()
 * .requirements("pandas")}), for scripts and JShell where no build writes a lock.
 *
 * <p>The lock is kept in the cache, {@code <cache>/locks/<key>/snakebridge.lock}, where the key
 * hashes the {@linkplain EnvLock#inputsHash inputs} (requirements, requirements file text) and the
 * base interpreter's real path and version. The first build resolves and writes it; later builds
 * with the same requirements read it and resolve nothing, so the venv stays what it was until the
 * requirements change (or the lock folder is deleted). The venv is the one a project with the same
 * pins gets ({@link Venvs#folder}).
 *
 * <p>Stateless apart from a per-JVM memo of venvs already checked; thread-safe.
 */
public final class RequirementsEnvironment {
  private static final System.Logger LOG = System.getLogger("io.snakebridge.env");

  /** Venvs already checked in this JVM, by cache, base and inputs. */
  private static final Map<String, Path> CHECKED = new ConcurrentHashMap<>();

  private RequirementsEnvironment() {}

  /**
   * Returns the interpreter of the venv for {@code requirements} (and the requirements file),
   * resolving the lock and creating the venv when needed, with progress logged through {@code
   * System.Logger} {@code io.snakebridge.env}.
   *
   * @param base the base interpreter command the venv is made from
   * @throws SnakeBridgeException when resolving or installing fails, or the venv is refused
   */
  public static Path python(
      Path cacheDirectory,
      String base,
      List<String> requirements,
      @Nullable Path requirementsFile) {
    String inputs = EnvLock.inputsHash(requirements, read(requirementsFile), List.of());
    String memo = cacheDirectory + "\n" + base + "\n" + inputs;
    Path known = CHECKED.get(memo);
    if (known != null && Files.isExecutable(known)) {
      return known;
    }
    Consumer<String> progress = line -> LOG.log(Level.INFO, "[env] {0}", line);
    BaseInterpreter interpreter = BaseInterpreter.probe(base);
    Path lockFile = lockFile(cacheDirectory, inputs, interpreter);
    EnvLock lock = readLock(lockFile, inputs);
    if (lock == null) {
      LOG.log(
          Level.INFO,
          "resolving {0}{1} with {2}",
          requirements,
          requirementsFile == null ? "" : " and " + requirementsFile,
          base);
      lock =
          EnvResolver.resolve(
              base,
              requirements,
              requirementsFile,
              List.of(),
              inputs,
              "snakebridge (SnakeBridgeRuntime.Builder.requirements)",
              progress);
      write(lockFile, lock.format());
      LOG.log(Level.INFO, "locked {0} distributions in {1}", lock.packages().size(), lockFile);
    }
    Path venv = Venvs.ensure(cacheDirectory, lock, interpreter, List.of(), progress);
    Path python = PythonProcess.venvPython(venv);
    CHECKED.put(memo, python);
    return python;
  }

  /**
   * The interpreter the venv is made from: the {@value ManagedEnvironment#BASE_PYTHON_PROPERTY}
   * system property, else {@code SNAKEBRIDGE_PYTHON}, else the {@code snakebridge.python} system
   * property, else {@code python3}. Where an interpreter is configured for the JVM, the venv builds
   * on it.
   */
  public static String defaultBase() {
    for (String value :
        new String[] {
          System.getProperty(ManagedEnvironment.BASE_PYTHON_PROPERTY),
          System.getenv("SNAKEBRIDGE_PYTHON"),
          System.getProperty("snakebridge.python")
        }) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return "python3";
  }

  /** Where the lock of these inputs, resolved with {@code base}, is kept. */
  public static Path lockFile(Path cacheDirectory, String inputs, BaseInterpreter base) {
    String key = EnvLock.sha256(inputs + "\n" + base.executable() + "\n" + base.version());
    return cacheDirectory.resolve("locks").resolve(key.substring(0, 24)).resolve(EnvLock.FILE_NAME);
  }

  /** The lock at {@code file} when it exists and was made from {@code inputs}, else null. */
  private static @Nullable EnvLock readLock(Path file, String inputs) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      EnvLock lock = EnvLock.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (lock.inputs().equals(inputs)) {
        return lock;
      }
      LOG.log(Level.WARNING, "{0} was made from other requirements; resolving again", file);
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(Level.WARNING, "{0} is unreadable ({1}); resolving again", file, e.getMessage());
    }
    return null;
  }

  private static @Nullable String read(@Nullable Path requirementsFile) {
    if (requirementsFile == null) {
      return null;
    }
    try {
      return Files.readString(requirementsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SnakeBridgeException(
          "cannot read the requirements file " + requirementsFile + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code file} through a temporary file and a rename: readers see all or nothing. */
  static void write(Path file, String text) {
    try {
      Venvs.createPrivateFolder(Objects.requireNonNull(file.getParent(), "a lock file's folder"));
      Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
