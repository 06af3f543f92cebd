package io.snakebridge.it;

import io.snakebridge.SnakeBridgeRuntime;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker contract against a real Python worker. */
@ExtendWith(NoLeakedWorkers.class)
class RealWorkerContractIT extends WorkerContract {
  @Override
  protected SnakeBridgeRuntime newRuntime() {
    return ItEnvironment.runtime("contract").poolSize(1).build();
  }
}
