package io.snakebridge.arrow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.PyRef;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.arrow.ArrowFrames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pandas, pyarrow and polars tables to Java and back, against real workers with pyarrow. */
class ArrowFramesIT {
  private static SnakeBridgeRuntime python;

  /** Closing it fails the test when a root's buffers leaked. */
  private BufferAllocator allocator;

  @BeforeAll
  static void start() {
    python = ArrowPython.withPyarrow().build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    allocator.close();
  }

  @Test
  void everyPandasTypeArrivesAsItsArrowJavaVector() {
    PyRef frame = (PyRef) python.call("sbarrow_tables", "every_type");
    try (VectorSchemaRoot root = ArrowFrames.fetch(frame, allocator)) {
      assertEquals(5, root.getRowCount());
      assertEquals(Long.MIN_VALUE, ((BigIntVector) root.getVector("int64")).get(0));
      assertEquals((byte) 4, ((TinyIntVector) root.getVector("int8")).get(4));
      assertEquals(
          new BigInteger("18446744073709551615"),
          ((UInt8Vector) root.getVector("uint64")).getObjectNoOverflow(0));
      for (String name :
          List.of(
              "nullable_int8",
              "nullable_int16",
              "nullable_int32",
              "nullable_int64",
              "nullable_uint8",
              "nullable_uint16",
              "nullable_uint32",
              "nullable_uint64",
              "nullable_float32",
              "utc_us",
              "int_category",
              "date",
              "time",
              "decimal",
              "binary",
              "list",
              "nested",
              "category",
              "duration_ns")) {
        assertTrue(root.getVector(name).isNull(1), name);
        assertEquals(1, root.getVector(name).getNullCount(), name);
      }
      assertEquals(4L, ((UInt4Vector) root.getVector("nullable_uint32")).getObjectNoOverflow(4));
      assertTrue(root.getVector("nullable_bool").isNull(1));
      // pandas' NaN is a missing value to pyarrow; -0.0 and infinities are values.
      Float8Vector float64 = (Float8Vector) root.getVector("float64");
      assertTrue(float64.isNull(0));
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(float64.get(1)));
      assertEquals(Double.POSITIVE_INFINITY, float64.get(2));
      assertEquals("s0 ✓", ((LargeVarCharVector) root.getVector("str")).getObject(0).toString());
      assertTrue(root.getVector("str").isNull(1));
      assertEquals("o2", ((VarCharVector) root.getVector("object_str")).getObject(2).toString());
      assertEquals(
          List.of((byte) 3, (byte) 0, (byte) -1),
          bytes(((VarBinaryVector) root.getVector("binary")).get(3)));

      // 2024-03-31 01:59:59.123456789 in Paris is 00:59:59.123456789 UTC: nanoseconds kept.
      TimeStampNanoTZVector zoned = (TimeStampNanoTZVector) root.getVector("zoned_ns");
      assertEquals("Europe/Paris", zoned.getTimeZone());
      assertEquals(nanos(Instant.parse("2024-03-31T00:59:59.123456789Z")), zoned.get(0));
      assertTrue(zoned.isNull(1));
      assertEquals(
          nanos(Instant.parse("2024-04-02T01:59:59.123456789Z")),
          ((TimeStampNanoVector) root.getVector("naive_ns")).get(2));

      assertEquals(
          (int) LocalDate.of(1, 1, 1).toEpochDay(),
          ((DateDayVector) root.getVector("date")).get(0));
      assertEquals(
          Duration.ofNanos(2_000_000_014),
          ((DurationVector) root.getVector("duration_ns")).getObject(2));
      assertEquals(
          new BigDecimal("-2.002"), ((DecimalVector) root.getVector("decimal")).getObject(2));

      // A categorical arrives as its values, its dictionary kept in the field's metadata.
      FieldVector category = root.getVector("category");
      assertInstanceOf(ArrowType.LargeUtf8.class, category.getField().getType());
      assertEquals("b", category.getObject(0).toString());
      assertTrue(category.getField().getMetadata().containsKey("snakebridge.dictionary"));

      assertEquals(List.of(0L, 1L, 2L), ((ListVector) root.getVector("list")).getObject(3));
      Map<?, ?> nested = ((StructVector) root.getVector("nested")).getObject(2);
      assertEquals(2L, nested.get("id"));
      assertEquals("t2", String.valueOf(((List<?>) nested.get("tags")).get(0)));
      assertEquals(5, ((NullVector) root.getVector("all_null")).getNullCount());
      assertTrue(root.getSchema().getCustomMetadata().containsKey("pandas"));
    }
  }

  @Test
  void everyPandasTypeComesBackAsPyarrowItselfWouldMakeIt() {
    PyRef frame = (PyRef) python.call("sbarrow_tables", "every_type");
    try (VectorSchemaRoot root = ArrowFrames.fetch(frame, allocator)) {
      PyRef back = ArrowFrames.toPandas(python, root);
      assertEquals("pandas.DataFrame", back.typeName());
      Object expected = python.call("sbarrow_tables", "pyarrow_round_trip", frame);
      assertNull(python.call("sbarrow_tables", "difference", expected, back));

      PyRef table = ArrowFrames.toPyArrow(python, root);
      assertEquals("pyarrow.lib.Table", table.typeName());
      Object direct = python.call("sbarrow_tables", "from_pandas", frame);
      assertNull(python.call("sbarrow_tables", "table_difference", direct, table));
    }
  }

  @Test
  void largePyarrowTypesAndRecordBatchesRoundTrip() {
    PyRef table = (PyRef) python.call("sbarrow_tables", "large_types");
    try (VectorSchemaRoot root = ArrowFrames.fetch(table, allocator)) {
      assertEquals(3, root.getRowCount());
      assertInstanceOf(
          ArrowType.LargeUtf8.class, root.getVector("large_string").getField().getType());
      PyRef back = ArrowFrames.toPyArrow(python, root);
      assertNull(python.call("sbarrow_tables", "table_difference", table, back));
    }
    PyRef batch = (PyRef) python.call("sbarrow_tables", "record_batch", table);
    try (VectorSchemaRoot root = ArrowFrames.fetch(batch, allocator)) {
      assertEquals("ls2", root.getVector("large_string").getObject(2).toString());
    }
  }

  @Test
  void polarsDataFrame() {
    assertTrue(
        (Boolean) python.call("sbarrow_tables", "polars_installed"), "the test venv has polars");
    PyRef frame = (PyRef) python.call("sbarrow_tables", "polars_frame");
    try (VectorSchemaRoot root = ArrowFrames.fetch(frame, allocator)) {
      assertEquals(3, root.getRowCount());
      assertEquals(
          Arrays.asList(1L, 2L, null),
          Arrays.asList(
              root.getVector("id").getObject(0),
              root.getVector("id").getObject(1),
              root.getVector("id").getObject(2)));
      assertTrue(root.getVector("name").isNull(1));
      assertEquals("ccc", root.getVector("name").getObject(2).toString());
    }
  }

  @Test
  void aRootMadeInJavaBecomesADataFrame() {
    try (IntVector id = new IntVector("id", allocator);
        VarCharVector name = new VarCharVector("name", allocator)) {
      id.allocateNew(3);
      name.allocateNew(3);
      id.set(0, 7);
      id.setNull(1);
      id.set(2, -1);
      name.setSafe(0, "ä".getBytes(StandardCharsets.UTF_8));
      name.setSafe(1, "b".getBytes(StandardCharsets.UTF_8));
      name.setNull(2);
      VectorSchemaRoot root = VectorSchemaRoot.of(id, name);
      root.setRowCount(3);

      PyRef frame = ArrowFrames.toPandas(python, root);
      Map<?, ?> columns = (Map<?, ?>) python.call("sbarrow_tables", "columns", frame);
      assertEquals(List.of("float64", Arrays.asList(7.0, null, -1.0)), columns.get("id"));
      assertEquals(List.of("str", Arrays.asList("ä", "b", null)), columns.get("name"));
      PyRef table = ArrowFrames.toPyArrow(python, root);
      assertEquals(3L, table.getAttr("num_rows"));
    }
  }

  @Test
  void anEmptyTableKeepsItsSchema() {
    PyRef frame = (PyRef) python.call("sbarrow_tables", "every_type", 0);
    try (VectorSchemaRoot root = ArrowFrames.fetch(frame, allocator)) {
      assertEquals(0, root.getRowCount());
      assertInstanceOf(TimeStampNanoTZVector.class, root.getVector("zoned_ns"));
      PyRef back = ArrowFrames.toPandas(python, root);
      assertEquals(0L, ((List<?>) back.getAttr("shape")).get(0));
    }
  }

  @Test
  void somethingElseIsATypeErrorNamingWhatIsTaken() {
    PyRef notATable = python.callClass("collections", "OrderedDict");
    PythonException e =
        assertThrows(PythonException.class, () -> ArrowFrames.fetch(notATable, allocator));
    assertEquals("builtins.TypeError", e.pythonType());
    assertTrue(e.pythonMessage().contains("pandas or polars DataFrame"), e.getMessage());
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static List<Byte> bytes(byte[] array) {
    Byte[] boxed = new Byte[array.length];
    for (int i = 0; i < array.length; i++) {
      boxed[i] = array[i];
    }
    return List.of(boxed);
  }
}
