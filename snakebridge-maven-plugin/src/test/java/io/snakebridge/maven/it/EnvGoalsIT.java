package io.snakebridge.maven.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's goals on real projects built by real Maven, with a small pure-Python requirement
 * (tabulate) so that each venv takes seconds. Each test has its own cache unless sharing is the
 * point.
 */
class EnvGoalsIT {
  private static final List<String> TABULATE = List.of("tabulate");
  private static final String MAIN =
      "System.out.println(\"RESULT\\n\" + SnakeBridge.call(\"tabulate\", \"tabulate\","
          + " List.of(List.of(\"x\", 1))));";
  private static final String PRINTED = "x  1";

  @TempDir Path work;

  private SampleProject project(String name, String cache) throws IOException {
    return new SampleProject(work.resolve(name), work.resolve(cache), TABULATE, MAIN);
  }

  @Test
  void firstBuildLocksAndCreatesThenRebuildsAreNoOpsAndCleanKeepsTheVenv() throws Exception {
    SampleProject p = project("first", "cache");
    SampleProject.Build first = p.run("package", "exec:java").ok();
    assertTrue(first.says(PRINTED), first.output());
    assertTrue(first.says("does not exist yet; creating it"), first.output());
    assertTrue(first.says("Creating venv"), first.output());
    String lock = Files.readString(p.lockFile(), StandardCharsets.UTF_8);
    assertTrue(lock.contains("name = \"tabulate\""), lock);
    assertTrue(Pattern.compile("sha256 = \"[0-9a-f]{64}\"").matcher(lock).find(), lock);
    assertTrue(lock.contains("[python]"), lock);
    List<Path> venvs = p.venvs();
    assertEquals(1, venvs.size(), venvs.toString());
    Path marker = venvs.get(0).resolve("snakebridge-env.properties");
    FileTime made = Files.getLastModifiedTime(marker);

    SampleProject.Build again = p.run("package", "exec:java").ok();
    assertTrue(again.says(PRINTED), again.output());
    assertFalse(again.says("Creating venv"), again.output());
    assertFalse(again.says("Resolving"), again.output());
    assertEquals(lock, Files.readString(p.lockFile(), StandardCharsets.UTF_8));
    assertEquals(made, Files.getLastModifiedTime(marker));

    p.run("clean").ok();
    assertTrue(Files.isRegularFile(marker), "mvn clean removed the venv");
    SampleProject.Build afterClean = p.run("package", "exec:java").ok();
    assertTrue(afterClean.says(PRINTED), afterClean.output());
    assertFalse(afterClean.says("Creating venv"), afterClean.output());
    assertEquals(List.of(venvs.get(0)), p.venvs());
    p.run("snakebridge:verify").ok();
  }

  @Test
  void changedRequirementsFailUntilRelocked() throws Exception {
    SampleProject p = project("changed", "cache");
    p.run("process-resources").ok();
    p.writeRequirements(List.of("tabulate", "six"));
    SampleProject.Build stale = p.run("process-resources").failed();
    assertTrue(stale.says("Re-lock with: mvn snakebridge:lock"), stale.output());
    assertFalse(Files.readString(p.lockFile()).contains("\"six\""));

    p.run("snakebridge:lock").ok();
    assertTrue(Files.readString(p.lockFile()).contains("name = \"six\""));
    p.run("process-resources").ok();
  }

  @Test
  void aTamperedHashIsRefused() throws Exception {
    SampleProject p = project("tampered", "cache");
    p.run("snakebridge:lock").ok();
    String lock = Files.readString(p.lockFile(), StandardCharsets.UTF_8);
    Matcher hash = Pattern.compile("sha256 = \"([0-9a-f]{64})\"").matcher(lock);
    assertTrue(hash.find(), lock);
    String real = hash.group(1);
    String wrong = (real.charAt(0) == '0' ? "1" : "0") + real.substring(1);
    Files.writeString(p.lockFile(), lock.replace(real, wrong), StandardCharsets.UTF_8);

    SampleProject.Build refused = p.run("process-resources").failed();
    assertTrue(refused.says("DO NOT MATCH THE HASHES"), refused.output());
    assertEquals(List.of(), p.venvs(), "a half-made venv was left behind");
  }

  @Test
  void aBrokenVenvIsReportedByVerifyAndRebuilt() throws Exception {
    SampleProject p = project("broken", "cache");
    p.run("process-resources").ok();
    Path venv = p.venvs().get(0);
    Path distInfo;
    try (var found =
        Files.find(
            venv,
            5,
            (path, attributes) ->
                path.getFileName().toString().matches("tabulate-.*\\.dist-info"))) {
      distInfo = found.findFirst().orElseThrow();
    }
    try (var files = Files.walk(distInfo)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    }

    SampleProject.Build verify = p.run("snakebridge:verify").failed();
    assertTrue(verify.says("tabulate: locked "), verify.output());
    assertTrue(verify.says("installed nothing"), verify.output());

    SampleProject.Build rebuilt = p.run("process-resources").ok();
    assertTrue(rebuilt.says("Rebuilding"), rebuilt.output());
    p.run("snakebridge:verify").ok();
  }

  @Test
  void twoConcurrentBuildsShareOneVenv() throws Exception {
    SampleProject a = project("concurrent-a", "cache");
    SampleProject b = project("concurrent-b", "cache");
    a.run("snakebridge:lock").ok();
    Files.copy(a.lockFile(), b.lockFile());

    SampleProject.Running ra = a.start("process-resources");
    SampleProject.Running rb = b.start("process-resources");
    SampleProject.Build da = ra.finish().ok();
    SampleProject.Build db = rb.finish().ok();

    List<Path> venvs = a.venvs();
    assertEquals(1, venvs.size(), venvs.toString());
    int created = count(da.output(), "Creating venv") + count(db.output(), "Creating venv");
    assertEquals(1, created, da.output() + "\n----\n" + db.output());
    try (var entries = Files.list(venvs.get(0).getParent())) {
      assertEquals(
          List.of(), entries.filter(e -> e.getFileName().toString().contains(".tmp-")).toList());
    }
  }

  @Test
  void wheelhouseDownloadsEveryLockedFile() throws Exception {
    SampleProject p = project("wheelhouse", "cache");
    p.run("process-resources", "snakebridge:wheelhouse").ok();
    String lock = Files.readString(p.lockFile(), StandardCharsets.UTF_8);
    Matcher file = Pattern.compile("filename = \"([^\"]+)\"").matcher(lock);
    assertTrue(file.find(), lock);
    assertTrue(Files.isRegularFile(p.dir.resolve("target/wheelhouse").resolve(file.group(1))));
  }

  @Test
  void theRuntimeCreatesAMissingVenvUnlessToldNotTo() throws Exception {
    SampleProject p = project("runtime", "cache");
    p.run("package").ok();
    for (Path venv : p.venvs()) {
      try (var files = Files.walk(venv)) {
        files.sorted((x, y) -> y.compareTo(x)).forEach(path -> path.toFile().delete());
      }
    }

    SampleProject.Build refused =
        p.run("exec:java", "-Dsnakebridge.createEnvironment=false").failed();
    assertTrue(refused.says("Create it with: mvn snakebridge:env"), refused.output());

    SampleProject.Build created = p.run("exec:java").ok();
    assertTrue(created.says("creating the managed Python environment"), created.output());
    assertTrue(created.says(PRINTED), created.output());
    assertEquals(1, p.venvs().size());
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }
}
