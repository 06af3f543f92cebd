package io.snakebridge.cli;

import io.snakebridge.codegen.Preset;
import io.snakebridge.codegen.StrictModeException;
import io.snakebridge.codegen.StrictPolicy;
import io.snakebridge.codegen.WrapperBuild;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code snakebridge generate}: the Maven goal {@code generate} for builds that are not Maven.
 * Generates typed Java wrappers for the Python modules named as operands with the interpreter of
 * {@code --python} (a venv's, to describe its packages), incrementally, as {@link WrapperBuild}
 * does. Its options are parsed here, apart from {@link CommandLine}, whose options are those of
 * commands that run Python through a worker.
 */
final class GenerateCommand {
  static final String USAGE =
      "       snakebridge generate <module>... --base-package <pkg> [--preset name]... [--python exe]\n"
          + "                        [--python-sources dir] [--output dir] [--reports dir]\n"
          + "                        [--minimum-signature-source s] [--maximum-untyped-share x]";

  static final String HELP =
      "Options of generate (e.g. snakebridge generate numpy statistics --base-package com.ex.py):\n"
          + "  --base-package <pkg>  the Java package the module packages go below (required)\n"
          + "  --preset <name>       also generate a curated list, repeatable: numpy, pandas,\n"
          + "                        scikit-learn, stdlib (math statistics json re datetime\n"
          + "                        pathlib), science (numpy, pandas and scikit-learn)\n"
          + "  --python <exe>        the interpreter whose modules are described; default:\n"
          + "                        $SNAKEBRIDGE_PYTHON, then python3 on PATH\n"
          + "  --python-sources <d>  the project's own Python modules (default src/main/python)\n"
          + "  --output <dir>        the Java sources, a folder of their own: other files in it are\n"
          + "                        deleted (default build/generated-sources/snakebridge)\n"
          + "  --reports <dir>       coverage reports, manifests, state (default build/snakebridge)\n"
          + "  --minimum-signature-source <s>  strict: signature, docstring, text_signature or none\n"
          + "  --maximum-untyped-share <x>     strict: most untyped parameters per module, 0 to 1\n"
          + "  An unchanged build regenerates nothing. Exit status 1 when introspection fails or\n"
          + "  strict mode refuses a module (each offender is listed on stderr).\n";

  private GenerateCommand() {}

  /** Runs {@code snakebridge generate <args>}; returns the exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    WrapperBuild build;
    try {
      build = parse(args);
    } catch (UsageException | IllegalArgumentException | NullPointerException e) {
      err.println("snakebridge generate: " + e.getMessage());
      err.println("usage:" + USAGE.substring("      ".length()));
      return Main.USAGE;
    }
    try {
      build.run(out::println);
      return Main.OK;
    } catch (StrictModeException | IOException e) {
      err.println("snakebridge generate: " + e.getMessage());
      return Main.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("snakebridge generate: interrupted");
      return Main.FAILED;
    }
  }

  static WrapperBuild parse(List<String> args) throws UsageException {
    List<String> modules = new ArrayList<>();
    List<String> presets = new ArrayList<>();
    String basePackage = null;
    String python = null;
    Path sources = Path.of("src", "main", "python");
    Path output = Path.of("build", "generated-sources", "snakebridge");
    Path reports = Path.of("build", "snakebridge");
    StrictPolicy policy = StrictPolicy.lenient();
    for (int i = 0; i < args.size(); i++) {
      String word = args.get(i);
      if (!word.startsWith("--")) {
        modules.add(word);
        continue;
      }
      String name = word;
      String value;
      int eq = word.indexOf('=');
      if (eq > 0) {
        name = word.substring(0, eq);
        value = word.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException(word + " needs a value");
      }
      switch (name) {
        case "--base-package" -> basePackage = value;
        case "--preset" -> presets.add(value);
        case "--python" -> python = value;
        case "--python-sources" -> sources = Path.of(value);
        case "--output" -> output = Path.of(value);
        case "--reports" -> reports = Path.of(value);
        case "--minimum-signature-source" ->
            policy = policy.minimumSignatureSource(signatureSource(value));
        case "--maximum-untyped-share" -> policy = policy.maximumUntypedShare(share(value));
        default -> throw new UsageException("unknown option " + name + " for generate");
      }
    }
    modules = Preset.expand(presets, modules);
    if (modules.isEmpty()) {
      throw new UsageException("name at least one Python module (or --preset) to generate");
    }
    if (basePackage == null) {
      throw new UsageException("--base-package is required, e.g. --base-package com.example.py");
    }
    return WrapperBuild.builder()
        .python(python != null ? python : defaultPython())
        .modules(modules)
        .basePackage(basePackage)
        .pythonSources(sources)
        .outputDirectory(output)
        .reportDirectory(reports)
        .policy(policy)
        .build();
  }

  private static StrictPolicy.SignatureSource signatureSource(String value) throws UsageException {
    try {
      return StrictPolicy.SignatureSource.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--minimum-signature-source is one of signature, docstring,"
              + " text_signature, none: "
              + value);
    }
  }

  private static double share(String value) throws UsageException {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--maximum-untyped-share is a number within 0 and 1: " + value);
    }
  }

  private static String defaultPython() {
    String fromEnvironment = System.getenv("SNAKEBRIDGE_PYTHON");
    return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : "python3";
  }
}
