package io.snakebridge.spark.internal;

import java.util.Arrays;
import java.util.List;

/** Converts between the collection types Spark's {@code Row}s hold and Java's. Thread-safe. */
final class JavaValues {
  private JavaValues() {}

  /** The items of an array value: a Scala {@code Seq}, a Java {@code List} or a Java array. */
  static List<?> list(Object value) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return scala.jdk.javaapi.CollectionConverters.asJava(seq);
    }
    if (value instanceof Object[] array) {
      return Arrays.asList(array);
    }
    throw new IllegalArgumentException("not an array value: " + value.getClass().getName());
  }
}
