package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.PoolExhaustedException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.internal.worker.WorkerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Workers run only the package this jar ships, whatever was done to the cache in between. */
@ExtendWith(NoLeakedWorkers.class)
class WorkerCacheIT {
  private static final String INIT = "snakebridge_worker/__init__.py";
  private static final String SERVER = "snakebridge_worker/server.py";

  private Path cache;
  private Path marker;

  @BeforeEach
  void freshCache() throws IOException {
    cache = ItEnvironment.workDir().resolve("cache-trust");
    marker = ItEnvironment.workDir().resolve("cache-trust-planted-code-ran");
    deleteTree(cache);
    Files.deleteIfExists(marker);
  }

  @Test
  void aTamperedCacheIsRepairedAndThePlantedCodeNeverRuns() throws IOException {
    Path folder = startAndCall();
    String plant = "open(" + pythonString(marker) + ", 'w').write('ran')\n";
    Files.writeString(folder.resolve(INIT), plant);
    Files.writeString(folder.resolve("snakebridge_worker/evil.py"), plant);
    Path outside =
        Files.writeString(
            ItEnvironment.workDir().resolve("cache-trust-server.py"),
            plant + "raise SystemExit(3)\n");
    Files.delete(folder.resolve(SERVER));
    Files.createSymbolicLink(folder.resolve(SERVER), outside);

    assertEquals(folder, startAndCall());
    assertFalse(Files.exists(marker), "the planted code never ran");
    assertEquals(shipped(INIT), Files.readString(folder.resolve(INIT)));
    assertEquals(shipped(SERVER), Files.readString(folder.resolve(SERVER)));
    assertFalse(Files.exists(folder.resolve("snakebridge_worker/evil.py")));
  }

  @Test
  void anEmptyWorkerFolderIsRepaired() throws IOException {
    Path folder = startAndCall();
    deleteTree(folder);
    Files.createDirectory(folder);
    assertEquals(folder, startAndCall());
    assertEquals(shipped(SERVER), Files.readString(folder.resolve(SERVER)));
  }

  @Test
  void aSoundCacheWithPythonsCompiledFilesIsUsedAsItIs() throws IOException {
    Path folder = startAndCall();
    Path pycache = folder.resolve("snakebridge_worker/__pycache__");
    List<Path> compiled = list(pycache);
    assumeTrue(!compiled.isEmpty(), "the worker's Python wrote no compiled files");
    Object before = key(folder.resolve(SERVER));
    assertEquals(folder, startAndCall());
    assertEquals(before, key(folder.resolve(SERVER)), "not extracted again");
    assertTrue(list(pycache).containsAll(compiled), "the compiled files stay");
  }

  @Test
  void aWorkerFolderOfAnotherUserIsRefusedWithTheReason() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path folder = startAndCall();
    try {
      Files.setOwner(
          folder,
          folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    } catch (IOException e) {
      abort("giving a folder to user nobody needs root: " + e);
    }
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("cache-foreign").cacheDirectory(cache).build()) {
      PoolExhaustedException e =
          assertThrows(PoolExhaustedException.class, () -> python.call("math", "sqrt", 16));
      String reason = e.getCause().getMessage();
      assertTrue(reason.contains(folder + " in the worker cache belongs to nobody"), reason);
      assertTrue(reason.contains("choose a private cache folder"), reason);
    }
  }

  @Test
  void jvmsStartingAtOnceOnATamperedCacheAllGetASoundCopy() throws Exception {
    Path folder = startAndCall();
    Files.writeString(folder.resolve(SERVER), "raise SystemExit(3)\n");
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        children.add(
            new ProcessBuilder(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    CacheRaceMain.class.getName(),
                    ItEnvironment.python(),
                    cache.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
      }
      for (Process child : children) {
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "a child JVM hangs");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("RESULT 4.0"), out);
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }
    assertEquals(shipped(SERVER), Files.readString(folder.resolve(SERVER)));
    List<String> left =
        list(cache).stream()
            .map(path -> path.getFileName().toString())
            .filter(name -> !name.equals(".lock"))
            .collect(Collectors.toList());
    assertEquals(
        List.of(folder.getFileName().toString()), left, "no temporary or old copy is left behind");
  }

  /**
   * Starts a runtime on the test's cache, checks that a call works, returns the folder. Its workers
   * write compiled files even where the environment says not to, as users' do.
   */
  private Path startAndCall() throws IOException {
    try (SnakeBridgeRuntime python =
        ItEnvironment.runtime("cache-trust")
            .environmentVariable("PYTHONDONTWRITEBYTECODE", "")
            .cacheDirectory(cache)
            .build()) {
      assertEquals(4.0, python.call("math", "sqrt", 16));
    }
    List<Path> folders =
        list(cache).stream()
            .filter(path -> path.getFileName().toString().startsWith("worker-"))
            .collect(Collectors.toList());
    assertEquals(1, folders.size(), folders.toString());
    return folders.get(0);
  }

  private static String shipped(String name) throws IOException {
    try (InputStream in =
        WorkerCacheIT.class
            .getClassLoader()
            .getResourceAsStream(WorkerFiles.RESOURCE_ROOT + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String pythonString(Path path) {
    return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static Object key(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> paths = Files.list(folder)) {
      return paths.collect(Collectors.toList());
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(path);
      }
    }
  }
}
