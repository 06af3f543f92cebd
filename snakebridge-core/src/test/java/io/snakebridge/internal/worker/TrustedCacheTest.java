package io.snakebridge.internal.worker;

import static io.snakebridge.internal.worker.WorkerFilesTest.assumePosix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cases where the worker cache is refused rather than used or repaired (POSIX only). */
class TrustedCacheTest {
  @TempDir Path temp;

  private ClassLoader loader;
  private Path cache;

  @BeforeEach
  void setUp() throws IOException {
    assumePosix();
    loader = ShippedPackage.loader(temp.resolve("jar"), "print('v1')");
    cache = temp.resolve("cache");
  }

  @Test
  void aCacheFolderOthersCanWriteToIsRefused() throws IOException {
    Files.createDirectories(cache);
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxr-x"));
    String message = refusal();
    assertTrue(
        message.contains(
            "the worker cache folder "
                + cache.toRealPath()
                + " is writable by group or others (rwxrwxr-x)"),
        message);
    assertTrue(message.contains("chmod go-w " + cache.toRealPath()), message);
    assertTrue(message.contains("SnakeBridgeRuntime.Builder.cacheDirectory"), message);
    assertTrue(message.contains("snakebridge.cacheDir"), message);
    try (java.util.stream.Stream<Path> entries = Files.list(cache)) {
      assertEquals(0, entries.count(), "nothing was extracted into it");
    }
  }

  @Test
  void aFolderAboveTheCacheThatOthersCanWriteToIsRefusedUnlessSticky() throws Exception {
    Path shared = Files.createDirectories(temp.resolve("shared"));
    cache = shared.resolve("cache");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    String message = refusal();
    assertTrue(
        message.contains("the folder " + shared.toRealPath() + " above the worker cache"), message);
    assertTrue(message.contains("(rwxrwxrwx) and not sticky"), message);

    chmod("1777", shared); // as /tmp: others cannot rename or delete what is ours in it
    Path folder = new WorkerFiles(loader, cache).folder();
    assertEquals("print('v1')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
  }

  @Test
  void aLinkToTheCacheIsCheckedWhereItLeads() throws IOException {
    Path real = Files.createDirectories(temp.resolve("real"));
    Files.createSymbolicLink(cache, real);
    Path folder = new WorkerFiles(loader, cache).folder();
    assertEquals(real.toRealPath(), folder.getParent());

    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxrwx"));
    String message = refusal();
    assertTrue(message.contains("the worker cache folder " + real.toRealPath()), message);
  }

  @Test
  void aWorkerFolderOfAnotherUserIsRefusedAndLeftAsItIs() throws IOException {
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve(ShippedPackage.SERVER), "print('planted')");
    giveToNobody(folder);
    String message = refusal();
    assertTrue(
        message.contains(
            folder
                + " in the worker cache belongs to nobody, not to "
                + System.getProperty("user.name")
                + " who runs this JVM"),
        message);
    assertTrue(message.contains("remove it, or choose a private cache folder"), message);
    assertEquals("print('planted')", Files.readString(folder.resolve(ShippedPackage.SERVER)));
  }

  @Test
  void aFileOfAnotherUserInsideIsRefusedEvenBehindAnotherProblem() throws IOException {
    Path folder = new WorkerFiles(loader, cache).folder();
    Files.writeString(folder.resolve(ShippedPackage.INIT), "import os"); // repairable alone
    Path planted = Files.writeString(folder.resolve("snakebridge_worker/zz.py"), "import os");
    giveToNobody(planted);
    String message = refusal();
    assertTrue(message.contains(planted + " in the worker cache belongs to nobody"), message);
  }

  @Test
  void aCacheFolderOfAnotherUserIsRefused() throws IOException {
    Files.createDirectories(cache);
    giveToNobody(cache);
    String message = refusal();
    assertTrue(
        message.contains("the worker cache folder " + cache.toRealPath() + " belongs to nobody"),
        message);
  }

  private String refusal() {
    WorkerFiles files = new WorkerFiles(loader, cache);
    return assertThrows(UntrustedCacheException.class, files::folder).getMessage();
  }

  /** Needs root; the test is skipped, and says why, where chown is not permitted. */
  private static void giveToNobody(Path path) {
    try {
      UserPrincipal nobody =
          path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(path, nobody);
    } catch (IOException e) {
      abort("giving a file to user nobody needs root: " + e);
    }
  }

  private static void chmod(String mode, Path path) throws Exception {
    Process chmod =
        new ProcessBuilder("chmod", mode, path.toString()).redirectErrorStream(true).start();
    String output = new String(chmod.getInputStream().readAllBytes());
    assertEquals(0, chmod.waitFor(), output);
  }
}
