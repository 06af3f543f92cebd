package io.snakebridge.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Python worker package shipped in the jar, extracted once into a cache folder named after a
 * hash of its files, so that every library version has its own copy and nothing is rewritten on
 * each start.
 *
 * <p>Thread-safe, and safe when several JVMs extract at the same time: files are written into a
 * private temporary folder that is renamed into place atomically; whoever loses the race uses the
 * winner's copy.
 */
public final class WorkerFiles {
  /** Where the build puts the worker package inside the jar. */
  public static final String RESOURCE_ROOT = "META-INF/snakebridge-worker/";

  /** The build's list of the package's files, one path relative to the root per line. */
  public static final String FILE_LIST = RESOURCE_ROOT + "files.txt";

  private final ClassLoader loader;
  private final Path cacheDirectory;
  private volatile Path extracted;

  /**
   * Creates the extractor.
   *
   * @param loader the class loader whose resources hold the worker package
   * @param cacheDirectory the parent of the {@code worker-<hash>} folders; created when missing
   */
  public WorkerFiles(ClassLoader loader, Path cacheDirectory) {
    this.loader = loader;
    this.cacheDirectory = cacheDirectory;
  }

  /**
   * Returns the folder that contains {@code snakebridge_worker/}, extracting it first if this
   * version of the files is not in the cache yet.
   */
  public Path folder() throws IOException {
    Path done = extracted;
    if (done == null) {
      done = extract(readFiles());
      extracted = done;
    }
    return done;
  }

  private Map<String, byte[]> readFiles() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : readList()) {
      try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
        if (in == null) {
          throw new IOException(
              "the worker file " + RESOURCE_ROOT + name + " listed in " + FILE_LIST
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
            "the Python worker package is missing from the classpath (" + FILE_LIST
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

  private Path extract(Map<String, byte[]> files) throws IOException {
    Path target = cacheDirectory.resolve("worker-" + hash(files));
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(cacheDirectory);
    Path temporary = Files.createTempDirectory(cacheDirectory, ".worker-tmp-");
    try {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Path path = temporary.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.write(path, file.getValue());
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      if (Files.isDirectory(target)) {
        return target; // another JVM or thread won the race; its copy is identical
      }
      throw e;
    } finally {
      deleteQuietly(temporary);
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

  private static void deleteQuietly(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary folder is harmless: its name never matches a worker-<hash> folder.
    }
  }
}
