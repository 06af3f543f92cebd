package io.snakebridge.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSettingsTest {
  @Test
  void defaultsWhenNothingIsSet() {
    SparkSettings s = SparkSettings.from(Map.of("spark.master", "yarn"));
    assertNull(s.python());
    assertEquals(0, s.poolSize());
    assertEquals(List.of(), s.pythonPath());
    assertEquals(10_000, s.batchSize());
    assertNull(s.lockFile());
    assertNull(s.timeout());
    assertEquals(0, s.localCores());
  }

  @Test
  void everyKeyIsRead() {
    SparkSettings s =
        SparkSettings.from(
            Map.of(
                "spark.snakebridge.python", "venv/bin/python",
                "spark.snakebridge.poolSize", "3",
                "spark.snakebridge.pythonPath", "libs.zip, models ,",
                "spark.snakebridge.batchSize", "500",
                "spark.snakebridge.lockFile", "snakebridge.lock",
                "spark.snakebridge.timeoutSeconds", "600"));
    assertEquals("venv/bin/python", s.python());
    assertEquals(3, s.poolSize());
    assertEquals(List.of("libs.zip", "models"), s.pythonPath());
    assertEquals(500, s.batchSize());
    assertEquals("snakebridge.lock", s.lockFile());
    assertEquals(Duration.ofSeconds(600), s.timeout());
  }

  @Test
  void aBadNumberIsRefusedNamingTheKeyAndValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkSettings.from(Map.of("spark.snakebridge.batchSize", "0")));
    assertEquals(
        "spark.snakebridge.batchSize must be a whole number of at least 1, not '0'",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SparkSettings.from(Map.of("spark.snakebridge.poolSize", "two")));
  }

  @Test
  void localMastersGiveTheirCores() {
    assertEquals(1, SparkSettings.localCores("local"));
    assertEquals(2, SparkSettings.localCores("local[2]"));
    assertEquals(2, SparkSettings.localCores("local[2,4]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), SparkSettings.localCores("local[*]"));
    assertEquals(0, SparkSettings.localCores("spark://host:7077"));
    assertEquals(0, SparkSettings.localCores("local-cluster[2,1,1024]"));
  }

  @Test
  void theBatchSizeAloneNeedsNoNewRuntime() {
    SparkSettings a = SparkSettings.from(Map.of("spark.snakebridge.batchSize", "10"));
    SparkSettings b = SparkSettings.from(Map.of("spark.snakebridge.batchSize", "20"));
    SparkSettings c = SparkSettings.from(Map.of("spark.snakebridge.poolSize", "2"));
    assertTrue(a.sameRuntime(b));
    assertFalse(a.sameRuntime(c));
  }
}
