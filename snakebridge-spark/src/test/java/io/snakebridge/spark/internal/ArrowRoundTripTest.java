package io.snakebridge.spark.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Internal rows to Arrow IPC and back, without Python: values, nulls, nesting, batch limits. */
class ArrowRoundTripTest {
  private static final StructType INNER =
      new StructType().add("n", DataTypes.IntegerType).add("s", DataTypes.StringType);
  private static final StructType SCHEMA =
      new StructType()
          .add("l", DataTypes.LongType)
          .add("d", DataTypes.DateType)
          .add("t", DataTypes.TimestampType)
          .add("dec", DataTypes.createDecimalType(12, 3))
          .add("bin", DataTypes.BinaryType)
          .add("arr", DataTypes.createArrayType(INNER))
          .add("st", INNER);

  private static InternalRow inner(int n, String s) {
    return new GenericInternalRow(new Object[] {n, UTF8String.fromString(s)});
  }

  @Test
  void rowsComeBackWithTheirValuesAndNulls() {
    List<InternalRow> rows =
        List.of(
            new GenericInternalRow(
                new Object[] {
                  -1L,
                  -1,
                  -1L,
                  Decimal.apply(new BigDecimal("-123456789.125")),
                  new byte[] {0, -1},
                  new GenericArrayData(new Object[] {inner(7, "x"), null}),
                  inner(8, "é")
                }),
            new GenericInternalRow(new Object[7]));
    try (BufferAllocator allocator = new RootAllocator();
        ArrowBatchWriter writer = new ArrowBatchWriter(SCHEMA, allocator)) {
      byte[] stream = writer.write(rows.iterator(), 100);
      assertEquals(2, writer.rowCount());
      try (ArrowBatchReader reader = new ArrowBatchReader(stream, allocator, 7)) {
        InternalRow r = reader.next();
        assertEquals(-1L, r.getLong(0));
        assertEquals(-1, r.getInt(1));
        assertEquals(-1L, r.getLong(2));
        assertEquals(new BigDecimal("-123456789.125"), r.getDecimal(3, 12, 3).toJavaBigDecimal());
        assertArrayEquals(new byte[] {0, -1}, r.getBinary(4));
        ArrayData arr = r.getArray(5);
        assertEquals(2, arr.numElements());
        assertEquals(7, arr.getStruct(0, 2).getInt(0));
        assertEquals("x", arr.getStruct(0, 2).getUTF8String(1).toString());
        assertTrue(arr.isNullAt(1));
        assertEquals("é", r.getStruct(6, 2).getUTF8String(1).toString());
        InternalRow nulls = reader.next();
        for (int i = 0; i < 7; i++) {
          assertTrue(nulls.isNullAt(i), "column " + i + " of the null row");
        }
        assertFalse(reader.hasNext());
      }
    }
  }

  @Test
  void aBatchTakesAtMostItsSizeAndLeavesTheRest() {
    StructType schema = new StructType().add("i", DataTypes.IntegerType);
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(new GenericInternalRow(new Object[] {i}));
    }
    Iterator<InternalRow> input = rows.iterator();
    List<Integer> seen = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowBatchWriter writer = new ArrowBatchWriter(schema, allocator)) {
      while (input.hasNext()) {
        byte[] stream = writer.write(input, 2);
        try (ArrowBatchReader reader = new ArrowBatchReader(stream, allocator, 1)) {
          reader.forEachRemaining(r -> seen.add(r.getInt(0)));
        }
      }
    }
    assertEquals(List.of(0, 1, 2, 3, 4), seen);
  }

  @Test
  void aTypeThatCannotTravelIsNamedWithItsColumn() {
    StructType schema =
        new StructType()
            .add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ArrowSchemas.check(schema, "input"));
    assertTrue(
        e.getMessage().startsWith("input column 'm': Spark type map<string,int> cannot"),
        e.getMessage());
  }
}
