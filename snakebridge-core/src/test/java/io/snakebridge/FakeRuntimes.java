package io.snakebridge;

import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.runtime.RealRuntime;
import io.snakebridge.internal.runtime.RuntimeSettings;
import io.snakebridge.internal.session.RefFactory;
import io.snakebridge.internal.worker.WorkerSpawner;

/**
 * Public runtimes over fake workers and clocks, for tests in any package: this class sits in {@code
 * io.snakebridge} to reach the package-private constructors a test needs.
 */
@SuppressWarnings("exports") // test code, in this package only to reach its constructors
public final class FakeRuntimes {
  private FakeRuntimes() {}

  /** A runtime with {@code settings}, over {@code spawner}'s workers and {@code ticker}'s time. */
  public static SnakeBridgeRuntime build(
      RuntimeSettings settings, WorkerSpawner spawner, Ticker ticker) {
    return new SnakeBridgeRuntime(settings.toConfig(), spawner, ticker);
  }

  /** The implementation behind a runtime built here. */
  public static RealRuntime delegate(SnakeBridgeRuntime runtime) {
    return runtime.delegate();
  }

  /** Makes {@code PyRef}s with no runtime behind them (their toString never calls Python). */
  public static RefFactory refsWithoutRuntime() {
    return (refId, sessionId, typeName, module, stream) ->
        stream
            ? new StreamRef(refId, sessionId, typeName, module, null)
            : new PyRef(refId, sessionId, typeName, module, null);
  }
}
