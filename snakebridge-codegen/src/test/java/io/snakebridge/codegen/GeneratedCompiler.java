package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources with javac against the test class path (which holds the core). */
public final class GeneratedCompiler {
  private GeneratedCompiler() {}

  /**
   * Writes {@code sources} below {@code dir}/src and compiles them into {@code dir}/classes with
   * {@code -Xlint:all -Xdoclint:all/protected -Werror}, failing the test with javac's messages.
   */
  public static Path compile(List<GeneratedSource> sources, Path dir) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    java.nio.file.Files.createDirectories(classes);
    List<java.io.File> files = new ArrayList<>();
    for (GeneratedSource s : sources) {
      files.add(s.writeTo(src).toFile());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-Xlint:all",
              "-Xdoclint:all/protected",
              "-Werror",
              "-classpath",
              System.getProperty("java.class.path"),
              "-d",
              classes.toString(),
              "-implicit:none",
              "-proc:none");
      StringWriter out = new StringWriter();
      boolean ok =
          javac
              .getTask(out, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files))
              .call();
      StringBuilder report = new StringBuilder(out.toString());
      int shown = 0;
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (shown++ < 30) {
          report.append(d).append('\n');
        }
      }
      assertTrue(
          ok && diagnostics.getDiagnostics().isEmpty(),
          () -> diagnostics.getDiagnostics().size() + " diagnostics:\n" + report);
    }
    return classes;
  }
}
