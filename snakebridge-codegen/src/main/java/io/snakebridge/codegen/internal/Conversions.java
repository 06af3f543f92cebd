package io.snakebridge.codegen.internal;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/** Code converting a call's {@code Object} result to a generated method's return type. */
final class Conversions {
  private static final ClassName NUMBER = ClassName.get(Number.class);

  private Conversions() {}

  static CodeBlock fromObject(TypeName type, CodeBlock value) {
    if (type.equals(ClassName.OBJECT)) {
      return value;
    }
    if (type.equals(TypeName.LONG)) {
      return CodeBlock.of("(($T) $L).longValue()", NUMBER, value);
    }
    if (type.equals(TypeName.DOUBLE)) {
      return CodeBlock.of("(($T) $L).doubleValue()", NUMBER, value);
    }
    if (type.equals(TypeName.LONG.box())) {
      return CodeBlock.of(
          "$L == null ? null : Long.valueOf((($T) $L).longValue())", value, NUMBER, value);
    }
    if (type.equals(TypeName.DOUBLE.box())) {
      return CodeBlock.of(
          "$L == null ? null : Double.valueOf((($T) $L).doubleValue())", value, NUMBER, value);
    }
    if (type.equals(TypeName.BOOLEAN)) {
      return CodeBlock.of("(($T) $L).booleanValue()", ClassName.get(Boolean.class), value);
    }
    return CodeBlock.of("($T) $L", type, value);
  }
}
