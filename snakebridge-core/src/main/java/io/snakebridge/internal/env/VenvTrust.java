package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Refuses a venv in the cache that someone other than this JVM's user could have put code in; makes
 * a new venv private before it is renamed into place.
 *
 * <p>Stateless and thread-safe.
 */
final class VenvTrust {
  /*
   * The workers run whatever the venv's site-packages hold, as this JVM's user. So, as for the
   * worker cache (internal.worker.TrustedCache), a venv is used only when:
   *  - every folder above it is writable by nobody else, or sticky (/tmp), since whoever can
   *    write there could swap the venv for one of their own;
   *  - the venvs folder, the venv and every entry in it belong to this JVM's user (or root, who
   *    can change anything of this user's anyway), links included;
   *  - no folder or file in it is writable by group or others (links' own modes mean nothing).
   * A venv that fails is refused with the reason, not rebuilt: another user's files are not ours
   * to delete, and a loose mode may be deliberate. Venvs are created 0700 at the top and made
   * go-w throughout before the rename, whatever the umask. Walking the tree costs a few
   * milliseconds per thousand files and runs once per venv per JVM.
   * Without POSIX attributes (Windows) nothing is checked.
   */

  private static final int STICKY = 01000;
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private VenvTrust() {}

  /** Throws, saying why, when {@code venv} (an existing folder) is not this user's alone. */
  static void check(Path venv) {
    if (!venv.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Path real = venv.toRealPath();
      UserPrincipal user = currentUser(real);
      UserPrincipal root = superuser(real);
      Path venvs = real.getParent();
      if (venvs == null) {
        throw refused(venv, "it is the root of the file system");
      }
      for (Path above = venvs.getParent(); above != null; above = above.getParent()) {
        PosixFileAttributes folder = attributes(above);
        if (writableByOthers(folder) && !sticky(above)) {
          throw refused(
              venv,
              "the folder "
                  + above
                  + " above it is writable by group or others ("
                  + PosixFilePermissions.toString(folder.permissions())
                  + ") and not sticky, so they"
                  + " could replace the venv with their own; run chmod go-w "
                  + above);
        }
      }
      checkEntry(venv, venvs, attributes(venvs), user, root);
      Files.walkFileTree(
          real,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              checkEntry(venv, dir, attributes(dir), user, root);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              checkEntry(venv, file, attributes(file), user, root);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot check the venv " + venv + ": " + e.getMessage(), e);
    }
  }

  /** Removes group and others' write permission from every entry below {@code venv}. */
  static void makePrivate(Path venv) throws IOException {
    if (!venv.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.walkFileTree(
        venv,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            tighten(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isSymbolicLink()) {
              tighten(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void tighten(Path path) throws IOException {
    Set<PosixFilePermission> permissions = attributes(path).permissions();
    if (permissions.removeAll(OTHERS_WRITE)) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  private static void checkEntry(
      Path venv,
      Path path,
      PosixFileAttributes attributes,
      UserPrincipal user,
      @Nullable UserPrincipal root) {
    UserPrincipal owner = attributes.owner();
    if (!owner.equals(user) && !owner.equals(root)) {
      throw refused(
          venv,
          path
              + " belongs to "
              + owner.getName()
              + ", not to "
              + user.getName()
              + " who runs this JVM, so what the workers would import from it is not known to come"
              + " from the lock; remove the venv, or choose a cache folder of your own");
    }
    if (!attributes.isSymbolicLink() && writableByOthers(attributes)) {
      throw refused(
          venv,
          path
              + " is writable by group or others ("
              + PosixFilePermissions.toString(attributes.permissions())
              + "), who could change the"
              + " code the workers run; run chmod -R go-w "
              + venv
              + ", or remove the venv");
    }
  }

  private static SnakeBridgeException refused(Path venv, String why) {
    return new SnakeBridgeException("refusing the venv " + venv + ": " + why);
  }

  private static PosixFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean writableByOthers(PosixFileAttributes attributes) {
    Set<PosixFilePermission> permissions = attributes.permissions();
    return permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static boolean sticky(Path folder) throws IOException {
    if (!folder.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return false;
    }
    Object mode = Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return mode instanceof Integer && ((Integer) mode & STICKY) != 0;
  }

  private static @Nullable UserPrincipal superuser(Path path) throws IOException {
    try {
      return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
    } catch (UserPrincipalNotFoundException e) {
      return null;
    }
  }

  /** The {@code user.name} account, else (a uid without a passwd entry) a new file's owner. */
  private static UserPrincipal currentUser(Path venv) throws IOException {
    try {
      return venv.getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException e) {
      Path probe = Files.createTempFile(".owner-", "");
      try {
        return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
      } finally {
        Files.deleteIfExists(probe);
      }
    }
  }
}
