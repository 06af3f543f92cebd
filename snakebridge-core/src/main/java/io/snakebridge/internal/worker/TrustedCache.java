package io.snakebridge.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The worker cache folder, checked so that nobody but this JVM's user can have put code in it, and
 * the check of one extracted {@code worker-<hash>} folder against the files the jar ships.
 *
 * <p>Thread-safe (immutable).
 */
final class TrustedCache {
  /*
   * The threat: another local user who can write somewhere on the way to the cache plants or
   * swaps Python code that this JVM's workers then run as this JVM's user (possibly root). The
   * rules, in the order they are checked:
   *
   *  - The cache folder is resolved to its real path once; everything after works below that
   *    path and reads every entry with NOFOLLOW_LINKS, so no link is followed out of the cache.
   *  - Folders above the cache folder: none may be writable by group or others unless it has the
   *    sticky bit (as /tmp has), since whoever can write there can rename the cache folder away
   *    and put their own in its place. Otherwise: refuse.
   *  - The cache folder: owned by this JVM's user (or root) and writable by nobody else.
   *    Otherwise: refuse. It is created 0700.
   *  - worker-<hash> and every entry in it: owned by this JVM's user (or root), otherwise
   *    refuse: another user's files are not ours to replace, and the way out (a private cache
   *    folder) is the user's choice. Used as it is only if it is a real folder holding real
   *    folders and files (no links), none writable by group or others, with exactly the shipped
   *    files and their shipped bytes, plus Python's __pycache__ folders beside shipped modules;
   *    otherwise it is extracted again (WorkerFiles). Compiled files are checked for owner, mode
   *    and name only: Python ignores one whose recorded source time and size do not match the
   *    source, and nobody but this user (or root) can write them.
   *
   * Root counts as ours everywhere: it can change anything of this user's anyway, so refusing
   * its files would protect nothing (as OpenSSH's StrictModes reasons).
   *
   * Without POSIX attributes (Windows) only the link and content rules apply.
   */

  /** What {@link #problem} says of a folder that does not exist. */
  static final String MISSING = "it is missing";

  private static final int STICKY = 01000;
  private static final String PYCACHE = "__pycache__";
  private static final String HOW_TO_FIX =
      "choose a private cache folder with SnakeBridgeRuntime.Builder.cacheDirectory or the "
          + "snakebridge.cacheDir system property";

  private final Path root;
  private final boolean posix;
  private final @Nullable UserPrincipal user;
  private final @Nullable UserPrincipal superuser;

  private TrustedCache(
      Path root, boolean posix, @Nullable UserPrincipal user, @Nullable UserPrincipal superuser) {
    this.root = root;
    this.posix = posix;
    this.user = user;
    this.superuser = superuser;
  }

  /**
   * Creates the cache folder if it is missing (0700 where POSIX permissions exist) and checks it
   * and the folders above it.
   *
   * @throws UntrustedCacheException if another user could write to it or to a folder above it
   */
  static TrustedCache open(Path configured) throws IOException {
    boolean posix = configured.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      Files.createDirectories(configured, privateFolder());
    } else {
      Files.createDirectories(configured);
    }
    Path root = configured.toRealPath();
    TrustedCache cache =
        posix
            ? new TrustedCache(root, true, currentUser(root), superuser(root))
            : new TrustedCache(root, false, null, null);
    if (posix) {
      cache.checkRoot();
    }
    return cache;
  }

  /** The cache folder's real path. */
  Path root() {
    return root;
  }

  /** Whether owners and permissions are checked (POSIX file systems). */
  boolean posix() {
    return posix;
  }

  /** The permissions of every folder SnakeBridge creates in the cache: rwx------. */
  static FileAttribute<Set<PosixFilePermission>> privateFolder() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }

  /** The permissions of every file SnakeBridge extracts: rw-------. */
  static FileAttribute<Set<PosixFilePermission>> privateFile() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Says why {@code folder} cannot be used as it is, or returns null when it holds exactly the
   * shipped files and nothing another user could have written.
   *
   * @param files the shipped files by path relative to the folder ({@code a/b.py})
   * @throws UntrustedCacheException if the folder or an entry in it belongs to another user
   */
  @Nullable String problem(Path folder, Map<String, byte[]> files) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = read(folder);
    } catch (NoSuchFileException e) {
      return MISSING;
    }
    checkOwner(folder, attributes);
    String problem = entryProblem("it", attributes);
    if (problem == null && !attributes.isDirectory()) {
      problem = "it is not a folder";
    }
    if (problem != null) {
      return problem;
    }
    Set<String> folders = new HashSet<>();
    for (String name : files.keySet()) {
      for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
        folders.add(name.substring(0, slash));
      }
    }
    Set<String> seen = new HashSet<>();
    try {
      problem = walk(folder, "", new Expected(files, folders, seen), false);
    } catch (NoSuchFileException e) {
      return "it changed while it was checked"; // another JVM is repairing it
    }
    if (problem == null && seen.size() != files.size()) {
      for (String name : files.keySet()) {
        if (!seen.contains(name)) {
          return name + " is missing";
        }
      }
    }
    return problem;
  }

  /** What a folder should hold, and the shipped files found so far. */
  private record Expected(Map<String, byte[]> files, Set<String> folders, Set<String> seen) {}

  /**
   * Checks the entries below {@code folder} and returns the first problem. Owners are checked
   * everywhere, so that a foreign entry is refused wherever it sits; the rest only until the first
   * problem, or not at all with {@code ownersOnly}.
   */
  private @Nullable String walk(Path folder, String prefix, Expected expected, boolean ownersOnly)
      throws IOException {
    String problem = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        // String.concat, not +: the first + of each shape costs milliseconds of bootstrap, and
        // this runs on the first worker start of every runtime.
        String name = prefix.concat(entry.getFileName().toString());
        BasicFileAttributes attributes = read(entry);
        checkOwner(entry, attributes);
        boolean checking = !ownersOnly && problem == null;
        String found = checking ? entryProblem(name, attributes) : null;
        if (attributes.isDirectory()) {
          boolean known = expected.folders().contains(name) || isPycache(name, expected.files());
          boolean ownersBelow = !checking || found != null || !known;
          String below = walk(entry, name.concat("/"), expected, ownersBelow);
          if (checking && found == null) {
            found = known ? below : name + " is not shipped in the jar";
          }
        } else if (checking && found == null) {
          found = fileProblem(name, entry, attributes, expected);
        }
        if (problem == null) {
          problem = found;
        }
      }
    }
    return problem;
  }

  private static @Nullable String fileProblem(
      String name, Path file, BasicFileAttributes attributes, Expected expected)
      throws IOException {
    int slash = name.lastIndexOf('/');
    String parent = slash < 0 ? "" : name.substring(0, slash);
    if (isPycache(parent, expected.files())) {
      String packagePrefix = parent.substring(0, parent.length() - PYCACHE.length());
      return isCompiledForm(packagePrefix, name.substring(slash + 1), expected.files())
          ? null
          : name + " is not Python's compiled form of a shipped module";
    }
    byte[] shipped = expected.files().get(name);
    if (shipped == null) {
      return name + " is not shipped in the jar";
    }
    expected.seen().add(name);
    return sameBytes(file, attributes, shipped)
        ? null
        : name + " differs from the file the jar ships";
  }

  /** A {@code __pycache__} folder in a folder that holds shipped files. */
  private static boolean isPycache(String name, Map<String, byte[]> files) {
    if (!name.equals(PYCACHE) && !name.endsWith("/" + PYCACHE)) {
      return false;
    }
    String packagePrefix = name.substring(0, name.length() - PYCACHE.length());
    for (String file : files.keySet()) {
      if (file.startsWith(packagePrefix) && file.indexOf('/', packagePrefix.length()) < 0) {
        return true;
      }
    }
    return false;
  }

  /** {@code <module>.<tag>.pyc}, or Python's temporary {@code <module>.<tag>.pyc.<digits>}. */
  private static boolean isCompiledForm(
      String packagePrefix, String fileName, Map<String, byte[]> files) {
    int dot = fileName.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    String module = packagePrefix.concat(fileName.substring(0, dot)).concat(".py");
    if (!files.containsKey(module)) {
      return false;
    }
    if (fileName.endsWith(".pyc")) {
      return true;
    }
    int pyc = fileName.lastIndexOf(".pyc.");
    if (pyc < 0 || pyc + ".pyc.".length() == fileName.length()) {
      return false;
    }
    for (int i = pyc + ".pyc.".length(); i < fileName.length(); i++) {
      if (fileName.charAt(i) < '0' || fileName.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** A link, another odd type, or group or others allowed to write: says what is wrong. */
  private @Nullable String entryProblem(String name, BasicFileAttributes attributes) {
    if (attributes.isSymbolicLink()) {
      return name + " is a symbolic link";
    }
    if (!attributes.isDirectory() && !attributes.isRegularFile()) {
      return name + " is neither a folder nor a file";
    }
    if (posix && writableByOthers((PosixFileAttributes) attributes)) {
      return name + " is writable by group or others (" + mode(attributes) + ")";
    }
    return null;
  }

  private static boolean sameBytes(Path file, BasicFileAttributes attributes, byte[] shipped)
      throws IOException {
    if (attributes.size() != shipped.length) {
      return false;
    }
    byte[] actual;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      actual = in.readNBytes(shipped.length + 1);
    }
    return Arrays.equals(actual, shipped);
  }

  private void checkOwner(Path path, BasicFileAttributes attributes)
      throws UntrustedCacheException {
    if (!posix) {
      return;
    }
    UserPrincipal owner = ((PosixFileAttributes) attributes).owner();
    if (!trusted(owner)) {
      throw new UntrustedCacheException(
          path
              + " in the worker cache belongs to "
              + owner.getName()
              + ", not to "
              + userName()
              + " who runs this JVM, so the code in "
              + "it is not known to come from this jar; remove it, or "
              + HOW_TO_FIX);
    }
  }

  private void checkRoot() throws IOException {
    PosixFileAttributes attributes = (PosixFileAttributes) read(root);
    if (!trusted(attributes.owner())) {
      throw new UntrustedCacheException(
          "the worker cache folder "
              + root
              + " belongs to "
              + attributes.owner().getName()
              + ", not to "
              + userName()
              + " who runs this JVM, and its owner could plant code that workers would run: "
              + HOW_TO_FIX);
    }
    if (writableByOthers(attributes)) {
      throw new UntrustedCacheException(
          "the worker cache folder "
              + root
              + " is writable by group or others ("
              + mode(attributes)
              + "), who could plant code that workers would run: run chmod go-w "
              + root
              + ", or "
              + HOW_TO_FIX);
    }
    for (Path above = root.getParent(); above != null; above = above.getParent()) {
      PosixFileAttributes folder = (PosixFileAttributes) read(above);
      if (writableByOthers(folder) && !sticky(above)) {
        throw new UntrustedCacheException(
            "the folder "
                + above
                + " above the worker cache "
                + root
                + " is writable by group or others ("
                + mode(folder)
                + ") and not sticky, so they could replace the cache with their own: run chmod go-w "
                + above
                + ", or "
                + HOW_TO_FIX);
      }
    }
  }

  private static boolean writableByOthers(PosixFileAttributes attributes) {
    Set<PosixFilePermission> permissions = attributes.permissions();
    return permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static String mode(BasicFileAttributes attributes) {
    return PosixFilePermissions.toString(((PosixFileAttributes) attributes).permissions());
  }

  /** The sticky bit, where the file system tells it (the "unix" view); else not sticky. */
  private static boolean sticky(Path folder) throws IOException {
    if (!folder.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return false;
    }
    Object mode = Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return mode instanceof Integer && ((Integer) mode & STICKY) != 0;
  }

  private BasicFileAttributes read(Path path) throws IOException {
    return posix
        ? Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private String userName() {
    return user == null ? "the user" : user.getName();
  }

  private boolean trusted(UserPrincipal owner) {
    return owner.equals(user) || owner.equals(superuser);
  }

  /** The account named root, or null where there is none. */
  private static @Nullable UserPrincipal superuser(Path cache) throws IOException {
    try {
      return cache.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
    } catch (UserPrincipalNotFoundException e) {
      return null;
    }
  }

  /**
   * This JVM's user: the {@code user.name} account, or where that name is unknown (a container
   * running as a uid without a passwd entry) the owner of a file created in the cache folder.
   */
  private static UserPrincipal currentUser(Path cache) throws IOException {
    try {
      return cache
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException e) {
      Path probe = Files.createTempFile(cache, ".owner-", "");
      try {
        return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
      } finally {
        Files.deleteIfExists(probe);
      }
    }
  }
}
