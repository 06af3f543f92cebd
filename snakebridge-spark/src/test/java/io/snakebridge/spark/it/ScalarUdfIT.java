package io.snakebridge.spark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The row-at-a-time UDF calls Python once per row and returns the declared Spark type. */
class ScalarUdfIT {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void aTwoArgumentFunctionRunsPerRow() {
    UserDefinedFunction hypot = SnakeBridgeSpark.udf("math", "hypot", 2, DataTypes.DoubleType);
    List<Row> rows =
        spark
            .range(0, 50, 1, 2)
            .withColumn("x", functions.col("id").multiply(3))
            .withColumn("y", functions.col("id").multiply(4))
            .select(functions.col("id"), hypot.apply(functions.col("x"), functions.col("y")))
            .collectAsList();
    assertEquals(50, rows.size());
    for (Row r : rows) {
      assertEquals(r.getLong(0) * 5.0, r.getDouble(1), 1e-9, "row " + r.getLong(0));
    }
  }

  @Test
  void anArrayArgumentArrivesAsAListAndAnIntegerResultAsTheDeclaredType() {
    UserDefinedFunction sum = SnakeBridgeSpark.udf("builtins", "sum", 1, DataTypes.IntegerType);
    Row row =
        spark
            .sql("SELECT array(1, 2, 39) AS xs")
            .select(sum.apply(functions.col("xs")).alias("total"))
            .first();
    assertEquals(42, row.getInt(0));
  }
}
