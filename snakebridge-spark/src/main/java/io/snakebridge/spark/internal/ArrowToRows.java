package io.snakebridge.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads an Arrow IPC stream whose schema is {@link ArrowSchemas#toArrow} of a Spark schema back
 * into {@link Row}s of external Java values. Dates and timestamps come out as {@code java.time}
 * values or as {@code java.sql} ones, as the session's {@code spark.sql.datetime.java8API.enabled}
 * says, because that is what Spark's row encoder expects.
 *
 * <p>Stateless after construction and thread-safe.
 */
public final class ArrowToRows {
  private final ValueReader[] readers;

  public ArrowToRows(StructType schema, boolean java8Time) {
    StructField[] fields = schema.fields();
    readers = new ValueReader[fields.length];
    for (int i = 0; i < fields.length; i++) {
      readers[i] = reader(fields[i].dataType(), java8Time);
    }
  }

  /** Decodes all batches of the stream into rows. */
  public List<Row> read(byte[] stream, BufferAllocator allocator) {
    List<Row> rows = new ArrayList<>();
    try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream),
        allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      if (root.getFieldVectors().size() != readers.length) {
        throw new IllegalStateException("the answer has " + root.getFieldVectors().size()
            + " columns, the output schema " + readers.length);
      }
      while (reader.loadNextBatch()) {
        List<FieldVector> vectors = root.getFieldVectors();
        int n = root.getRowCount();
        for (int r = 0; r < n; r++) {
          Object[] values = new Object[readers.length];
          for (int c = 0; c < readers.length; c++) {
            values[c] = readers[c].read(vectors.get(c), r);
          }
          rows.add(RowFactory.create(values));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Reads the value at an index of a vector, null for a null. */
  @FunctionalInterface
  interface ValueReader {
    Object read(ValueVector vector, int index);
  }

  static ValueReader reader(DataType type, boolean java8Time) {
    if (type instanceof ArrayType array) {
      ValueReader element = reader(array.elementType(), java8Time);
      return (v, i) -> {
        ListVector list = (ListVector) v;
        if (list.isNull(i)) {
          return null;
        }
        int start = list.getElementStartIndex(i);
        int end = list.getElementEndIndex(i);
        List<Object> items = new ArrayList<>(end - start);
        ValueVector data = list.getDataVector();
        for (int k = start; k < end; k++) {
          items.add(element.read(data, k));
        }
        return JavaValues.seq(items);
      };
    }
    if (type instanceof StructType struct) {
      StructField[] fields = struct.fields();
      ValueReader[] children = new ValueReader[fields.length];
      for (int k = 0; k < fields.length; k++) {
        children[k] = reader(fields[k].dataType(), java8Time);
      }
      return (v, i) -> {
        StructVector vector = (StructVector) v;
        if (vector.isNull(i)) {
          return null;
        }
        Object[] values = new Object[children.length];
        for (int k = 0; k < children.length; k++) {
          values[k] = children[k].read(vector.getChildByOrdinal(k), i);
        }
        return RowFactory.create(values);
      };
    }
    return scalar(type, java8Time);
  }

  private static ValueReader scalar(DataType type, boolean java8Time) {
    return switch (type.typeName()) {
      case "boolean" -> (v, i) -> v.isNull(i) ? null : ((BitVector) v).get(i) != 0;
      case "byte" -> (v, i) -> v.isNull(i) ? null : ((TinyIntVector) v).get(i);
      case "short" -> (v, i) -> v.isNull(i) ? null : ((SmallIntVector) v).get(i);
      case "integer" -> (v, i) -> v.isNull(i) ? null : ((IntVector) v).get(i);
      case "long" -> (v, i) -> v.isNull(i) ? null : ((BigIntVector) v).get(i);
      case "float" -> (v, i) -> v.isNull(i) ? null : ((Float4Vector) v).get(i);
      case "double" -> (v, i) -> v.isNull(i) ? null : ((Float8Vector) v).get(i);
      case "string" -> (v, i) -> v.isNull(i) ? null : ((VarCharVector) v).getObject(i).toString();
      case "binary" -> (v, i) -> v.isNull(i) ? null : ((VarBinaryVector) v).get(i);
      case "date" -> (v, i) -> {
        if (v.isNull(i)) {
          return null;
        }
        LocalDate date = LocalDate.ofEpochDay(((DateDayVector) v).get(i));
        return java8Time ? date : java.sql.Date.valueOf(date);
      };
      case "timestamp" -> (v, i) -> {
        if (v.isNull(i)) {
          return null;
        }
        Instant at = instant(((TimeStampVector) v).get(i));
        return java8Time ? at : java.sql.Timestamp.from(at);
      };
      case "timestamp_ntz" -> (v, i) -> v.isNull(i) ? null
          : LocalDateTime.ofInstant(instant(((TimeStampVector) v).get(i)), ZoneOffset.UTC);
      case "null" -> (v, i) -> null;
      default -> {
        if (type.typeName().startsWith("decimal")) {
          yield (v, i) -> v.isNull(i) ? null : ((DecimalVector) v).getObject(i);
        }
        throw new IllegalArgumentException("no Arrow reader for " + type.simpleString());
      }
    };
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
