package io.snakebridge.spark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Every Spark SQL type the Arrow lane carries goes to pandas and back unchanged, nulls too.
 * Integers in a list with nulls become floats in pandas (as in PySpark), so that list holds values
 * a double represents exactly; the list without nulls holds the extremes of a long.
 */
class TypesIT {
  private final SparkSession spark = SharedSpark.session();

  private static final StructType POINT =
      new StructType()
          .add("name", DataTypes.StringType)
          .add("weight", DataTypes.DoubleType)
          .add("tags", DataTypes.createArrayType(DataTypes.StringType));

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("byte", DataTypes.ByteType)
          .add("short", DataTypes.ShortType)
          .add("int", DataTypes.IntegerType)
          .add("long", DataTypes.LongType)
          .add("float", DataTypes.FloatType)
          .add("double", DataTypes.DoubleType)
          .add("bool", DataTypes.BooleanType)
          .add("string", DataTypes.StringType)
          .add("binary", DataTypes.BinaryType)
          .add("date", DataTypes.DateType)
          .add("timestamp", DataTypes.TimestampType)
          .add("decimal", DataTypes.createDecimalType(20, 4))
          .add("longs", DataTypes.createArrayType(DataTypes.LongType))
          .add("exactLongs", DataTypes.createArrayType(DataTypes.LongType, false))
          .add("nested", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
          .add("point", POINT)
          .add("points", DataTypes.createArrayType(POINT));

  private static Row row(int id) {
    Row point = RowFactory.create("p" + id, id * 1.5, Arrays.asList("a", null, "c" + id));
    return RowFactory.create(
        id,
        (byte) (id - 3),
        (short) (id * -300),
        id * 70_000,
        (long) id << 40,
        id / 3f,
        id / 7.0,
        id % 2 == 0,
        "name é 名 " + id,
        ("bytes" + id).getBytes(StandardCharsets.UTF_8),
        Date.valueOf("2024-02-" + (10 + id)),
        Timestamp.from(Instant.parse("2024-03-01T12:34:56.123456Z").plusSeconds(id * 86_401L)),
        new BigDecimal("12345678901234.5678").negate().add(BigDecimal.valueOf(id)),
        Arrays.asList((long) id, null, 1L << 52),
        Arrays.asList(Long.MAX_VALUE, Long.MIN_VALUE, (long) id),
        Arrays.asList(Arrays.asList(1.0, id * 0.5), List.of(), null),
        point,
        Arrays.asList(point, null));
  }

  @Test
  void everyTypeAndNullComesBackUnchanged() {
    List<Row> rows = new ArrayList<>();
    for (int id = 1; id <= 8; id++) {
      rows.add(row(id));
    }
    Object[] nulls = new Object[SCHEMA.fields().length];
    nulls[0] = 0;
    rows.add(RowFactory.create(nulls));
    Dataset<Row> input = spark.createDataFrame(rows, SCHEMA).repartition(2);
    List<Row> back =
        new ArrayList<>(
            SnakeBridgeSpark.mapBatches(input, "sparkfns", "identity", SCHEMA).collectAsList());
    back.sort(Comparator.comparingInt(r -> r.getInt(0)));
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    assertEquals(rows.size(), back.size());
    for (int i = 0; i < rows.size(); i++) {
      Row want = spark.createDataFrame(List.of(rows.get(i)), SCHEMA).first();
      assertEquals(want, back.get(i), "row " + rows.get(i).getInt(0));
    }
  }
}
