package io.snakebridge.codegen.internal;

import io.snakebridge.codegen.StrictPolicy;
import io.snakebridge.codegen.WrapperGenerator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The hash of everything a wrapper build's output depends on. Equal keys mean equal output, so a
 * build whose key did not change has nothing to do.
 *
 * <p>Parts: the interpreter as it describes itself (real path, version, every installed
 * distribution with its version: a re-locked venv or an upgraded package changes it); the generator
 * (the bytes of the jar, or of the class folder, this class is loaded from, so a new generator
 * regenerates even under one SNAPSHOT version); the modules in order, the base package, the strict
 * policy; the path and bytes of every file under the project's Python sources but {@code
 * __pycache__}.
 */
public final class BuildKey {
  /** Printed by the interpreter; stdlib only, Python 3.9+. */
  static final String FINGERPRINT =
      String.join(
          "\n",
          "import os, sys",
          "from importlib import metadata",
          "print(os.path.realpath(sys.executable))",
          "print(sys.version)",
          "print(sys.prefix)",
          "dists = set()",
          "for d in metadata.distributions():",
          "    dists.add(str(d.metadata['Name']) + '==' + str(d.version))",
          "for line in sorted(dists):",
          "    print(line)");

  private final String python;
  private final @Nullable String interpreterFingerprint;
  private final List<String> modules;
  private final String basePackage;
  private final @Nullable Path pythonSources;
  private final StrictPolicy policy;

  /**
   * A key for these settings; {@code pythonSources} may be null, and so may {@code
   * interpreterFingerprint}, in which case the interpreter is asked to describe itself.
   */
  public BuildKey(
      String python,
      @Nullable String interpreterFingerprint,
      List<String> modules,
      String basePackage,
      @Nullable Path pythonSources,
      StrictPolicy policy) {
    this.python = python;
    this.interpreterFingerprint = interpreterFingerprint;
    this.modules = List.copyOf(modules);
    this.basePackage = basePackage;
    this.pythonSources = pythonSources;
    this.policy = policy;
  }

  /**
   * Computes the key; runs the interpreter once when no fingerprint was given.
   *
   * @throws IOException when the interpreter fails or a file cannot be read
   */
  public String compute() throws IOException, InterruptedException {
    MessageDigest digest = sha256();
    update(digest, "snakebridge-generate/1");
    update(digest, python);
    update(
        digest,
        interpreterFingerprint != null
            ? interpreterFingerprint
            : Introspector.runForOutput(List.of(python, "-c", FINGERPRINT)));
    update(digest, "generator " + generatorHash());
    update(digest, "modules " + String.join(",", modules));
    update(digest, "package " + basePackage);
    update(digest, "policy " + policy);
    if (pythonSources != null) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(pythonSources)) {
        files =
            walk.filter(Files::isRegularFile)
                .filter(p -> !p.toString().contains("__pycache__"))
                .sorted()
                .toList();
      }
      for (Path file : files) {
        update(digest, "source " + pythonSources.relativize(file).toString().replace('\\', '/'));
        digest.update(Files.readAllBytes(file));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String generatorHash() throws IOException {
    CodeSource source = WrapperGenerator.class.getProtectionDomain().getCodeSource();
    MessageDigest digest = sha256();
    update(digest, WrapperGenerator.introspectionProgram());
    if (source != null
        && source.getLocation() != null
        && "file".equals(source.getLocation().getProtocol())) {
      Path location;
      try {
        location = Path.of(source.getLocation().toURI());
      } catch (URISyntaxException e) {
        throw new IOException("cannot read the generator's location " + source.getLocation(), e);
      }
      if (Files.isRegularFile(location)) {
        digest.update(Files.readAllBytes(location));
      } else if (Files.isDirectory(location)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(location)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
          update(digest, location.relativize(file).toString());
          digest.update(Files.readAllBytes(file));
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
