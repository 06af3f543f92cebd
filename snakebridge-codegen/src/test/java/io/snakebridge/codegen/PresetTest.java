package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PresetTest {
  @Test
  void presetsAreFoundByNameIgnoringCase() {
    assertSame(Preset.SCIKIT_LEARN, Preset.named("Scikit-Learn"));
    assertSame(Preset.SCIKIT_LEARN, Preset.named("sklearn"));
    assertSame(Preset.STDLIB, Preset.named(" stdlib "));
  }

  @Test
  void anUnknownNameListsThePresets() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Preset.named("scipy"));
    assertTrue(
        e.getMessage().contains("numpy, pandas, scikit-learn, stdlib, science"), e.getMessage());
  }

  @Test
  void scienceIsNumpyPandasAndScikitLearn() {
    assertEquals(
        List.of(
            "numpy",
            "pandas",
            "pandas.core.groupby",
            "sklearn.linear_model",
            "sklearn.ensemble",
            "sklearn.preprocessing",
            "sklearn.model_selection",
            "sklearn.metrics"),
        Preset.SCIENCE.modules());
  }

  @Test
  void expandPutsPresetModulesFirstWithoutRepeats() {
    assertEquals(
        List.of("math", "statistics", "json", "re", "datetime", "pathlib", "pricing"),
        Preset.expand(List.of("stdlib"), List.of("json", "pricing", "math")));
    assertEquals(List.of("pricing"), Preset.expand(List.of(), List.of("pricing")));
  }
}
