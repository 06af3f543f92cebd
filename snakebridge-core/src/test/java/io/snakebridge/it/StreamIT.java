package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.PyComplex;
import io.snakebridge.PyNone;
import io.snakebridge.PyRef;
import io.snakebridge.PyStream;
import io.snakebridge.PyTuple;
import io.snakebridge.PythonException;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionContext;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.StreamRef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams through real workers: the seed's streaming rows (snakebridge inventory §10, 45-50), every
 * value as an item, stream references as values, coroutines and async generators.
 */
@ExtendWith(NoLeakedWorkers.class)
class StreamIT {
  private static final CallOptions DEFAULTS = CallOptions.defaults();
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    python = ItEnvironment.runtime("streams").poolSize(1).streamBatchSize(4).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  private static List<Object> streamed(String function, Object... args) {
    List<Object> items = new ArrayList<>();
    python.stream("sbtest_streams", function, Arrays.asList(args), DEFAULTS, items::add);
    return items;
  }

  private static List<Object> streamedDynamic(String function, Object... args) {
    List<Object> items = new ArrayList<>();
    python.streamDynamic("sbtest_streams", function, Arrays.asList(args), DEFAULTS, items::add);
    return items;
  }

  @Test
  void takingFiveFromACounterThenFiveMoreContinues() {
    StreamRef counter = assertInstanceOf(StreamRef.class, python.call("itertools", "count", 1));
    assertEquals("itertools.count", counter.typeName());
    try (PyStream view = python.openStream(counter)) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), view.stream().limit(5).toList());
    }
    try (PyStream view = python.openStream(counter)) {
      assertEquals(List.of(6L, 7L, 8L, 9L, 10L), view.stream().limit(5).toList());
    }
    assertEquals(Optional.of(11L), python.streamNext(counter));
    python.closeStream(counter);
  }

  @Test
  void streamNextReturnsItemsThenEmptyForEver() {
    StreamRef items = (StreamRef) python.call("builtins", "iter", List.of("a", "b"));
    assertEquals(OptionalLong.of(2), python.streamLen(items), "a list iterator knows its length");
    assertEquals(Optional.of("a"), python.streamNext(items));
    assertEquals(OptionalLong.of(1), python.streamLen(items));
    assertEquals(Optional.of("b"), python.streamNext(items));
    assertEquals(Optional.empty(), python.streamNext(items));
    assertEquals(Optional.empty(), python.streamNext(items));
    StreamRef generator = (StreamRef) python.call("sbtest_streams", "gen", 2);
    assertEquals(OptionalLong.empty(), python.streamLen(generator), "a generator has no length");
    python.closeStream(generator);
    python.closeStream(generator);
    assertThrows(ReferenceNotFoundException.class, () -> python.streamNext(generator));
  }

  @Test
  void rangeIsStreamedAndANonIterableResultIsDeliveredOnce() {
    SessionContext.withSession(
        () -> {
          rangeAndSqrtStreamedBothWays();
          assertNull(
              python.sessionStats().get(python.currentSession()),
              "exhausted streams left no reference behind");
          return null;
        });
  }

  private static void rangeAndSqrtStreamedBothWays() {
    for (boolean dynamic : new boolean[] {false, true}) {
      List<Object> items = new ArrayList<>();
      List<Object> roots = new ArrayList<>();
      if (dynamic) {
        python.streamDynamic("builtins", "range", List.of(5), DEFAULTS, items::add);
        python.streamDynamic("math", "sqrt", List.of(16), DEFAULTS, roots::add);
      } else {
        python.stream("builtins", "range", List.of(5), DEFAULTS, items::add);
        python.stream("math", "sqrt", List.of(16), DEFAULTS, roots::add);
      }
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), items);
      assertEquals(List.of(4.0), roots);
    }
  }

  @Test
  void onlyIteratorsAreStreamReferences() {
    assertEquals("abc", python.call("builtins", "str", "abc"));
    assertEquals(List.of(1L, 2L), python.call("builtins", "list", List.of(1, 2)));
    assertEquals(
        Map.of("a", 1L), python.call("builtins", "dict", List.of(), DEFAULTS.kwarg("a", 1)));
    assertEquals(Set.of(1L), python.call("builtins", "set", List.of(1)));
    PyRef lines = (PyRef) python.call("sbtest_streams", "text_lines");
    assertFalse(lines instanceof StreamRef, "an iterator that is a context manager stays a PyRef");
    assertEquals("_io.StringIO", lines.typeName());
    Map<?, ?> nested = (Map<?, ?>) python.call("sbtest_streams", "nested");
    StreamRef numbers = assertInstanceOf(StreamRef.class, nested.get("numbers"));
    assertEquals("three", nested.get("label"));
    assertEquals(Optional.of(0L), python.streamNext(numbers));
    assertEquals(
        List.of(1L, 2L),
        python.call("builtins", "list", numbers),
        "a StreamRef passed back is the live iterator");
    // Streaming a str, a dict or a file-like reference's iterator:
    assertEquals(
        List.of("abc"),
        collect(items -> python.stream("builtins", "str", List.of("abc"), DEFAULTS, items)));
    assertEquals(
        List.of(Map.of("a", 1L)),
        collect(
            items -> python.stream("builtins", "dict", List.of(), DEFAULTS.kwarg("a", 1), items)));
    assertEquals(
        List.of("a\n", "b\n"),
        collect(items -> python.stream("builtins", "iter", List.of(lines), DEFAULTS, items)));
  }

  private static List<Object> collect(Consumer<Consumer<Object>> run) {
    List<Object> items = new ArrayList<>();
    run.accept(items::add);
    return items;
  }

  @Test
  void everyValueCrossesAsAnItemOnEveryPath() {
    List<Object> pushed = streamed("values");
    List<Object> dynamic = streamedDynamic("values");
    List<Object> iterated = new ArrayList<>();
    try (PyStream stream = python.openStream("sbtest_streams", "values", List.of(), DEFAULTS)) {
      stream.forEachRemaining(iterated::add);
    }
    for (List<Object> items : List.of(pushed, dynamic, iterated)) {
      assertEquals(13, items.size(), items.toString());
      assertNull(items.get(0));
      assertEquals("text ✓", items.get(1));
      assertArrayEquals("\0bytes".getBytes(), Arrays.copyOf((byte[]) items.get(2), 6));
      assertEquals(-1, ((byte[]) items.get(2))[6]);
      assertEquals(Map.of("data", 1L), items.get(3), "{\"data\": x} is not unwrapped");
      Map<String, Object> finalChunk = new LinkedHashMap<>();
      finalChunk.put("is_final", true);
      finalChunk.put("_metadata", Map.of("k", "v"));
      assertEquals(finalChunk, items.get(4), "no key is dropped");
      assertEquals(
          List.of(1L, List.of(2L, Map.of("a", PyTuple.of(3L, 4L))), Set.of(5L)), items.get(5));
      assertEquals(PyTuple.of(1.5, true, BigInteger.TEN.pow(30), -7L), items.get(6));
      assertEquals(new PyComplex(1, -2), items.get(7));
      assertEquals(LocalDate.of(2024, 2, 29), items.get(8));
      assertEquals(new BigDecimal("12.50"), items.get(9));
      assertEquals(new UUID(0, 1), items.get(10));
      assertEquals("", items.get(11));
      PyRef pattern = assertInstanceOf(PyRef.class, items.get(12));
      assertEquals("re.Pattern", pattern.typeName());
      assertEquals("a+b", python.getAttr(pattern, "pattern"));
    }
    StreamRef values = (StreamRef) python.call("sbtest_streams", "values");
    assertEquals(Optional.of(PyNone.NONE), python.streamNext(values), "None is not the end");
    assertEquals(Optional.of("text ✓"), python.streamNext(values));
    python.closeStream(values);
  }

  @Test
  void referencesAmongTheItemsAreUsableFromOnItemWhileTheStreamRuns() {
    List<Object> sums = new ArrayList<>();
    python.stream(
        "builtins",
        "map",
        List.of(python.getModuleAttr("re", "compile"), List.of("a+", "b+", "c+", "d+", "e+", "f+")),
        DEFAULTS,
        item -> {
          PyRef pattern = (PyRef) item;
          assertEquals(python.currentSession(), pattern.sessionId());
          sums.add(python.getAttr(pattern, "pattern"));
          python.releaseRef(pattern);
        });
    assertEquals(List.of("a+", "b+", "c+", "d+", "e+", "f+"), sums);
  }

  @Test
  void aGeneratorThatRaisesDeliversItsItemsThenTheErrorAndTheWorkerServesOn() {
    long pid = (Long) python.call("sbtest_streams", "pid");
    for (boolean dynamic : new boolean[] {false, true}) {
      List<Object> items = new ArrayList<>();
      PythonException e =
          assertThrows(
              PythonException.class,
              () -> {
                if (dynamic) {
                  python.streamDynamic(
                      "sbtest_streams", "fails_after", List.of(6), DEFAULTS, items::add);
                } else {
                  python.stream("sbtest_streams", "fails_after", List.of(6), DEFAULTS, items::add);
                }
              });
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), items);
      assertEquals("builtins.ValueError", e.pythonType());
      assertEquals("failed after 6 items", e.pythonMessage());
      assertTrue(e.pythonTraceback().contains("fails_after"), e.pythonTraceback());
    }
    assertEquals(pid, python.call("sbtest_streams", "pid"), "the same worker, healthy");
  }

  @Test
  void aConsumerThatThrowsClosesTheGeneratorBeforeTheExceptionArrives() {
    SessionContext.withSession(
        () -> {
          consumerThrows();
          assertNull(python.sessionStats().get(python.currentSession()), "nothing left registered");
          return null;
        });
  }

  private static void consumerThrows() {
    long pid = (Long) python.call("sbtest_streams", "pid");
    for (boolean dynamic : new boolean[] {false, true}) {
      Path marker = ItEnvironment.workDir().resolve("finally-" + UUID.randomUUID() + ".txt");
      IllegalStateException stop = new IllegalStateException("consumer had enough");
      Consumer<Object> onItem =
          item -> {
            if ((Long) item == 3) {
              throw stop;
            }
          };
      List<Object> args = List.of(marker.toString(), 0.05);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> {
                if (dynamic) {
                  python.streamDynamic("sbtest_streams", "guarded", args, DEFAULTS, onItem);
                } else {
                  python.stream("sbtest_streams", "guarded", args, DEFAULTS, onItem);
                }
              });
      assertSame(stop, e, "rethrown unchanged");
      assertTrue(Files.exists(marker), "the generator's finally ran before stream() returned");
    }
    assertEquals(pid, python.call("sbtest_streams", "pid"), "the same worker serves on");
  }

  @Test
  void coroutinesAreAwaitedAndAsyncGeneratorsStreamLikeGenerators() {
    assertEquals(List.of(0L, 1L, 2L), streamed("agen", 3));
    assertEquals(List.of(0L, 1L, 2L), streamedDynamic("agen", 3));
    assertEquals(List.of(42L), streamed("answer"));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), streamed("async_list", 5));
    assertEquals(42L, python.call("sbtest_streams", "answer"));
    StreamRef agen = assertInstanceOf(StreamRef.class, python.call("sbtest_streams", "agen", 2));
    assertEquals("builtins.async_generator", agen.typeName());
    assertEquals(Optional.of(0L), python.streamNext(agen));
    assertEquals(Optional.of(1L), python.streamNext(agen));
    assertEquals(Optional.empty(), python.streamNext(agen));
    python.closeStream(agen);
  }

  @Test
  void batchesJoinUpInOrderAndAnEmptyStreamDeliversNothing() {
    // Batches of 4 over 10 items: the first reply and the following batches join up in order.
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), streamed("gen", 10));
    assertEquals(List.of(), streamed("gen", 0));
    assertEquals(List.of(), streamedDynamic("gen", 0));
  }
}
