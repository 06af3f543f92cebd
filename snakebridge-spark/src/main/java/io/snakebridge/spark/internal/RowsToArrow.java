package io.snakebridge.spark.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes Spark {@link Row}s (external Java values, as {@code mapPartitions} hands them out) into
 * Arrow vectors and serializes them as one Arrow IPC stream.
 *
 * <p>Not thread-safe: one instance per task; {@link #close()} frees its vectors.
 */
public final class RowsToArrow implements AutoCloseable {
  private final StructType schema;
  private final VectorSchemaRoot root;
  private final ValueWriter[] writers;

  public RowsToArrow(StructType schema, BufferAllocator allocator) {
    this.schema = schema;
    Schema arrow = ArrowSchemas.toArrow(schema);
    this.root = VectorSchemaRoot.create(arrow, allocator);
    StructField[] fields = schema.fields();
    this.writers = new ValueWriter[fields.length];
    for (int i = 0; i < fields.length; i++) {
      writers[i] = writer(fields[i].dataType());
    }
  }

  /** Returns the rows as Arrow IPC stream bytes (one record batch). */
  public byte[] write(List<Row> rows) {
    root.clear();
    root.allocateNew();
    List<FieldVector> vectors = root.getFieldVectors();
    int n = rows.size();
    for (int r = 0; r < n; r++) {
      Row row = rows.get(r);
      for (int c = 0; c < writers.length; c++) {
        writers[c].write(vectors.get(c), r, row.isNullAt(c) ? null : row.get(c));
      }
    }
    root.setRowCount(n);
    return serialize(root);
  }

  /** The bytes of an IPC stream holding {@code schema} and no batches. */
  public static byte[] schemaOnly(StructType schema, BufferAllocator allocator) {
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArrowStreamWriter writer = new ArrowStreamWriter(empty, null, Channels.newChannel(out))) {
        writer.start();
        writer.end();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  private static byte[] serialize(VectorSchemaRoot root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(
        (int) Math.min(Integer.MAX_VALUE - 8, 1024L + bufferBytes(root)));
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static long bufferBytes(VectorSchemaRoot root) {
    long total = 0;
    for (FieldVector v : root.getFieldVectors()) {
      total += v.getBufferSize();
    }
    return total;
  }

  public StructType schema() {
    return schema;
  }

  @Override
  public void close() {
    root.close();
  }

  /** Writes one value (null for a null) at an index of a vector. */
  @FunctionalInterface
  interface ValueWriter {
    void write(FieldVector vector, int index, Object value);
  }

  static ValueWriter writer(DataType type) {
    if (type instanceof ArrayType array) {
      ValueWriter element = writer(array.elementType());
      return (v, i, value) -> {
        ListVector list = (ListVector) v;
        if (value == null) {
          list.setNull(i);
          return;
        }
        List<?> items = JavaValues.list(value);
        int start = list.startNewValue(i);
        FieldVector data = (FieldVector) list.getDataVector();
        for (int k = 0; k < items.size(); k++) {
          element.write(data, start + k, items.get(k));
        }
        list.endValue(i, items.size());
      };
    }
    if (type instanceof StructType struct) {
      StructField[] fields = struct.fields();
      ValueWriter[] children = new ValueWriter[fields.length];
      for (int k = 0; k < fields.length; k++) {
        children[k] = writer(fields[k].dataType());
      }
      return (v, i, value) -> {
        StructVector vector = (StructVector) v;
        if (value == null) {
          vector.setNull(i);
          for (int k = 0; k < children.length; k++) {
            children[k].write((FieldVector) vector.getChildByOrdinal(k), i, null);
          }
          return;
        }
        Row row = (Row) value;
        vector.setIndexDefined(i);
        for (int k = 0; k < children.length; k++) {
          children[k].write((FieldVector) vector.getChildByOrdinal(k), i,
              row.isNullAt(k) ? null : row.get(k));
        }
      };
    }
    return scalar(type);
  }

  private static ValueWriter scalar(DataType type) {
    return switch (type.typeName()) {
      case "boolean" -> (v, i, value) -> {
        if (value == null) ((BitVector) v).setNull(i);
        else ((BitVector) v).setSafe(i, (Boolean) value ? 1 : 0);
      };
      case "byte" -> (v, i, value) -> {
        if (value == null) ((TinyIntVector) v).setNull(i);
        else ((TinyIntVector) v).setSafe(i, (Byte) value);
      };
      case "short" -> (v, i, value) -> {
        if (value == null) ((SmallIntVector) v).setNull(i);
        else ((SmallIntVector) v).setSafe(i, (Short) value);
      };
      case "integer" -> (v, i, value) -> {
        if (value == null) ((IntVector) v).setNull(i);
        else ((IntVector) v).setSafe(i, (Integer) value);
      };
      case "long" -> (v, i, value) -> {
        if (value == null) ((BigIntVector) v).setNull(i);
        else ((BigIntVector) v).setSafe(i, (Long) value);
      };
      case "float" -> (v, i, value) -> {
        if (value == null) ((Float4Vector) v).setNull(i);
        else ((Float4Vector) v).setSafe(i, (Float) value);
      };
      case "double" -> (v, i, value) -> {
        if (value == null) ((Float8Vector) v).setNull(i);
        else ((Float8Vector) v).setSafe(i, (Double) value);
      };
      case "string" -> (v, i, value) -> {
        if (value == null) ((VarCharVector) v).setNull(i);
        else ((VarCharVector) v).setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
      };
      case "binary" -> (v, i, value) -> {
        if (value == null) ((VarBinaryVector) v).setNull(i);
        else ((VarBinaryVector) v).setSafe(i, (byte[]) value);
      };
      case "date" -> (v, i, value) -> {
        if (value == null) ((DateDayVector) v).setNull(i);
        else ((DateDayVector) v).setSafe(i, Math.toIntExact(epochDay(value)));
      };
      case "timestamp" -> (v, i, value) -> {
        if (value == null) ((TimeStampVector) v).setNull(i);
        else ((TimeStampVector) v).setSafe(i, micros(value));
      };
      case "timestamp_ntz" -> (v, i, value) -> {
        if (value == null) ((TimeStampVector) v).setNull(i);
        else ((TimeStampVector) v).setSafe(i,
            micros(((LocalDateTime) value).toInstant(ZoneOffset.UTC)));
      };
      case "null" -> (v, i, value) -> { };
      default -> {
        if (type.typeName().startsWith("decimal")) {
          int scale = ((org.apache.spark.sql.types.DecimalType) type).scale();
          yield (v, i, value) -> {
            if (value == null) ((DecimalVector) v).setNull(i);
            else ((DecimalVector) v).setSafe(i, decimal(value, scale));
          };
        }
        throw new IllegalArgumentException("no Arrow writer for " + type.simpleString());
      }
    };
  }

  private static long epochDay(Object value) {
    if (value instanceof LocalDate date) {
      return date.toEpochDay();
    }
    return ((java.sql.Date) value).toLocalDate().toEpochDay();
  }

  private static long micros(Object value) {
    Instant instant = value instanceof Instant at ? at : ((java.sql.Timestamp) value).toInstant();
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
        instant.getNano() / 1_000);
  }

  private static BigDecimal decimal(Object value, int scale) {
    BigDecimal d = value instanceof BigDecimal big ? big
        : ((scala.math.BigDecimal) value).bigDecimal();
    return d.setScale(scale, RoundingMode.UNNECESSARY);
  }
}
