package demo;

import com.example.py.pandas.DataFrame;
import com.example.py.sklearn.linear_model.LinearRegression;
import java.util.List;
import java.util.Map;

public final class Fit {
  public static void main(String[] args) {
    DataFrame houses = DataFrame.create(a -> a.data(Map.of(
        "rooms", List.of(2.0, 3.0, 4.0, 5.0),
        "age", List.of(30.0, 20.0, 10.0, 5.0))));
    List<Double> price = List.of(200.0, 310.0, 420.0, 525.0);

    LinearRegression model = LinearRegression.create(a -> a.fitIntercept(true))
        .fit(houses, price);

    System.out.println(String.format("R2 %.3f with %d features",
        model.score(houses, price), model.nFeaturesIn()));
  }
}
