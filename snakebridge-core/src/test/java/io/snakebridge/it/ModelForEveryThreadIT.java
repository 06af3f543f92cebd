package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's recipe "A model for every request thread", with scikit-learn. */
@ExtendWith(NoLeakedWorkers.class)
class ModelForEveryThreadIT {
  @Test
  @SuppressWarnings("try") // closes the session inside its block to check what closing does
  void aModelFittedInAnOpenSessionServesFourRequestThreads() throws Exception {
    Optional<Path> science = ItEnvironment.sciencePython();
    assumeTrue(
        science.isPresent(),
        "no Python with pandas and scikit-learn (snakebridge.test.sciencePython)");
    PyRef model;
    try (SnakeBridgeRuntime python =
            ItEnvironment.runtime("model-threads")
                .python(science.get().toString())
                .poolSize(2)
                .build();
        SessionContext models =
            SessionContext.open(SessionOptions.defaults().ttl(SessionOptions.NO_TTL))) {
      model =
          models.run(
              () -> {
                PyRef m = python.callClass("sklearn.linear_model", "LinearRegression");
                m.callMethod("fit", List.of(List.of(1.0), List.of(2.0)), List.of(2.0, 4.0));
                return m;
              });
      ExecutorService requests = Executors.newFixedThreadPool(4);
      try {
        List<Future<double[]>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          double x = i;
          answers.add(
              requests.submit(
                  () ->
                      ((NdArray) model.callMethod("predict", List.of(List.of(x))))
                          .asDoubleArray()));
        }
        for (int i = 0; i < 4; i++) {
          assertArrayEquals(new double[] {2.0 * i}, answers.get(i).get(60, TimeUnit.SECONDS), 1e-9);
        }
      } finally {
        requests.shutdown();
        assertTrue(requests.awaitTermination(60, TimeUnit.SECONDS));
      }
      models.close();
      assertThrows(
          ReferenceNotFoundException.class,
          () -> model.callMethod("predict", List.of(List.of(1.0))));
    }
  }
}
