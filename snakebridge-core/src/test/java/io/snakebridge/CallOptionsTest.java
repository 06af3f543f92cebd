package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallOptionsTest {
  @Test
  void defaultsSetNothing() {
    CallOptions options = CallOptions.defaults();
    assertEquals(Map.of(), options.kwargs());
    assertEquals(Optional.empty(), options.timeout());
    assertFalse(options.idempotent());
    assertEquals("default", options.pool());
    assertEquals(Optional.empty(), options.sessionId());
    assertEquals(Affinity.STRICT_QUEUE, options.affinity());
    assertSame(CallOptions.defaults(), options);
  }

  @Test
  void kwIsShorthandForDefaultsWithOneKeywordArgument() {
    assertEquals(
        CallOptions.defaults().kwarg("dtype", "float32"), CallOptions.kw("dtype", "float32"));
    assertEquals(Map.of(), CallOptions.defaults().kwargs(), "defaults stay empty");
    assertThrows(IllegalArgumentException.class, () -> CallOptions.kw("", 1));
  }

  @Test
  void withersReturnNewValuesAndLeaveTheOriginalAlone() {
    CallOptions base = CallOptions.defaults();
    CallOptions changed =
        base.kwarg("ndigits", 2)
            .timeout(Duration.ofSeconds(5))
            .idempotent(true)
            .sessionId("s1")
            .affinity(Affinity.HINT)
            .pool("default");
    assertEquals(Map.of("ndigits", 2), changed.kwargs());
    assertEquals(Optional.of(Duration.ofSeconds(5)), changed.timeout());
    assertTrue(changed.idempotent());
    assertEquals(Optional.of("s1"), changed.sessionId());
    assertEquals(Affinity.HINT, changed.affinity());
    assertEquals(CallOptions.defaults(), base);
    assertNotEquals(base, changed);
  }

  @Test
  void kwargsKeepTheirOrderAndLaterValuesReplaceEarlierOnes() {
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("z", 1);
    more.put("a", null);
    CallOptions options = CallOptions.defaults().kwarg("m", 0).kwarg("z", 9).kwargs(more);
    assertEquals(List.of("m", "z", "a"), List.copyOf(options.kwargs().keySet()));
    assertEquals(1, options.kwargs().get("z"));
    assertTrue(options.kwargs().containsKey("a"), "None is a valid keyword argument");
    assertThrows(UnsupportedOperationException.class, () -> options.kwargs().put("x", 1));
  }

  @Test
  void kwargsAreCopiedNotShared() {
    Map<String, Object> source = new HashMap<>(Map.of("a", 1));
    CallOptions options = CallOptions.defaults().kwargs(source);
    source.put("b", 2);
    assertEquals(Map.of("a", 1), options.kwargs());
  }

  @Test
  void badValuesAreRejectedNamingTheParameter() {
    CallOptions options = CallOptions.defaults();
    assertEquals(
        "kwarg name",
        assertThrows(NullPointerException.class, () -> options.kwarg(null, 1)).getMessage());
    assertEquals(
        "kwarg name must not be empty",
        assertThrows(IllegalArgumentException.class, () -> options.kwarg("", 1)).getMessage());
    assertEquals(
        "kwargs",
        assertThrows(NullPointerException.class, () -> options.kwargs(null)).getMessage());
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, 1);
    assertThrows(NullPointerException.class, () -> options.kwargs(nullKey));
    assertEquals(
        "timeout must be positive: PT0S",
        assertThrows(IllegalArgumentException.class, () -> options.timeout(Duration.ZERO))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> options.timeout(Duration.ofSeconds(-1)));
    assertEquals(
        "timeout",
        assertThrows(NullPointerException.class, () -> options.timeout(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> options.pool(" "));
    assertThrows(IllegalArgumentException.class, () -> options.sessionId(""));
    assertEquals(
        "affinity",
        assertThrows(NullPointerException.class, () -> options.affinity(null)).getMessage());
  }

  @Test
  void equalOptionsAreEqualAndHashAlike() {
    CallOptions a = CallOptions.defaults().kwarg("x", List.of(1)).timeout(Duration.ofSeconds(1));
    CallOptions b = CallOptions.defaults().kwarg("x", List.of(1)).timeout(Duration.ofSeconds(1));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(a.toString().contains("timeout=PT1S"), a.toString());
    assertEquals(
        Arrays.asList(Affinity.values()),
        List.of(Affinity.STRICT_QUEUE, Affinity.STRICT_FAIL_FAST, Affinity.HINT));
  }
}
