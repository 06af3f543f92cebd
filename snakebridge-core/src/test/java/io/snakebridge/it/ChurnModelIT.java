package io.snakebridge.it;

import static io.snakebridge.CallOptions.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.SessionContext;
import io.snakebridge.SessionOptions;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The everyday program the 0.2 API is shaped for, written as a new user would: a 100,000-row CSV
 * read by pandas, columns picked with {@code df[...]}, a scikit-learn model fitted on them, and
 * predictions back as plain Java arrays. Every cast it needs is one of a result whose Python type
 * only the program knows (six in all).
 */
@ExtendWith(NoLeakedWorkers.class)
class ChurnModelIT {
  private static final int ROWS = 100_000;

  @Test
  void csvToPandasToScikitLearnToJavaArrays() throws IOException {
    Optional<Path> science = ItEnvironment.sciencePython();
    assumeTrue(
        science.isPresent(),
        "no Python with pandas and scikit-learn (snakebridge.test.sciencePython)");
    Path csv =
        writeCustomers(ItEnvironment.workDir().resolve("churn-" + System.nanoTime() + ".csv"));

    try (SnakeBridgeRuntime python =
            ItEnvironment.runtime("churn").python(science.get().toString()).build();
        SessionContext session = SessionContext.open(SessionOptions.defaults())) {
      session.run(
          () -> {
            PyRef customers = (PyRef) python.call("pandas", "read_csv", csv.toString());
            PyRef features = (PyRef) customers.getItem(List.of("tenure", "monthly", "calls"));
            PyRef churned = (PyRef) customers.getItem("churned");

            PyRef model =
                python.callClass("sklearn.linear_model", "LogisticRegression", kw("max_iter", 500));
            model.callMethod("fit", features, churned);

            double accuracy = (Double) model.callMethod("score", features, churned);
            double[] predicted = ((NdArray) model.callMethod("predict", features)).asDoubleArray();
            double[][] firstProbabilities =
                ((NdArray) model.callMethod("predict_proba", features.callMethod("head", 3)))
                    .toDoubleMatrix();

            assertEquals(ROWS, predicted.length);
            assertTrue(accuracy > 0.7, "the labels follow the features, accuracy " + accuracy);
            assertEquals(3, firstProbabilities.length);
            for (double[] row : firstProbabilities) {
              assertEquals(1.0, row[0] + row[1], 1e-9);
            }
            long predictedChurners = 0;
            for (double p : predicted) {
              assertTrue(p == 0.0 || p == 1.0, "a class label, got " + p);
              predictedChurners += (long) p;
            }
            assertTrue(
                predictedChurners > 0 && predictedChurners < ROWS,
                "both classes predicted, churners " + predictedChurners);
          });
    }
  }

  /** Customers whose churn depends on short tenure and many support calls, with noise. */
  private static Path writeCustomers(Path csv) throws IOException {
    Files.createDirectories(csv.getParent());
    Random random = new Random(42);
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      out.write("tenure,monthly,calls,churned\n");
      for (int i = 0; i < ROWS; i++) {
        int tenure = random.nextInt(72);
        double monthly = 20 + random.nextDouble() * 100;
        int calls = random.nextInt(10);
        double risk = 1.5 - tenure / 24.0 + calls / 3.0 + random.nextGaussian() * 0.5;
        out.write(
            tenure
                + ","
                + String.format(Locale.ROOT, "%.2f", monthly)
                + ","
                + calls
                + ","
                + (risk > 1.0 ? 1 : 0)
                + "\n");
      }
    }
    return csv;
  }
}
