package io.snakebridge.internal.worker;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** A class loader whose resources hold a two-module worker package, laid out as the jar is. */
final class ShippedPackage {
  static final String INIT = "snakebridge_worker/__init__.py";
  static final String SERVER = "snakebridge_worker/server.py";

  private ShippedPackage() {}

  /** Writes the package under {@code root} and returns a loader for it. */
  static ClassLoader loader(Path root, String serverText) throws IOException {
    Path resources = root.resolve("META-INF/snakebridge-worker");
    Files.createDirectories(resources.resolve("snakebridge_worker"));
    Files.writeString(resources.resolve("files.txt"), INIT + "\n" + SERVER + "\n\n");
    Files.writeString(resources.resolve(INIT), "");
    Files.writeString(resources.resolve(SERVER), serverText);
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
  }
}
