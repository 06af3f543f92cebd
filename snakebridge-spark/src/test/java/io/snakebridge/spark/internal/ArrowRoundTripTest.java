package io.snakebridge.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Rows to Arrow IPC and back, without Spark or Python: values, nulls, nesting, time types. */
class ArrowRoundTripTest {
  private static final StructType INNER = new StructType().add("n", DataTypes.IntegerType)
      .add("s", DataTypes.StringType);
  private static final StructType SCHEMA = new StructType()
      .add("l", DataTypes.LongType)
      .add("d", DataTypes.DateType)
      .add("t", DataTypes.TimestampType)
      .add("dec", DataTypes.createDecimalType(12, 3))
      .add("bin", DataTypes.BinaryType)
      .add("arr", DataTypes.createArrayType(INNER))
      .add("st", INNER);

  @Test
  void rowsComeBackEqual() {
    Row inner = RowFactory.create(7, "x");
    List<Row> rows = List.of(
        RowFactory.create(-1L, Date.valueOf("1969-12-31"),
            Timestamp.from(Instant.parse("1969-12-31T23:59:59.999999Z")),
            new BigDecimal("-123456789.125"), new byte[] {0, -1},
            JavaValues.seq(Arrays.asList(inner, null)), inner),
        RowFactory.create(null, null, null, null, null, null, null));
    try (BufferAllocator allocator = new RootAllocator();
        RowsToArrow writer = new RowsToArrow(SCHEMA, allocator)) {
      byte[] stream = writer.write(rows);
      List<Row> back = new ArrowToRows(SCHEMA, false).read(stream, allocator);
      assertEquals(rows, back);
    }
  }

  @Test
  void java8TimeGivesJavaTimeValues() {
    StructType schema = new StructType().add("d", DataTypes.DateType)
        .add("t", DataTypes.TimestampType);
    Instant at = Instant.parse("2024-02-29T01:02:03.456789Z");
    List<Row> rows = List.of(RowFactory.create(LocalDate.of(2024, 2, 29), at));
    try (BufferAllocator allocator = new RootAllocator();
        RowsToArrow writer = new RowsToArrow(schema, allocator)) {
      Row back = new ArrowToRows(schema, true).read(writer.write(rows), allocator).get(0);
      assertEquals(LocalDate.of(2024, 2, 29), back.get(0));
      assertEquals(at, back.get(1));
    }
  }

  @Test
  void aTypeThatCannotTravelIsNamedWithItsColumn() {
    StructType schema = new StructType().add("m",
        DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArrowSchemas.check(schema, "input"));
    assertTrue(e.getMessage().startsWith("input column 'm': Spark type map<string,int> cannot"),
        e.getMessage());
  }
}
