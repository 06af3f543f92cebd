package io.snakebridge.maven.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pom that declares only the plugin with {@code <goal>env</goal>} and pandas, with no lock file
 * yet, builds with {@code mvn package}, and its program uses pandas through the static facade with
 * no Python configured (no SNAKEBRIDGE_PYTHON, no snakebridge.python).
 */
class PandasIT {
  @TempDir Path work;

  @Test
  void aProgramUsesPandasWithNothingConfigured() throws Exception {
    SampleProject p =
        new SampleProject(
            work.resolve("pandas"),
            work.resolve("cache"),
            List.of("pandas"),
            "PyRef frame = (PyRef) SnakeBridge.call(\"pandas\", \"DataFrame\","
                + " Map.of(\"a\", List.of(1, 2, 3)));"
                + " System.out.println(\"JSON \" + SnakeBridge.callMethod(frame, \"to_json\"));");
    SampleProject.Build build = p.run("package", "exec:java").ok();
    assertTrue(build.says("JSON {\"a\":{\"0\":1,\"1\":2,\"2\":3}}"), build.output());
  }
}
