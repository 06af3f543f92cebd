package io.snakebridge.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The Python worker package shipped in the jar, extracted into a cache folder named after a hash of
 * its files, so that every library version has its own copy and nothing is rewritten on each start.
 *
 * <p>The first {@link #folder()} of each instance (one per runtime) checks the cache before it is
 * used: a {@code worker-<hash>} folder is used only if it holds exactly the shipped bytes and
 * nobody but this JVM's user could have written it ({@link TrustedCache} has the rules). A folder
 * that is ours but wrong (tampered, incomplete, extra files, links, loose permissions) is extracted
 * again; one that belongs to another user, or a cache that others can write to, is refused with an
 * {@link UntrustedCacheException}.
 *
 * <p>Thread-safe, and safe when several JVMs extract at the same time: extraction holds a lock on
 * the cache's {@code .lock} file, checks again, writes into a private temporary folder and renames
 * it into place atomically, so a JVM that waited finds and checks the copy the first one made.
 */
public final class WorkerFiles {
  /** Where the build puts the worker package inside the jar. */
  public static final String RESOURCE_ROOT = "META-INF/snakebridge-worker/";

  /** The build's list of the package's files, one path relative to the root per line. */
  public static final String FILE_LIST = RESOURCE_ROOT + "files.txt";

  private static final Logger LOG = System.getLogger("io.snakebridge.worker");

  /**
   * Extractions tried before giving up. Repairs hold the lock, so a second one happens only if
   * something else changes the folder meanwhile, or on a file system where no copy passes the
   * check, such as one that shows every file writable by all.
   */
  private static final int ATTEMPTS = 3;

  /** The file in the cache folder whose lock serialises extraction across JVMs. */
  static final String LOCK_FILE = ".lock";

  /**
   * Serialises extraction within this JVM. A file lock belongs to the whole JVM, not a thread, and
   * taking a second lock on the same file in one JVM throws OverlappingFileLockException, so the
   * runtimes of one JVM take turns here before taking the file lock.
   */
  private static final ReentrantLock REPAIRS = new ReentrantLock();

  private final ClassLoader loader;
  private final Path cacheDirectory;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable Path extracted;

  /**
   * Creates the extractor.
   *
   * @param loader the class loader whose resources hold the worker package
   * @param cacheDirectory the parent of the {@code worker-<hash>} folders; created (0700) when
   *     missing
   */
  public WorkerFiles(ClassLoader loader, Path cacheDirectory) {
    this.loader = loader;
    this.cacheDirectory = cacheDirectory;
  }

  /**
   * Returns the folder that contains {@code snakebridge_worker/}, checked on the first call and
   * extracted first if the cache has no sound copy of this version of the files.
   *
   * @throws UntrustedCacheException if the cache could hold another user's code
   */
  public Path folder() throws IOException {
    Path done = extracted;
    if (done != null) {
      return done;
    }
    lock.lock(); // the pool's first workers start at once; one of them checks, the rest wait
    try {
      if (extracted == null) {
        extracted = checkedFolder(readFiles());
      }
      return extracted;
    } finally {
      lock.unlock();
    }
  }

  private Map<String, byte[]> readFiles() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : readList()) {
      try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
        if (in == null) {
          throw new IOException(
              "the worker file "
                  + RESOURCE_ROOT
                  + name
                  + " listed in "
                  + FILE_LIST
                  + " is missing from the classpath");
        }
        files.put(name, in.readAllBytes());
      }
    }
    if (files.isEmpty()) {
      throw new IOException(FILE_LIST + " lists no files");
    }
    return files;
  }

  private List<String> readList() throws IOException {
    byte[] list;
    try (InputStream in = loader.getResourceAsStream(FILE_LIST)) {
      if (in == null) {
        throw new IOException(
            "the Python worker package is missing from the classpath ("
                + FILE_LIST
                + " not found); is the snakebridge jar complete?");
      }
      list = in.readAllBytes();
    }
    List<String> names = new ArrayList<>();
    for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
      String name = line.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (name.startsWith("/") || name.contains("\\") || name.contains("..")) {
        throw new IOException("bad path in " + FILE_LIST + ": " + name);
      }
      names.add(name);
    }
    return names;
  }

  private Path checkedFolder(Map<String, byte[]> files) throws IOException {
    TrustedCache cache = TrustedCache.open(cacheDirectory);
    Path target = cache.root().resolve("worker-" + hash(files));
    if (cache.problem(target, files) == null) {
      return target;
    }
    try {
      REPAIRS.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to extract into " + target);
    }
    try (FileChannel lockFile = openLockFile(cache)) {
      FileLock held = lockAcrossJvms(lockFile);
      try {
        return repair(cache, target, files);
      } finally {
        if (held != null) {
          held.release();
        }
      }
    } finally {
      REPAIRS.unlock();
    }
  }

  /** Extracts until the folder is sound; called with the repair locks held. */
  private static Path repair(TrustedCache cache, Path target, Map<String, byte[]> files)
      throws IOException {
    String problem;
    // Checked again: another JVM or runtime may have repaired it while this one waited.
    for (int attempt = 1; (problem = cache.problem(target, files)) != null; attempt++) {
      if (attempt > ATTEMPTS) {
        throw new IOException(
            "could not extract a sound copy of the Python worker package "
                + "into "
                + target
                + " in "
                + ATTEMPTS
                + " attempts: "
                + problem);
      }
      if (!problem.equals(TrustedCache.MISSING)) {
        LOG.log(
            Level.WARNING,
            "The Python worker package in {0} cannot be used as it is "
                + "({1}); extracting it again",
            target,
            problem);
      }
      replace(cache, target, files);
    }
    return target;
  }

  /**
   * Locks the cache's lock file, or returns null where the file system cannot lock (some NFS
   * mounts): extraction then relies on the atomic rename alone, as a JVM that loses the race checks
   * the winner's copy.
   */
  private static @Nullable FileLock lockAcrossJvms(FileChannel lockFile) throws IOException {
    try {
      return lockFile.lock();
    } catch (FileLockInterruptionException | ClosedByInterruptException e) {
      throw e;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not lock the worker cache: {0}", e.toString());
      return null;
    }
  }

  private static FileChannel openLockFile(TrustedCache cache) throws IOException {
    Path path = cache.root().resolve(LOCK_FILE);
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    return cache.posix()
        ? FileChannel.open(path, options, TrustedCache.privateFile())
        : FileChannel.open(path, options);
  }

  /**
   * Extracts into a temporary folder and renames it to {@code target}, moving a bad one away first.
   * Called with the repair lock held.
   */
  private static void replace(TrustedCache cache, Path target, Map<String, byte[]> files)
      throws IOException {
    Path temporary = Files.createTempDirectory(cache.root(), ".worker-tmp-"); // 0700 on POSIX
    try {
      write(cache, temporary, files);
      moveAway(cache, target);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        // A process that does not take the lock (an older SnakeBridge) put its copy there
        // first; the caller checks that one.
      }
    } finally {
      deleteQuietly(temporary);
    }
  }

  private static void write(TrustedCache cache, Path folder, Map<String, byte[]> files)
      throws IOException {
    Set<Path> packages = new LinkedHashSet<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path path = folder.resolve(file.getKey());
      packages.add(path.getParent());
      createFolders(cache, path.getParent());
      if (cache.posix()) {
        Files.write(Files.createFile(path, TrustedCache.privateFile()), file.getValue());
      } else {
        Files.write(path, file.getValue(), StandardOpenOption.CREATE_NEW);
      }
    }
    // Created here so that Python does not create them with the workers' umask.
    for (Path folderWithModules : packages) {
      createFolders(cache, folderWithModules.resolve("__pycache__"));
    }
  }

  private static void createFolders(TrustedCache cache, @Nullable Path folder) throws IOException {
    if (cache.posix()) {
      Files.createDirectories(folder, TrustedCache.privateFolder());
    } else {
      Files.createDirectories(folder);
    }
  }

  /** Renames {@code target} (a folder, file or link) out of the way and deletes it. */
  private static void moveAway(TrustedCache cache, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path trash = Files.createTempDirectory(cache.root(), ".worker-old-");
    try {
      Files.move(target, trash.resolve("worker"), StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // Another JVM moved it away first.
    } finally {
      deleteQuietly(trash);
    }
  }

  /** The first 16 hex digits of SHA-256 over every file's name, length and content. */
  static String hash(Map<String, byte[]> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Long.toString(file.getValue().length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) 0);
      digest.update(file.getValue());
    }
    StringBuilder hex = new StringBuilder(16);
    byte[] sum = digest.digest();
    for (int i = 0; i < 8; i++) {
      hex.append(Character.forDigit((sum[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(sum[i] & 0xf, 16));
    }
    return hex.toString();
  }

  /** Deletes a folder of ours without following links; what cannot be deleted stays. */
  private static void deleteQuietly(Path folder) {
    try {
      Files.walkFileTree(
          folder,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                throws IOException {
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A leftover .worker-tmp- or .worker-old- folder is harmless: no worker ever uses it.
    }
  }
}
