package io.snakebridge.spark.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Maps Spark SQL types to the Arrow types a batch travels as, the same mapping PySpark's Arrow path
 * uses: timestamps are microseconds (with the UTC zone for {@code TimestampType}, none for {@code
 * TimestampNTZType}), dates are days, decimals keep their precision and scale.
 *
 * <p>Stateless and thread-safe.
 */
public final class ArrowSchemas {
  private ArrowSchemas() {}

  /** The Arrow schema of rows of {@code schema}. */
  public static Schema toArrow(StructType schema) {
    List<Field> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(field(f.name(), f.dataType(), f.nullable()));
    }
    return new Schema(fields);
  }

  /** Throws {@link IllegalArgumentException} naming the column when a type cannot travel. */
  public static void check(StructType schema, String what) {
    for (StructField f : schema.fields()) {
      try {
        field(f.name(), f.dataType(), f.nullable());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what + " column '" + f.name() + "': " + e.getMessage(), e);
      }
    }
  }

  static Field field(String name, DataType type, boolean nullable) {
    if (type instanceof ArrayType array) {
      Field element = field("element", array.elementType(), array.containsNull());
      return new Field(
          name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
    }
    if (type instanceof StructType struct) {
      List<Field> children = new ArrayList<>();
      for (StructField f : struct.fields()) {
        children.add(field(f.name(), f.dataType(), f.nullable()));
      }
      return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
    }
    return new Field(name, new FieldType(nullable, scalar(type), null), null);
  }

  private static ArrowType scalar(DataType type) {
    if (type instanceof BooleanType) {
      return ArrowType.Bool.INSTANCE;
    } else if (type instanceof ByteType) {
      return new ArrowType.Int(8, true);
    } else if (type instanceof ShortType) {
      return new ArrowType.Int(16, true);
    } else if (type instanceof IntegerType) {
      return new ArrowType.Int(32, true);
    } else if (type instanceof LongType) {
      return new ArrowType.Int(64, true);
    } else if (type instanceof FloatType) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    } else if (type instanceof DoubleType) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    } else if (type instanceof StringType) {
      return ArrowType.Utf8.INSTANCE;
    } else if (type instanceof BinaryType) {
      return ArrowType.Binary.INSTANCE;
    } else if (type instanceof DateType) {
      return new ArrowType.Date(DateUnit.DAY);
    } else if (type instanceof TimestampType) {
      return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
    } else if (type instanceof TimestampNTZType) {
      return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    } else if (type instanceof DecimalType decimal) {
      return new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
    } else if (type instanceof NullType) {
      return ArrowType.Null.INSTANCE;
    }
    throw new IllegalArgumentException(
        "Spark type "
            + type.simpleString()
            + " cannot travel as Arrow here (supported: numbers, boolean, string, binary, date,"
            + " timestamp, timestamp_ntz, decimal, null, and arrays and structs of these)");
  }
}
