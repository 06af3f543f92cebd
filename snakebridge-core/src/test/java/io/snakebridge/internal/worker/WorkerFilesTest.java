package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerFilesTest {
  @TempDir
  Path temp;

  /** A class loader whose resources hold a worker package with the given server.py text. */
  private ClassLoader jar(String name, String serverText) throws IOException {
    Path root = temp.resolve(name);
    Path resources = root.resolve("META-INF/snakebridge-worker");
    Files.createDirectories(resources.resolve("snakebridge_worker"));
    Files.writeString(resources.resolve("files.txt"),
        "snakebridge_worker/__init__.py\nsnakebridge_worker/server.py\n\n");
    Files.writeString(resources.resolve("snakebridge_worker/__init__.py"), "");
    Files.writeString(resources.resolve("snakebridge_worker/server.py"), serverText);
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
  }

  @Test
  void extractsTheListedFilesIntoAFolderNamedAfterTheirHash() throws IOException {
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(jar("v1", "print('v1')"), cache).folder();
    assertEquals(cache, folder.getParent());
    assertTrue(folder.getFileName().toString().matches("worker-[0-9a-f]{16}"), folder.toString());
    assertEquals("print('v1')", Files.readString(
        folder.resolve("snakebridge_worker/server.py"), StandardCharsets.UTF_8));
    assertTrue(Files.isRegularFile(folder.resolve("snakebridge_worker/__init__.py")));
    assertEquals(Set.of(folder), listing(cache), "no temporary folder is left behind");
  }

  @Test
  void anotherVersionGetsItsOwnFolderAndTheSameVersionReusesIt() throws IOException {
    Path cache = temp.resolve("cache");
    Path v1 = new WorkerFiles(jar("a", "print('v1')"), cache).folder();
    Path v1Again = new WorkerFiles(jar("b", "print('v1')"), cache).folder();
    Path v2 = new WorkerFiles(jar("c", "print('v2')"), cache).folder();
    assertEquals(v1, v1Again);
    assertNotEquals(v1, v2);
  }

  @Test
  void manyExtractorsRacingAgreeOnOneCompleteFolder() throws Exception {
    Path cache = temp.resolve("cache");
    ClassLoader loader = jar("race", "x = 1\n".repeat(10_000));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Path>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tasks.add(() -> new WorkerFiles(loader, cache).folder());
      }
      Set<Path> folders = new java.util.HashSet<>();
      for (Future<Path> result : threads.invokeAll(tasks)) {
        folders.add(result.get());
      }
      assertEquals(1, folders.size());
      Path folder = folders.iterator().next();
      assertEquals("x = 1\n".repeat(10_000),
          Files.readString(folder.resolve("snakebridge_worker/server.py")));
      assertEquals(Set.of(folder), listing(cache), "losers removed their temporary folders");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aMissingPackageSaysSo() {
    WorkerFiles files = new WorkerFiles(new URLClassLoader(new URL[0], null), temp);
    IOException e = assertThrows(IOException.class, files::folder);
    assertTrue(e.getMessage().contains("META-INF/snakebridge-worker/files.txt not found"),
        e.getMessage());
  }

  private static Set<Path> listing(Path folder) throws IOException {
    try (Stream<Path> paths = Files.list(folder)) {
      return paths.collect(Collectors.toSet());
    }
  }
}
