package demo;

import io.snakebridge.NdArray;
import io.snakebridge.PyRef;
import io.snakebridge.SnakeBridgeRuntime;
import java.util.List;
import java.util.Map;

/**
 * Sums a small table by city with pandas and fits a line to it with scikit-learn. No Python is
 * configured: the runtime finds the venv the build made for the requirements in pom.xml. It is
 * closed at the end, so that no worker outlives the program (exec:java waits for the threads of
 * a runtime left open, the static facade's included, until the JVM exits).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    try (SnakeBridgeRuntime python = SnakeBridgeRuntime.builder().build()) {
      PyRef sales = (PyRef) python.call("pandas", "DataFrame", Map.of(
          "city", List.of("Oslo", "Lima", "Oslo", "Lima", "Pune"),
          "units", List.of(3, 5, 7, 1, 4),
          "price", List.of(4.0, 3.0, 2.0, 5.0, 3.5)));
      PyRef byCity = (PyRef) sales.callMethod("groupby", "city");
      PyRef units = (PyRef) ((PyRef) byCity.getItem("units")).callMethod("sum");
      System.out.println("units by city: " + units.callMethod("to_dict"));

      PyRef model = python.callClass("sklearn.linear_model", "LinearRegression");
      model.callMethod("fit", sales.getItem(List.of("units")), sales.getItem("price"));
      double[] slope = ((NdArray) model.getAttr("coef_")).asDoubleArray();
      System.out.printf("price change per extra unit: %.3f%n", slope[0]);
      System.out.println("pandas " + python.getModuleAttr("pandas", "__version__"));
    }
  }
}
