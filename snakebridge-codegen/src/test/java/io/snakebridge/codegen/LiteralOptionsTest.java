package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.codegen.internal.Names;
import io.snakebridge.codegen.internal.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

/** String options ({@code Literal[...]}) become enums whose constants carry the Python value. */
class LiteralOptionsTest {
  @Test
  void constantsAreUpperSnake() {
    assertEquals("NEWTON_CG", Names.constant("newton-cg"));
    assertEquals("SQUARED_ERROR", Names.constant("squaredError"));
    assertEquals("L1", Names.constant("l1"));
    assertEquals("_1D", Names.constant("1d"));
    assertEquals("EMPTY", Names.constant(""));
    assertEquals("EMPTY", Names.constant("--"));
  }

  @Test
  void stringOptionsFromAnnotationsAndNumpydoc() {
    assertEquals(List.of("a", "b"), Types.stringLiterals("Literal['a', 'b']"));
    assertEquals(List.of("a", "b"), Types.stringLiterals("Optional[Literal['a', \"b\"]]"));
    assertEquals(
        List.of("a", "b", "c"),
        Types.stringLiterals("Literal['a', 'b'] | Literal['b', 'c'] | None"));
    assertEquals(List.of("l1", "l2"), Types.stringLiterals("{'l1', 'l2'} or None"));
    assertNull(Types.stringLiterals("Literal['a', 1]"));
    assertNull(Types.stringLiterals("Literal['a'] | int"));
    assertNull(Types.stringLiterals("str"));
    assertNull(Types.stringLiterals(null));
  }

  @Test
  void enumAndStringOverloadsAreBothGenerated() {
    String manifest =
        "{\"module\": \"m\", \"functions\": [{\"name\": \"f\","
            + " \"signatureSource\": \"signature\", \"exact\": true, \"parameters\": ["
            + "{\"name\": \"how\", \"kind\": \"positional-or-keyword\","
            + " \"type\": \"Literal['x-y', 'X_Y']\", \"typeSource\": \"annotation\"}]}]}";
    String source = new WrapperGenerator("p").generate(manifest).get(0).content();
    assertTrue(source.contains("public Object f(String how)"), source);
    assertTrue(source.contains("public Object f(FHow how)"), source);
    // two values with one constant name both stay reachable
    assertTrue(source.contains("X_Y(\"x-y\")"), source);
    assertTrue(source.contains("X_Y_2(\"X_Y\")"), source);
  }
}
