package io.snakebridge.codegen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.codegen.GeneratedCompiler;
import io.snakebridge.codegen.GeneratedSource;
import io.snakebridge.codegen.Introspection;
import io.snakebridge.codegen.WrapperGenerator;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generator function gets a {@code <name>Stream} method returning a {@code PyStream} of its
 * items, with the same parameters as the function's own method; a plain function gets none.
 */
class GeneratedStreamsIT {
  private static final Path SAMPLE_PYTHON =
      Path.of("src", "test", "resources", "python").toAbsolutePath();

  private static final String PROGRAM =
      String.join(
          "\n",
          "package sample;",
          "",
          "import com.example.py.sbstream.Sbstream;",
          "import io.snakebridge.PyStream;",
          "import io.snakebridge.SnakeBridgeRuntime;",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "import java.util.function.Function;",
          "",
          "/** Streams through generated methods only. */",
          "public final class Streams implements Function<SnakeBridgeRuntime, List<Object>> {",
          "  /** Creates the program. */",
          "  public Streams() {}",
          "",
          "  @Override",
          "  public List<Object> apply(SnakeBridgeRuntime python) {",
          "    Sbstream module = Sbstream.of(python);",
          "    List<Object> out = new ArrayList<>();",
          "    try (PyStream numbers = module.countUpStream(4L, a -> a.step(10L))) {",
          "      numbers.forEachRemaining(out::add);",
          "    }",
          "    try (PyStream words = module.wordsStream(a -> a.upper(true), \"ab\", \"c\")) {",
          "      words.forEachRemaining(out::add);",
          "    }",
          "    try (PyStream plain = module.countUpStream(2L)) {",
          "      plain.forEachRemaining(out::add);",
          "    }",
          "    return out;",
          "  }",
          "}",
          "");

  @Test
  void generatorFunctionsStreamTheirItems(@TempDir Path tmp) throws Exception {
    Path manifests = tmp.resolve("manifests");
    Introspection.run(Introspection.python(), manifests, SAMPLE_PYTHON, "sbstream");
    List<GeneratedSource> sources =
        new ArrayList<>(
            new WrapperGenerator("com.example.py").generate(manifests.resolve("sbstream.json")));
    String module = sources.get(0).content();
    assertTrue(module.contains("public PyStream countUpStream(long n)"), module);
    assertFalse(module.contains("totalStream"), "a plain function has no streaming method");
    sources.add(new GeneratedSource("sample.Streams", "sample/Streams.java", PROGRAM));
    Path classes = GeneratedCompiler.compile(sources, tmp.resolve("build"));

    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        SnakeBridgeRuntime python =
            SnakeBridgeRuntime.builder()
                .name("codegen-streams-it")
                .python(Introspection.python())
                .pythonPath(SAMPLE_PYTHON)
                .environmentVariable("PYTHONDONTWRITEBYTECODE", "1")
                .build()) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, List<Object>> program =
          (Function<SnakeBridgeRuntime, List<Object>>)
              Class.forName("sample.Streams", true, loader)
                  .asSubclass(Function.class)
                  .getConstructor()
                  .newInstance();
      assertEquals(List.of(0L, 10L, 20L, 30L, "AB", "C", 0L, 1L), program.apply(python));
    }
  }
}
