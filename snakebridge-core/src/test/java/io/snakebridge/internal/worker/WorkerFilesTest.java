package io.snakebridge.internal.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
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
  @TempDir Path temp;

  private ClassLoader jar(String name, String serverText) throws IOException {
    return ShippedPackage.loader(temp.resolve(name), serverText);
  }

  @Test
  void extractsTheListedFilesIntoAFolderNamedAfterTheirHash() throws IOException {
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(jar("v1", "print('v1')"), cache).folder();
    assertEquals(cache, folder.getParent());
    assertTrue(folder.getFileName().toString().matches("worker-[0-9a-f]{16}"), folder.toString());
    assertEquals(
        "print('v1')",
        Files.readString(folder.resolve("snakebridge_worker/server.py"), StandardCharsets.UTF_8));
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
      assertEquals(
          "x = 1\n".repeat(10_000),
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
    assertTrue(
        e.getMessage().contains("META-INF/snakebridge-worker/files.txt not found"), e.getMessage());
  }

  @Test
  void theCacheFolderAndEverythingExtractedArePrivate() throws IOException {
    assumePosix();
    Path cache = temp.resolve("new/cache");
    Path folder = new WorkerFiles(jar("v1", "print('v1')"), cache).folder();
    assertEquals("rwx------", mode(cache));
    assertEquals("rwx------", mode(temp.resolve("new")), "missing parents are created private");
    assertEquals("rwx------", mode(folder));
    assertEquals("rwx------", mode(folder.resolve("snakebridge_worker")));
    assertEquals(
        "rwx------",
        mode(folder.resolve("snakebridge_worker/__pycache__")),
        "made before Python makes it with the worker's umask");
    assertEquals("rw-------", mode(folder.resolve(ShippedPackage.SERVER)));
    assertEquals("rw-------", mode(cache.resolve(WorkerFiles.LOCK_FILE)));
  }

  @Test
  void aTamperedFileIsExtractedAgain() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve(ShippedPackage.SERVER), "print('evil')");
    Files.writeString(folder.resolve(ShippedPackage.INIT), "import os");

    assertEquals(folder, new WorkerFiles(loader, cache).folder());
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
    assertEquals("", Files.readString(folder.resolve(ShippedPackage.INIT)));
    assertEquals(Set.of(folder), listing(cache), "the old copy and the temporary one are gone");
  }

  @Test
  void aTamperedFileOfTheSameSizeIsExtractedAgain() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve(ShippedPackage.SERVER), "print('v2')");
    new WorkerFiles(loader, cache).folder();
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
  }

  @Test
  void anEmptyOrIncompleteFolderIsExtractedAgain() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.delete(folder.resolve(ShippedPackage.SERVER));
    new WorkerFiles(loader, cache).folder();
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));

    deleteTree(folder);
    Files.createDirectory(folder);
    assertEquals(folder, new WorkerFiles(loader, cache).folder());
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));

    deleteTree(folder);
    Files.writeString(folder, "not a folder");
    new WorkerFiles(loader, cache).folder();
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
  }

  @Test
  void aPlantedFileOrFolderIsRemoved() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve("snakebridge_worker/evil.py"), "import os");
    Files.writeString(folder.resolve("platform.py"), "import os");
    Files.createDirectories(folder.resolve("snakebridge_worker/evil"));
    new WorkerFiles(loader, cache).folder();
    assertEquals(Set.of("snakebridge_worker"), names(folder));
    assertEquals(
        Set.of("__init__.py", "server.py", "__pycache__"),
        names(folder.resolve("snakebridge_worker")));
  }

  @Test
  void pythonsCompiledFilesStayButOthersInPycacheAreRemoved() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Path pycache = folder.resolve("snakebridge_worker/__pycache__");
    Files.writeString(pycache.resolve("server.cpython-312.pyc"), "compiled");
    Files.writeString(pycache.resolve("__init__.cpython-39.opt-1.pyc"), "compiled");
    Files.writeString(pycache.resolve("server.cpython-313.pyc.140230441"), "being written");
    new WorkerFiles(loader, cache).folder();
    assertEquals(
        Set.of(
            "server.cpython-312.pyc",
            "__init__.cpython-39.opt-1.pyc",
            "server.cpython-313.pyc.140230441"),
        names(pycache),
        "nothing was extracted again");

    Files.writeString(pycache.resolve("evil.cpython-312.pyc"), "compiled");
    new WorkerFiles(loader, cache).folder();
    assertEquals(Set.of(), names(pycache), "extracted again: evil.py is not shipped");
  }

  @Test
  void aLinkInTheFolderIsReplacedNeverFollowed() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Path outside = Files.writeString(temp.resolve("outside.py"), "print('v1')");
    Files.delete(folder.resolve(ShippedPackage.SERVER));
    Files.createSymbolicLink(folder.resolve(ShippedPackage.SERVER), outside);

    new WorkerFiles(loader, cache).folder();
    assertFalse(Files.isSymbolicLink(folder.resolve(ShippedPackage.SERVER)));
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
    assertEquals("print('v1')", Files.readString(outside), "the link's target is untouched");
  }

  @Test
  void aLinkedPackageFolderIsReplacedAndItsTargetLeftAlone() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Path elsewhere = temp.resolve("elsewhere");
    Files.move(folder.resolve("snakebridge_worker"), elsewhere);
    Files.createSymbolicLink(folder.resolve("snakebridge_worker"), elsewhere);

    new WorkerFiles(loader, cache).folder();
    assertFalse(Files.isSymbolicLink(folder.resolve("snakebridge_worker")));
    assertTrue(Files.isRegularFile(elsewhere.resolve("server.py")), "the target was not deleted");
  }

  @Test
  void aLinkedWorkerFolderIsReplacedByARealOneAndItsTargetLeftAlone() throws IOException {
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Path elsewhere = temp.resolve("elsewhere");
    Files.move(folder, elsewhere);
    Files.writeString(elsewhere.resolve(ShippedPackage.SERVER), "print('evil')");
    Files.createSymbolicLink(folder, elsewhere);

    assertEquals(folder, new WorkerFiles(loader, cache).folder());
    assertFalse(Files.isSymbolicLink(folder));
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
    assertEquals("print('evil')", Files.readString(elsewhere.resolve(ShippedPackage.SERVER)));
  }

  @Test
  void writableByGroupOrOthersIsExtractedAgain() throws IOException {
    assumePosix();
    ClassLoader loader = jar("v1", "print('v1')");
    Path cache = temp.resolve("cache");
    Path folder = new WorkerFiles(loader, cache).folder();
    Path server = folder.resolve(ShippedPackage.SERVER);
    Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rw-rw-rw-"));
    new WorkerFiles(loader, cache).folder();
    assertEquals("rw-------", mode(server));

    Path pkg = folder.resolve("snakebridge_worker");
    Files.setPosixFilePermissions(pkg, PosixFilePermissions.fromString("rwxrwx---"));
    new WorkerFiles(loader, cache).folder();
    assertEquals("rwx------", mode(pkg));
  }

  @Test
  void racingRepairsAgreeOnOneSoundFolder() throws Exception {
    Path cache = temp.resolve("cache");
    ClassLoader loader = jar("race", "x = 1\n".repeat(10_000));
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve(ShippedPackage.SERVER), "evil");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Path>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tasks.add(() -> new WorkerFiles(loader, cache).folder());
      }
      for (Future<Path> result : threads.invokeAll(tasks)) {
        assertEquals(folder, result.get());
      }
      assertEquals(
          "x = 1\n".repeat(10_000), Files.readString(folder.resolve(ShippedPackage.SERVER)));
      assertEquals(Set.of(folder), listing(cache), "no temporary or old copy is left behind");
    } finally {
      threads.shutdownNow();
    }
  }

  static void assumePosix() {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "owners and permissions are checked on POSIX file systems only");
  }

  static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  private static Set<String> names(Path folder) throws IOException {
    try (Stream<Path> paths = Files.list(folder)) {
      return paths.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(path);
      }
    }
  }

  /** The cache folder's entries but its lock file. */
  private static Set<Path> listing(Path folder) throws IOException {
    try (Stream<Path> paths = Files.list(folder)) {
      return paths
          .filter(path -> !path.getFileName().toString().equals(WorkerFiles.LOCK_FILE))
          .collect(Collectors.toSet());
    }
  }
}
