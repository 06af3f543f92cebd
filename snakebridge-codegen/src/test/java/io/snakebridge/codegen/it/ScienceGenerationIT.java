package io.snakebridge.codegen.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.NdArray;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.codegen.CoverageReport;
import io.snakebridge.codegen.GeneratedCompiler;
import io.snakebridge.codegen.GeneratedModule;
import io.snakebridge.codegen.GeneratedSource;
import io.snakebridge.codegen.Introspection;
import io.snakebridge.codegen.WrapperGenerator;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * numpy, pandas and sklearn.linear_model, introspected in the science venv, generate Java that
 * compiles with {@code -Xlint:all -Xdoclint:all/protected -Werror}, and a program using only the
 * generated classes fits a scikit-learn model on a pandas frame on a real worker.
 */
class ScienceGenerationIT {
  private static final List<String> MODULES = List.of("numpy", "pandas", "sklearn.linear_model");

  private static final String PROGRAM =
      String.join(
          "\n",
          "package sample;",
          "",
          "import com.example.py.numpy.Numpy;",
          "import com.example.py.pandas.DataFrame;",
          "import com.example.py.sklearn.linear_model.LinearRegression;",
          "import io.snakebridge.SnakeBridgeRuntime;",
          "import java.util.List;",
          "import java.util.Map;",
          "import java.util.function.Function;",
          "",
          "/** Uses generated classes only. */",
          "public final class Fit implements Function<SnakeBridgeRuntime, List<Object>> {",
          "  /** Creates the program. */",
          "  public Fit() {}",
          "",
          "  @Override",
          "  public List<Object> apply(SnakeBridgeRuntime python) {",
          "    DataFrame frame = DataFrame.create(python,",
          "        a -> a.data(Map.of(\"x\", List.of(1.0, 2.0, 3.0))));",
          "    LinearRegression model = LinearRegression.create(python, a -> a.fitIntercept(true))",
          "        .fit(frame, List.of(2.0, 4.0, 6.0));",
          "    Object space = Numpy.of(python).linspace(0.0, 1.0, a -> a.num(5L).endpoint(false));",
          "    return List.of(model.coef(), space);",
          "  }",
          "}",
          "");

  @Test
  void generateCompileAndFit(@TempDir Path tmp) throws Exception {
    String python = System.getProperty("snakebridge.test.sciencePython");
    assumeTrue(python != null, "snakebridge.test.sciencePython not set");
    assertTrue(Files.isExecutable(Path.of(python)), python + " does not exist");
    Path manifests = tmp.resolve("manifests");
    long start = System.nanoTime();
    Introspection.run(python, manifests, null, MODULES.toArray(new String[0]));
    long introspected = System.nanoTime();
    WrapperGenerator generator = new WrapperGenerator("com.example.py");
    List<GeneratedSource> sources = new ArrayList<>();
    List<CoverageReport> coverage = new ArrayList<>();
    for (String module : MODULES) {
      GeneratedModule generatedModule =
          generator.generateModule(manifests.resolve(module + ".json"));
      sources.addAll(generatedModule.sources());
      coverage.add(generatedModule.coverage());
    }
    long generated = System.nanoTime();
    System.out.printf(
        "ScienceGenerationIT: introspection %.1f s, generation %.1f s, %d files%n",
        (introspected - start) / 1e9, (generated - introspected) / 1e9, sources.size());
    for (CoverageReport report : coverage) {
      report.writeTo(Path.of("target", "snakebridge"));
      System.out.println("ScienceGenerationIT: " + report);
    }
    sources.add(new GeneratedSource("sample.Fit", "sample/Fit.java", PROGRAM));
    Path classes = GeneratedCompiler.compile(sources, tmp.resolve("build"));

    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        SnakeBridgeRuntime runtime =
            SnakeBridgeRuntime.builder().name("codegen-science-it").python(python).build()) {
      @SuppressWarnings("unchecked")
      Function<SnakeBridgeRuntime, List<Object>> fit =
          (Function<SnakeBridgeRuntime, List<Object>>)
              Class.forName("sample.Fit", true, loader)
                  .asSubclass(Function.class)
                  .getConstructor()
                  .newInstance();
      List<Object> results = fit.apply(runtime);
      assertArrayEquals(new double[] {2.0}, ((NdArray) results.get(0)).asDoubleArray(), 1e-9);
      assertArrayEquals(
          new double[] {0.0, 0.2, 0.4, 0.6, 0.8},
          ((NdArray) results.get(1)).asDoubleArray(),
          1e-12);
    }
  }
}
