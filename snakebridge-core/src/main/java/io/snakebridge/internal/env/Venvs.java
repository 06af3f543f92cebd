package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The content-addressed venvs in the cache: {@code <cache>/venvs/<key>}, where the key hashes the
 * lock's pins and the base interpreter's real path and version. A venv is built in a temporary
 * folder beside it, checked, then renamed into place, all under a file lock, so no process ever
 * sees a half-made one; a venv whose marker, interpreter or installed versions do not match its
 * lock is replaced.
 *
 * <p>Renaming a finished venv is sound because nothing in it is used by absolute path: {@code
 * bin/python} links to the base interpreter, {@code pyvenv.cfg} names the base's folder, and Python
 * finds its prefix from where {@code pyvenv.cfg} lies; pip runs as {@code python -m pip}. Only the
 * console scripts' shebang lines name the temporary folder, and nothing runs them.
 *
 * <p>Thread-safe: threads of one JVM queue on an in-process lock, processes on the file lock.
 */
public final class Venvs {
  /** The marker file in a finished venv; it holds the lock's pins hash. */
  static final String MARKER = "snakebridge-env.properties";

  private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

  /** Lists installed versions that differ from the pins, one line each. */
  static final String CHECK =
      String.join(
          "\n",
          "import importlib.metadata as m, re, sys",
          "have = {}",
          "for d in m.distributions():",
          "    name = d.metadata['Name']",
          "    if name:",
          "        have[re.sub(r'[-_.]+', '-', name).lower()] = d.version",
          "for pin in sys.argv[1:]:",
          "    name, version = pin.split('==')",
          "    if have.get(name) != version:",
          "        print(name + ': locked ' + version + ', installed ' + have.get(name, 'nothing'))");

  private Venvs() {}

  /** The folder of the venv for {@code lock} made from {@code base}. */
  public static Path folder(Path cacheDirectory, EnvLock lock, BaseInterpreter base) {
    String key = EnvLock.sha256(lock.pinsHash() + "\n" + base.executable() + "\n" + base.version());
    return cacheDirectory.resolve("venvs").resolve(key.substring(0, 24));
  }

  /**
   * Returns the venv for {@code lock}, building (or rebuilding) it when it is missing or does not
   * match.
   *
   * @param pipOptions passed to the install as they are (besides the lock's own)
   * @param progress receives what is being done, line by line
   */
  @SuppressWarnings("try") // the lock is held by the try block, not used in it
  public static Path ensure(
      Path cacheDirectory,
      EnvLock lock,
      BaseInterpreter base,
      List<String> pipOptions,
      Consumer<String> progress) {
    Path venv = folder(cacheDirectory, lock, base);
    checkInterpreter(lock, base);
    List<String> problems = problems(venv, lock);
    if (problems.isEmpty()) {
      return venv;
    }
    ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(venv, k -> new ReentrantLock());
    local.lock();
    try {
      createPrivateFolder(
          java.util.Objects.requireNonNull(venv.toAbsolutePath().getParent(), "venv folder"));
      Path lockFile = venv.resolveSibling(venv.getFileName() + ".lock");
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock held = channel.tryLock();
        if (held == null) {
          progress.accept("Waiting for another process that is making " + venv);
          held = channel.lock();
        }
        try (FileLock ignored = held) {
          problems = problems(venv, lock); // another process may have built it meanwhile
          if (problems.isEmpty()) {
            progress.accept("Using the venv another build has just made: " + venv);
            return venv;
          }
          if (Files.exists(venv)) {
            progress.accept("Rebuilding " + venv + ": " + String.join("; ", problems));
          }
          build(venv, lock, base, pipOptions, progress);
          return venv;
        }
      }
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot create the venv " + venv + ": " + e.getMessage(), e);
    } finally {
      local.unlock();
    }
  }

  /** Fails when {@code base} is not the interpreter the lock was resolved with. */
  public static void checkInterpreter(EnvLock lock, BaseInterpreter base) {
    List<String> diff = interpreterDiff(lock, base);
    if (!diff.isEmpty()) {
      throw new SnakeBridgeException(
          "the base Python "
              + base.command()
              + " ("
              + base.executable()
              + ") does not match snakebridge.lock: "
              + String.join("; ", diff)
              + ". Use the interpreter the lock names, or re-lock with: mvn snakebridge:lock");
    }
  }

  /** How {@code base} differs from the lock's interpreter; empty when it matches. */
  public static List<String> interpreterDiff(EnvLock lock, BaseInterpreter base) {
    List<String> diff = new ArrayList<>();
    EnvLock.PythonPlatform want = lock.python();
    compare(diff, "python version", want.version(), base.version());
    compare(diff, "implementation", want.implementation(), base.implementation());
    compare(diff, "platform", want.platform(), base.platform());
    compare(diff, "machine", want.machine(), base.machine());
    return diff;
  }

  private static void compare(
      List<String> diff, String what, String locked, @Nullable String actual) {
    if (!locked.equals(actual)) {
      diff.add(what + ": locked " + locked + ", found " + actual);
    }
  }

  /**
   * What is wrong with the venv at {@code venv} for {@code lock}: an empty list when its marker
   * names this lock, its interpreter runs and every pinned version is installed.
   *
   * @throws SnakeBridgeException when the venv belongs to another user or others may write to it
   *     (see {@link VenvTrust}): such a venv is refused, not rebuilt
   */
  public static List<String> problems(Path venv, EnvLock lock) {
    if (!Files.isDirectory(venv)) {
      return List.of("it does not exist");
    }
    VenvTrust.check(venv);
    Properties marker = new Properties();
    try (var in = Files.newBufferedReader(venv.resolve(MARKER), StandardCharsets.UTF_8)) {
      marker.load(in);
    } catch (IOException e) {
      return List.of("its marker " + MARKER + " is missing or unreadable");
    }
    if (!lock.pinsHash().equals(marker.getProperty("pins"))) {
      return List.of("its marker names another lock (" + marker.getProperty("pins") + ")");
    }
    return installedDiff(PythonProcess.venvPython(venv), lock);
  }

  /** Runs {@code python} and lists the pins it does not have; empty when all match. */
  public static List<String> installedDiff(Path python, EnvLock lock) {
    if (!Files.isExecutable(python)) {
      return List.of("its interpreter " + python + " is missing");
    }
    List<String> command = new ArrayList<>(List.of(python.toString(), "-I", "-c", CHECK));
    for (EnvLock.LockedPackage p : lock.packages()) {
      command.add(p.name() + "==" + p.version());
    }
    PythonProcess.Result result = PythonProcess.run(command, line -> {}, false);
    if (result.exitCode() != 0) {
      return List.of("its interpreter does not run: " + result.failure());
    }
    return result.stdout();
  }

  private static void build(
      Path venv,
      EnvLock lock,
      BaseInterpreter base,
      List<String> pipOptions,
      Consumer<String> progress)
      throws IOException {
    Path temp = venv.resolveSibling(venv.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      progress.accept(
          "Creating venv " + venv + " with " + base.executable() + " (" + base.version() + ")");
      PythonProcess.Result made =
          PythonProcess.run(
              List.of(base.executable(), "-m", "venv", temp.toString()), progress, true);
      if (made.exitCode() != 0) {
        throw new SnakeBridgeException("'python -m venv' failed: " + made.failure());
      }
      Path pins = temp.resolve("snakebridge-requirements.txt");
      Files.writeString(pins, lock.pinnedRequirements(), StandardCharsets.UTF_8);
      progress.accept("Installing " + lock.packages().size() + " locked distributions");
      List<String> install =
          new ArrayList<>(
              List.of(
                  PythonProcess.venvPython(temp).toString(),
                  "-m",
                  "pip",
                  "install",
                  "--require-hashes",
                  "--no-deps",
                  "--retries",
                  "0",
                  "--progress-bar",
                  "off"));
      install.addAll(lock.pipOptions());
      for (String option : pipOptions) {
        if (!lock.pipOptions().contains(option)) {
          install.add(option);
        }
      }
      install.add("-r");
      install.add(pins.toString());
      PythonProcess.Result installed =
          lock.packages().isEmpty()
              ? new PythonProcess.Result(0, List.of(), List.of())
              : PythonProcess.run(install, progress, true);
      if (installed.exitCode() != 0) {
        throw new SnakeBridgeException(
            "installing the locked distributions into "
                + venv
                + " failed (a hash that does not match snakebridge.lock is refused): "
                + installed.failure());
      }
      List<String> diff = installedDiff(PythonProcess.venvPython(temp), lock);
      if (!diff.isEmpty()) {
        throw new SnakeBridgeException(
            "the new venv does not match snakebridge.lock: " + String.join("; ", diff));
      }
      VenvTrust.makePrivate(temp);
      Properties marker = new Properties();
      marker.setProperty("pins", lock.pinsHash());
      marker.setProperty("python", base.executable());
      marker.setProperty("pythonVersion", base.version());
      try (var out = Files.newBufferedWriter(temp.resolve(MARKER), StandardCharsets.UTF_8)) {
        marker.store(out, "made by SnakeBridge from snakebridge.lock; do not edit");
      }
      if (Files.exists(venv)) {
        Path old = venv.resolveSibling(venv.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(venv, old, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      }
      try {
        Files.move(temp, venv, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new SnakeBridgeException(
            "the cache's file system cannot rename " + temp + " atomically", e);
      }
      progress.accept("Venv ready: " + venv);
    } finally {
      deleteTree(temp);
    }
  }

  /**
   * Downloads every locked distribution into {@code folder} with the venv's pip ({@code pip
   * download --no-deps --require-hashes}), so each file is checked against its sha256.
   */
  public static void download(
      Path venv, EnvLock lock, Path folder, List<String> pipOptions, Consumer<String> progress) {
    try {
      Files.createDirectories(folder);
      Path pins = Files.createTempFile("snakebridge-pins", ".txt");
      try {
        Files.writeString(pins, lock.pinnedRequirements(), StandardCharsets.UTF_8);
        List<String> command =
            new ArrayList<>(
                List.of(
                    PythonProcess.venvPython(venv).toString(),
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--require-hashes",
                    "--retries",
                    "0",
                    "--progress-bar",
                    "off",
                    "--dest",
                    folder.toString()));
        command.addAll(pipOptions);
        command.add("-r");
        command.add(pins.toString());
        PythonProcess.Result result = PythonProcess.run(command, progress, true);
        if (result.exitCode() != 0) {
          throw new SnakeBridgeException(
              "downloading the locked distributions failed: " + result.failure());
        }
      } finally {
        Files.deleteIfExists(pins);
      }
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot download into " + folder + ": " + e.getMessage(), e);
    }
  }

  static void createPrivateFolder(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(folder);
    }
  }

  /** Deletes {@code root} and everything below it, without following links; quiet if gone. */
  public static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
