package io.snakebridge.spark.internal;

import io.snakebridge.PyNone;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataType;
import org.jspecify.annotations.Nullable;

/**
 * A Spark UDF that calls {@code module.function(*values)} once per row on the executor's runtime:
 * the slow path, one round trip per row, for simple scalar functions. Arguments arrive as Spark's
 * external values (arrays as lists); the result is converted to the declared type's Java class when
 * it is a number.
 *
 * <p>Immutable and serializable; thread-safe.
 */
public final class ScalarUdf
    implements UDF1<Object, Object>,
        UDF2<Object, Object, Object>,
        UDF3<Object, Object, Object, Object>,
        UDF4<Object, Object, Object, Object, Object> {
  private static final long serialVersionUID = 1L;

  private final String module;
  private final String function;
  private final DataType returnType;
  private final SparkSettings settings;

  public ScalarUdf(String module, String function, DataType returnType, SparkSettings settings) {
    this.module = module;
    this.function = function;
    this.returnType = returnType;
    this.settings = settings;
  }

  @Override
  public @Nullable Object call(@Nullable Object a) {
    return invoke(a);
  }

  @Override
  public @Nullable Object call(@Nullable Object a, @Nullable Object b) {
    return invoke(a, b);
  }

  @Override
  public @Nullable Object call(@Nullable Object a, @Nullable Object b, @Nullable Object c) {
    return invoke(a, b, c);
  }

  @Override
  public @Nullable Object call(
      @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d) {
    return invoke(a, b, c, d);
  }

  private @Nullable Object invoke(@Nullable Object... values) {
    Object[] args = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      args[i] = toPython(values[i]);
    }
    Object result = ExecutorRuntime.runtime(settings).call(module, function, args);
    return toSpark(result, returnType);
  }

  private static @Nullable Object toPython(@Nullable Object value) {
    if (value instanceof scala.collection.Seq<?>) {
      List<Object> items = new ArrayList<>();
      for (Object item : JavaValues.list(value)) {
        items.add(toPython(item));
      }
      return items;
    }
    return value;
  }

  static @Nullable Object toSpark(@Nullable Object value, DataType type) {
    if (value == null || value instanceof PyNone) {
      return null;
    }
    if (!(value instanceof Number n)) {
      return value;
    }
    return switch (type.typeName()) {
      case "byte" -> n.byteValue();
      case "short" -> n.shortValue();
      case "integer" -> Math.toIntExact(n.longValue());
      case "long" -> n instanceof BigInteger big ? big.longValueExact() : n.longValue();
      case "float" -> n.floatValue();
      case "double" -> n.doubleValue();
      default ->
          type.typeName().startsWith("decimal")
              ? (n instanceof BigDecimal d ? d : new BigDecimal(n.toString()))
              : value;
    };
  }
}
