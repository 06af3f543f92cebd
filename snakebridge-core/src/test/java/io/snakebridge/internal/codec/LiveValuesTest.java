package io.snakebridge.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.ConversionException;
import io.snakebridge.FakeRuntimes;
import io.snakebridge.PyCallable;
import io.snakebridge.PyNone;
import io.snakebridge.PyRef;
import io.snakebridge.PyTuple;
import io.snakebridge.StreamRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code sbw.ref} and {@code sbw.callback} (WIRE-PROTOCOL.md §5.2, §5.4) through the codec. */
class LiveValuesTest {
  private final ValueWriter writer = new ValueWriter(CodecLimits.DEFAULT);
  private final ValueReader reader = new ValueReader(CodecLimits.DEFAULT);

  /** Reads values as their wire forms, as a worker would. */
  private static final LiveObjects WIRE =
      new LiveObjects() {
        @Override
        public Object readRef(
            String refId, String sessionId, String typeName, String module, boolean stream) {
          return new WireRef(refId, sessionId, typeName, module, stream);
        }

        @Override
        public Object readCallback(long id, String name) {
          return new WireCallback(id, name);
        }
      };

  private Object roundTrip(Object value, LiveObjects writing, LiveObjects reading) {
    EncodedValue encoded = writer.encode(value, "args", writing);
    byte[] body = Sections.bytes(encoded);
    return reader.decode(body, 0, body.length, reading);
  }

  @Test
  void aPyRefIsWrittenAsItsIdAndSessionAfterTheRuntimeAcceptedIt() {
    PyRef ref = FakeRuntimes.refsWithoutRuntime().create("r1", "s1", "m.T", "m", false);
    List<PyRef> accepted = new ArrayList<>();
    LiveObjects runtime =
        new LiveObjects() {
          @Override
          public void writeRef(PyRef r) {
            accepted.add(r);
          }
        };
    Object read = roundTrip(List.of(ref, Map.of("k", ref)), runtime, WIRE);
    assertEquals(List.of(WireRef.of("r1", "s1"), Map.of("k", WireRef.of("r1", "s1"))), read);
    assertEquals(List.of(ref, ref), accepted);
  }

  @Test
  void aWorkersReferenceIsReadThroughTheRuntimeAndMayBeADictKey() {
    PyRef made =
        FakeRuntimes.refsWithoutRuntime().create("r1", "s1", "pandas.DataFrame", "pandas", false);
    LiveObjects interning =
        new LiveObjects() {
          @Override
          public Object readRef(
              String refId, String sessionId, String typeName, String module, boolean stream) {
            assertEquals("pandas.DataFrame", typeName);
            assertEquals("pandas", module);
            return made;
          }
        };
    WireRef sent = new WireRef("r1", "s1", "pandas.DataFrame", "pandas");
    Map<?, ?> read =
        (Map<?, ?>) roundTrip(Map.of(sent, PyTuple.of(sent)), LiveObjects.NONE, interning);
    assertSame(made, read.keySet().iterator().next());
    assertSame(made, ((PyTuple) read.get(made)).get(0));
  }

  @Test
  void functionsBecomeCallbacksWithTheirKind() {
    List<Object> registered = new ArrayList<>();
    LiveObjects runtime =
        new LiveObjects() {
          @Override
          public long writeCallback(Object function) {
            registered.add(function);
            return registered.size();
          }
        };
    Function<Object, Object> identity = x -> x;
    Supplier<Object> nothing = () -> null;
    PyCallable any = (args, kwargs) -> null;
    Object read = roundTrip(List.of(identity, nothing, any, (Runnable) () -> {}), runtime, WIRE);
    assertEquals(
        List.of(
            new WireCallback(1, "Function"),
            new WireCallback(2, "Supplier"),
            new WireCallback(3, "PyCallable"),
            new WireCallback(4, "Runnable")),
        read);
  }

  @Test
  void withoutARuntimeReferencesAndFunctionsDoNotCross() {
    PyRef ref = FakeRuntimes.refsWithoutRuntime().create("r1", "s1", "m.T", "m", false);
    ConversionException e =
        assertThrows(ConversionException.class, () -> writer.encode(List.of(1, ref), "args"));
    assertEquals("args[1]", e.path());
    assertThrows(
        ConversionException.class, () -> writer.encode((Supplier<Object>) () -> null, "args"));
    byte[] body = Sections.bytes(writer.encode(new WireRef("r", "s", "m.T", "m"), "v"));
    WireFormatException refused =
        assertThrows(WireFormatException.class, () -> reader.decode(body, 0, body.length));
    assertTrue(refused.getMessage().contains("not expected"), refused.getMessage());
  }

  @Test
  void aStreamReferenceIsReadAsSuchAndGoesBackAsAPlainReference() {
    List<Boolean> kinds = new ArrayList<>();
    LiveObjects interning =
        new LiveObjects() {
          @Override
          public Object readRef(
              String refId, String sessionId, String typeName, String module, boolean stream) {
            kinds.add(stream);
            return FakeRuntimes.refsWithoutRuntime()
                .create(refId, sessionId, typeName, module, stream);
          }
        };
    WireRef generator = new WireRef("g1", "s1", "builtins.generator", "builtins", true);
    WireRef plain = new WireRef("p1", "s1", "builtins.object", "builtins");
    Map<?, ?> read =
        (Map<?, ?>) roundTrip(Map.of("gen", generator, "obj", plain), LiveObjects.NONE, interning);
    StreamRef stream = (StreamRef) read.get("gen");
    assertEquals("builtins.generator", stream.typeName());
    assertTrue(!(read.get("obj") instanceof StreamRef));
    assertEquals(2, kinds.size());

    LiveObjects accepting =
        new LiveObjects() {
          @Override
          public void writeRef(PyRef ref) {}
        };
    assertEquals(List.of(WireRef.of("g1", "s1")), roundTrip(List.of(stream), accepting, WIRE));
  }

  @Test
  void aStreamReferenceAlwaysHasItsFourArguments() {
    byte[] body = Sections.bytes(writer.encode(new WireRef("g", "s", null, null, true), "v"));
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> reader.decode(body, 0, body.length, WIRE));
    assertTrue(e.getMessage().contains("sbw.stream_ref takes 4 arguments, got 2"), e.getMessage());
  }

  @Test
  void pyNoneIsWrittenAsNone() {
    assertEquals(
        java.util.Arrays.asList(null, "x"),
        roundTrip(List.of(PyNone.NONE, "x"), LiveObjects.NONE, WIRE));
  }
}
