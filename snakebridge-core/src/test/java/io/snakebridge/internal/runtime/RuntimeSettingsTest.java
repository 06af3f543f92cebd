package io.snakebridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.snakebridge.CallOptions;
import io.snakebridge.PoolOptions;
import org.junit.jupiter.api.Test;

/** Which interpreter each pool runs, and what a missing one's message advises. */
class RuntimeSettingsTest {
  @Test
  void aNamedPoolWithoutItsOwnInterpreterTakesTheBuildersWhereverPythonIsSet() {
    RuntimeSettings settings = new RuntimeSettings();
    settings.pool("side", PoolOptions.builder().size(1).build(), false);
    settings.pool("own", PoolOptions.builder().python("python3.12").build(), true);
    settings.python("/opt/py/bin/python"); // after the pools: still applies to "side"
    RuntimeConfig config = settings.toConfig();
    assertEquals("/opt/py/bin/python", config.pools().get("side").python());
    assertEquals("python3.12", config.pools().get("own").python());
    assertFalse(config.pythonHints().containsKey("side"), "python(...) was given");
  }

  @Test
  void theHintNamesWhatWasNotGiven() {
    RuntimeSettings unset = new RuntimeSettings();
    unset.pool("side", PoolOptions.builder().build(), false);
    RuntimeConfig config = unset.toConfig();
    assertEquals(RuntimeSettings.BUILDER_HINT, config.pythonHints().get(CallOptions.DEFAULT_POOL));
    assertEquals(RuntimeSettings.BUILDER_HINT, config.pythonHints().get("side"));

    RuntimeSettings facade = new RuntimeSettings();
    facade.python("python3");
    facade.pythonHint("name an interpreter with SNAKEBRIDGE_PYTHON");
    assertEquals(
        "name an interpreter with SNAKEBRIDGE_PYTHON",
        facade.toConfig().pythonHints().get(CallOptions.DEFAULT_POOL));

    RuntimeSettings given = new RuntimeSettings();
    given.python("/opt/py/bin/python");
    assertFalse(given.toConfig().pythonHints().containsKey(CallOptions.DEFAULT_POOL));
  }
}
