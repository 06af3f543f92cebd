package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.Await;
import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyCallable;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's examples with pandas and scikit-learn, with the venv the build makes. */
@ExtendWith(NoLeakedWorkers.class)
class ScienceIT {
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    Optional<Path> science = ItEnvironment.sciencePython();
    assumeTrue(
        science.isPresent(),
        "no Python with pandas and scikit-learn (snakebridge.test.sciencePython)");
    python = ItEnvironment.runtime("science").python(science.get().toString()).poolSize(2).build();
  }

  @AfterAll
  static void stop() {
    if (python != null) {
      python.close();
    }
  }

  @Test
  void aDataFrameStaysInPythonAndItsMethodsRunThere() {
    PyRef df =
        python.callClass("pandas", "DataFrame", List.of(List.of(1, 2, 3)), CallOptions.defaults());
    assertTrue(df.typeName().matches("pandas\\.(core\\.frame\\.)?DataFrame"), df.typeName());
    assertEquals("pandas", df.module());
    PyRef mean = (PyRef) python.callMethod(df, "mean");
    assertTrue(mean.typeName().endsWith(".Series"), mean.typeName());
    assertEquals(List.of(2.0), python.callMethod(mean, "tolist"));
    assertEquals(PyTuple.of(3L, 1L), python.getAttr(df, "shape"));
    assertTrue(df.str().contains("0  1"), df.str());
    assertEquals("PyRef[" + df.typeName() + " " + df.refId() + "]", df.toString());
  }

  @Test
  void aModelFittedInOneThreadPredictsInAnotherThatEntersItsSession() throws Exception {
    SessionOptions shared = SessionOptions.defaults().sessionId("linreg");
    CountDownLatch fitted = new CountDownLatch(1);
    CountDownLatch predicted = new CountDownLatch(1);
    AtomicReference<PyRef> model = new AtomicReference<>();
    AtomicReference<Object> prediction = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread trainer =
        new Thread(
            () ->
                SessionContext.withSession(
                    shared,
                    () -> {
                      PyRef regression =
                          python.callClass(
                              "sklearn.linear_model",
                              "LinearRegression",
                              List.of(),
                              CallOptions.defaults());
                      NdArray x = NdArray.of(new double[] {1, 2, 3, 4}, 4, 1);
                      NdArray y = NdArray.of(new double[] {3, 5, 7, 9}, 4);
                      assertEquals(
                          regression,
                          python.callMethod(regression, "fit", x, y),
                          "fit returns self");
                      model.set(regression);
                      fitted.countDown();
                      await(
                          predicted); // stay inside until the other thread has entered the session
                    }));
    Thread predictor =
        new Thread(
            () -> {
              await(fitted);
              try {
                SessionContext.withSession(
                    shared,
                    () -> {
                      predicted.countDown();
                      prediction.set(
                          python.callMethod(
                              model.get(), "predict", NdArray.of(new double[] {10}, 1, 1)));
                    });
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    trainer.start();
    predictor.start();
    trainer.join();
    predictor.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    NdArray result = (NdArray) prediction.get();
    assertEquals(21.0, ((double[]) result.data())[0], 1e-9);
    // The last owner's leaving releases the session in the background.
    Await.value(
        "the session released when both had left",
        python::sessionStats,
        stats -> !stats.containsKey("linreg"));
  }

  @Test
  void aCallbackRunsForEveryRowOfAPandasApply() {
    PyRef frame =
        python.callClass(
            "pandas",
            "DataFrame",
            List.of(Map.of("a", List.of(1, 2, 3), "b", List.of(10, 20, 30))),
            CallOptions.defaults());
    PyCallable rowSum =
        (args, kwargs) -> {
          PyRef row = (PyRef) args.get(0);
          return ((Number) python.callMethod(row, "sum")).longValue() * 2;
        };
    PyRef doubled =
        (PyRef)
            python.callMethod(
                frame, "apply", List.of(rowSum), CallOptions.defaults().kwarg("axis", 1));
    assertEquals(List.of(22L, 44L, 66L), python.callMethod(doubled, "tolist"));
    Function<Number, Double> half = value -> value.doubleValue() / 2;
    PyRef column = (PyRef) python.call("operator", "getitem", frame, "b");
    PyRef halves =
        (PyRef) python.callMethod(column, "apply", List.of(half), CallOptions.defaults());
    assertArrayEquals(
        new Object[] {5.0, 10.0, 15.0}, ((List<?>) python.callMethod(halves, "tolist")).toArray());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(Await.CEILING.toSeconds(), TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
