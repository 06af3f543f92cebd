package io.snakebridge.codegen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The whole path against a real worker: introspect {@code statistics}, {@code math} and the test
 * module {@code sbsample} with a real Python, generate, compile the generated classes together with
 * a user program written against them (no casts, no module name strings), and run it.
 */
class GeneratedCallsIT {
  private static final Path SAMPLE_PYTHON =
      Path.of("src", "test", "resources", "python").toAbsolutePath();

  private static final String PROGRAM =
      String.join(
          "\n",
          "package sample;",
          "",
          "import com.example.py.sbsample.Counter;",
          "import com.example.py.sbsample.Sbsample;",
          "import com.example.py.statistics.NormalDist;",
          "import com.example.py.statistics.Statistics;",
          "import io.snakebridge.SnakeBridgeRuntime;",
          "import java.util.List;",
          "import java.util.function.Function;",
          "",
          "/** Uses generated classes only. */",
          "public final class Program implements Function<SnakeBridgeRuntime, List<Object>> {",
          "  /** Creates the program. */",
          "  public Program() {}",
          "",
          "  @Override",
          "  public List<Object> apply(SnakeBridgeRuntime python) {",
          "    Statistics stats = Statistics.of(python);",
          "    NormalDist dist = NormalDist.create(python, a -> a.mu(10.0).sigma(2.0));",
          "    com.example.py.math.Math math = com.example.py.math.Math.of(python);",
          "    Sbsample sample = Sbsample.of(python);",
          "    Counter counter = Counter.create(python, a -> a.start(10L).step(2L));",
          "    long total = counter.add(a -> a.times(3L)).add().total();",
          "    return List.of(",
          "        stats.mean(List.of(1, 2, 3, 4)),",
          "        dist.cdf(10.0),",
          "        math.perm(5L),",
          "        math.perm(5L, a -> a.k(2L)),",
          "        math.pi(),",
          "        sample.echo(\"x\"),",
          "        sample.echo(\"x\", a -> a.b(5L).d(\"D\").kwarg(\"z\", 3L)),",
          "        sample.sentinel(),",
          "        sample.total(1L, 2L, 3L),",
          "        sample.total(a -> a.scale(10L), 1L, 2L),",
          "        total);",
          "  }",
          "}",
          "");

  @Test
  void generatedClassesCallARealWorker(@TempDir Path tmp) throws Exception {
    Path manifests = tmp.resolve("manifests");
    Introspection.run(
        Introspection.python(), manifests, SAMPLE_PYTHON, "statistics", "math", "sbsample");
    WrapperGenerator generator = new WrapperGenerator("com.example.py");
    List<GeneratedSource> sources = new ArrayList<>();
    for (String module : List.of("statistics", "math", "sbsample")) {
      sources.addAll(generator.generate(manifests.resolve(module + ".json")));
    }
    sources.add(new GeneratedSource("sample.Program", "sample/Program.java", PROGRAM));
    Path classes = GeneratedCompiler.compile(sources, tmp.resolve("build"));

    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        SnakeBridgeRuntime python =
            SnakeBridgeRuntime.builder()
                .name("codegen-it")
                .python(Introspection.python())
                .pythonPath(SAMPLE_PYTHON)
                .environmentVariable("PYTHONDONTWRITEBYTECODE", "1")
                .build()) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, List<Object>> program =
          (Function<SnakeBridgeRuntime, List<Object>>)
              Class.forName("sample.Program", true, loader)
                  .asSubclass(Function.class)
                  .getConstructor()
                  .newInstance();
      List<Object> results = program.apply(python);
      assertEquals(2.5, ((Number) results.get(0)).doubleValue());
      assertEquals(0.5, ((Number) results.get(1)).doubleValue(), 1e-12);
      assertEquals(120L, ((Number) results.get(2)).longValue()); // k not sent
      assertEquals(20L, ((Number) results.get(3)).longValue()); // k by position
      assertEquals(Math.PI, (Double) results.get(4));
      assertEquals(
          List.of("x", 1L, 2L, List.of()).toString(),
          List.of(
                  ((List<?>) results.get(5)).get(0),
                  ((List<?>) results.get(5)).get(1),
                  ((List<?>) results.get(5)).get(2),
                  ((List<?>) results.get(5)).get(4))
              .toString());
      List<?> echoed = (List<?>) results.get(6);
      assertEquals("x", echoed.get(0));
      assertEquals(5L, ((Number) echoed.get(1)).longValue());
      assertEquals("D", echoed.get(3));
      assertEquals("[[z, 3]]", echoed.get(4).toString());
      assertEquals(Boolean.TRUE, results.get(7)); // the sentinel default was not sent back
      assertEquals(6L, ((Number) results.get(8)).longValue());
      assertEquals(30L, ((Number) results.get(9)).longValue());
      assertEquals(10L + 2 * 3 + 2, results.get(10));
    }
  }

  @Test
  void optionalPositionalParametersGoByPositionOrByKeyword(@TempDir Path tmp) throws Exception {
    Path manifests = tmp.resolve("manifests");
    Introspection.run(Introspection.python(), manifests, SAMPLE_PYTHON, "sbsample");
    List<GeneratedSource> sources =
        new ArrayList<>(
            new WrapperGenerator("com.example.py").generate(manifests.resolve("sbsample.json")));
    sources.add(
        new GeneratedSource(
            "sample.Spans",
            "sample/Spans.java",
            String.join(
                "\n",
                "package sample;",
                "",
                "import com.example.py.sbsample.Sbsample;",
                "import io.snakebridge.SnakeBridgeRuntime;",
                "import java.util.List;",
                "import java.util.function.Function;",
                "",
                "/** Optional positional-only and positional-or-keyword parameters. */",
                "public final class Spans implements Function<SnakeBridgeRuntime, List<Object>> {",
                "  /** Creates it. */",
                "  public Spans() {}",
                "",
                "  @Override",
                "  public List<Object> apply(SnakeBridgeRuntime python) {",
                "    Sbsample sample = Sbsample.of(python);",
                "    Object echoed = sample.echo(\"x\", a -> a.c(3L));",
                "    Object both = sample.span(a -> a.lo(1L).hi(2L));",
                "    Object first = sample.span(a -> a.lo(1L));",
                "    try {",
                "      sample.span(a -> a.hi(2L));",
                "      return List.of(echoed, both, first, \"no exception\");",
                "    } catch (IllegalStateException expected) {",
                "      return List.of(echoed, both, first, expected.getMessage());",
                "    }",
                "  }",
                "}",
                "")));
    Path classes = GeneratedCompiler.compile(sources, tmp.resolve("build"));
    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        SnakeBridgeRuntime python =
            SnakeBridgeRuntime.builder()
                .name("codegen-it-positional")
                .python(Introspection.python())
                .pythonPath(SAMPLE_PYTHON)
                .environmentVariable("PYTHONDONTWRITEBYTECODE", "1")
                .build()) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, List<Object>> spans =
          (Function<SnakeBridgeRuntime, List<Object>>)
              Class.forName("sample.Spans", true, loader)
                  .asSubclass(Function.class)
                  .getConstructor()
                  .newInstance();
      List<Object> results = spans.apply(python);
      // c is positional-or-keyword, so it goes by keyword and b keeps its default
      assertEquals("[x, 1, 3, null, []]", results.get(0).toString());
      assertEquals("[1, 2]", results.get(1).toString());
      assertEquals("[1, 10]", results.get(2).toString());
      // hi is positional-only: it cannot be sent without lo before it
      assertEquals("set lo too: Python takes it by position, before the ones set", results.get(3));
    }
  }

  @Test
  void literalOptionsSendTheirPythonStrings(@TempDir Path tmp) throws Exception {
    Path manifests = tmp.resolve("manifests");
    Introspection.run(Introspection.python(), manifests, SAMPLE_PYTHON, "sboptions");
    List<GeneratedSource> sources =
        new ArrayList<>(
            new WrapperGenerator("com.example.py").generate(manifests.resolve("sboptions.json")));
    sources.add(
        new GeneratedSource(
            "sample.Options",
            "sample/Options.java",
            String.join(
                "\n",
                "package sample;",
                "",
                "import com.example.py.sboptions.Sboptions;",
                "import com.example.py.sboptions.Solver;",
                "import io.snakebridge.SnakeBridgeRuntime;",
                "import java.util.List;",
                "import java.util.function.Function;",
                "",
                "/** Enum and String overloads of Literal parameters. */",
                "public final class Options implements Function<SnakeBridgeRuntime, List<Object>> {",
                "  /** Creates it. */",
                "  public Options() {}",
                "",
                "  @Override",
                "  public List<Object> apply(SnakeBridgeRuntime python) {",
                "    Sboptions m = Sboptions.of(python);",
                "    Solver solver = Solver.create(python, a -> a.method(Solver.CreateMethod.NEWTON_CG));",
                "    return List.of(",
                "        m.center(List.of(1, 2, 9), Sboptions.CenterHow.MEDIAN),",
                "        m.center(List.of(1, 2, 9), \"mean\"),",
                "        m.norm(1L, a -> a.kind(Sboptions.NormKind.MAX_ABS)),",
                "        solver.describe(a -> a.style(Solver.DescribeStyle.LONG)),",
                "        solver.describe(a -> a.style(\"short\")));",
                "  }",
                "}",
                "")));
    Path classes = GeneratedCompiler.compile(sources, tmp.resolve("build"));
    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        SnakeBridgeRuntime python =
            SnakeBridgeRuntime.builder()
                .name("codegen-it-options")
                .python(Introspection.python())
                .pythonPath(SAMPLE_PYTHON)
                .environmentVariable("PYTHONDONTWRITEBYTECODE", "1")
                .build()) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, List<Object>> options =
          (Function<SnakeBridgeRuntime, List<Object>>)
              Class.forName("sample.Options", true, loader)
                  .asSubclass(Function.class)
                  .getConstructor()
                  .newInstance();
      List<Object> results = options.apply(python);
      assertEquals(2.0, ((Number) results.get(0)).doubleValue());
      assertEquals(4.0, ((Number) results.get(1)).doubleValue());
      assertEquals("max-abs", results.get(2));
      assertEquals("solver newton-cg", results.get(3));
      assertEquals("newton-cg", results.get(4));
    }
  }
}
