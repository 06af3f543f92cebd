package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** References over scripted workers: interning, ops, release, the GC safety net, toString. */
@Timeout(20)
class ReferencesTest {
  private final FakeTicker ticker = new FakeTicker();
  private final List<List<?>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
  private FakeSpawner spawner;
  private SnakeBridgeRuntime python;

  private final Map<String, WireRef> made = new java.util.concurrent.ConcurrentHashMap<>();

  /** The full form of a reference the JVM sent back, as the worker registered it. */
  private WireRef full(WireRef sent) {
    return made.get(sent.refId());
  }

  private WireRef register(WireRef ref) {
    made.put(ref.refId(), ref);
    return ref;
  }

  /** A worker with a tiny object world: refs are made up from the call's arguments. */
  private void handle(ScriptedWorker.Call call) throws IOException {
    List<Object> seen = new ArrayList<>();
    for (int i = 0; ; i++) {
      try {
        seen.add(call.operand(i));
      } catch (IndexOutOfBoundsException end) {
        break;
      }
    }
    calls.add(seen);
    switch (call.op()) {
      case "call_class":
        if (call.module().equals("collections")) {
          call.reply(Map.of("counted", 1L)); // a dict subclass crosses by value
        } else {
          call.reply(
              register(call.newRef((String) call.args().get(0), "pandas.core.frame.DataFrame")));
        }
        break;
      case "call_method":
        if (call.target().equals("self")) {
          call.reply(full(call.ref()));
        } else if (call.target().equals("missing")) {
          Map<String, Object> error =
              ScriptedWorker.pythonError(
                  "snakebridge_worker.RefNotFound", "unknown reference " + call.ref().refId());
          error.put("kind", "ref_not_found");
          error.put("ref_id", call.ref().refId());
          error.put("session_id", call.ref().sessionId());
          error.put("call_session_id", call.sessionId());
          call.error(error);
        } else {
          call.reply(call.op() + " " + call.ref().refId() + "." + call.target() + call.args());
        }
        break;
      case "get_attr":
        call.reply("attr " + call.ref().refId() + "." + call.operand(3));
        break;
      case "set_attr":
        call.reply(null);
        break;
      default:
        switch (call.target()) {
          case "nested":
            {
              WireRef a = register(call.newRef("a", "pathlib.PosixPath"));
              WireRef b = register(call.newRef("b", "socket.socket"));
              Map<String, Object> dict = new LinkedHashMap<>();
              dict.put("path", a);
              dict.put("again", a);
              dict.put("list", Arrays.asList(1L, b, PyTuple.of(a, "x")));
              call.reply(dict);
              break;
            }
          case "str":
            call.reply("str of " + ((WireRef) call.args().get(0)).refId());
            break;
          case "block":
            try {
              ((CountDownLatch) BLOCKERS.get(0)).await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            call.reply("unblocked");
            break;
          case "Counter":
            call.reply(Map.of("counted", 1L));
            break;
          default:
            List<Object> echoed = new ArrayList<>();
            for (Object arg : call.args()) {
              echoed.add(arg instanceof WireRef ? full((WireRef) arg) : arg);
            }
            call.reply(echoed);
        }
    }
  }

  private static final List<Object> BLOCKERS = new java.util.concurrent.CopyOnWriteArrayList<>();

  private SnakeBridgeRuntime start(int poolSize) {
    spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("refs");
    settings.poolSize(poolSize);
    python = FakeRuntimes.build(settings, spawner, ticker);
    return python;
  }

  @AfterEach
  void close() {
    if (python != null) {
      python.close();
    }
    BLOCKERS.clear();
  }

  private ScriptedWorker worker() {
    return spawner.spawned().get(0);
  }

  @Test
  void leavesBecomeReferencesInsideContainersThatKeepTheirShape() {
    start(1);
    Map<?, ?> result = (Map<?, ?>) python.call("m", "nested");
    PyRef path = (PyRef) result.get("path");
    assertEquals("pathlib.PosixPath", path.typeName());
    assertEquals("pathlib", path.module());
    assertEquals("a", path.refId());
    assertEquals(python.currentSession(), path.sessionId());
    assertSame(path, result.get("again"), "one Python object, one PyRef");
    List<?> list = (List<?>) result.get("list");
    assertEquals(1L, list.get(0));
    assertEquals("socket.socket", ((PyRef) list.get(1)).typeName());
    assertSame(path, ((PyTuple) list.get(2)).get(0));
    assertNotSame(path, list.get(1));
  }

  @Test
  void theSameReferenceReturnedAgainIsTheSameInstanceAndEqualByIdentity() {
    start(1);
    PyRef first = python.callClass("pandas", "DataFrame", List.of("df1"), CallOptions.defaults());
    PyRef again = (PyRef) python.callMethod(first, "self");
    assertSame(first, again);
    PyRef other = python.callClass("pandas", "DataFrame", List.of("df2"), CallOptions.defaults());
    assertFalse(first.equals(other));
    assertEquals(first.hashCode(), again.hashCode());
  }

  @Test
  void referenceOpsSendTheTargetAsAReferenceInItsSession() {
    start(1);
    PyRef df = python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
    assertEquals("call_method df.mean[1]", python.callMethod(df, "mean", 1));
    assertEquals("attr df.shape", python.getAttr(df, "shape"));
    python.setAttr(df, "name", "x");
    assertEquals(List.of(df), python.call("builtins", "echo", df));
    // callMethod and getAttr name their target by id in its own session (§5.3).
    List<?> method = calls.get(1);
    assertEquals(
        Arrays.asList("ref_method", method.get(1), "df", "mean", List.of(1L), Map.of()), method);
    assertEquals(List.of(df.sessionId(), 10_000L, 3600.0), method.get(1));
    assertEquals(Arrays.asList("ref_attr", method.get(1), "df", "shape"), calls.get(2));
    assertEquals(
        Arrays.asList("set_attr", method.get(1), WireRef.of("df", df.sessionId()), "name", "x"),
        calls.get(3));
  }

  @Test
  void aReleasedReferenceFailsLocallyAndReleasingTwiceIsHarmless() {
    start(1);
    PyRef df = python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
    python.callMethod(df, "self"); // read twice now
    python.releaseRef(df);
    python.releaseRef(df);
    int callsBefore = calls.size();
    ReferenceNotFoundException e =
        assertThrows(ReferenceNotFoundException.class, () -> python.callMethod(df, "mean"));
    assertEquals("df", e.refId());
    assertEquals(df.sessionId(), e.sessionId());
    assertEquals(callsBefore, calls.size(), "nothing was sent");
    awaitReleases(1);
    assertEquals(List.of(df.sessionId(), Map.of("df", 2L)), worker().releases().get(0));
  }

  @Test
  void theWorkersRefNotFoundBecomesReferenceNotFoundException() {
    start(1);
    PyRef df = python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
    ReferenceNotFoundException e =
        assertThrows(ReferenceNotFoundException.class, () -> python.callMethod(df, "missing"));
    assertEquals("df", e.refId());
    assertTrue(e.getMessage().contains("unknown reference df"), e.getMessage());
    assertEquals(List.of(5L), python.call("m", "f", 5L), "the worker stayed in service");
    assertEquals(1, spawner.spawned().size());
  }

  @Test
  void aReferenceOfAnotherSessionIsAMismatch() {
    start(1);
    PyRef df = python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
    SessionMismatchException e =
        assertThrows(
            SessionMismatchException.class,
            () ->
                python.callMethod(
                    df, "mean", List.of(), CallOptions.defaults().sessionId("other")));
    assertEquals("df", e.refId());
    assertEquals(df.sessionId(), e.sessionId());
    assertEquals("other", e.callSessionId());
    assertThrows(
        SessionMismatchException.class,
        () -> python.call("m", "f", List.of(df), CallOptions.defaults().sessionId("other")));
  }

  @Test
  void aReferenceArgumentOutranksTheThreadsDefaultSession() {
    start(1);
    PyRef df =
        SessionContext.withSession(
            SessionOptions.defaults().sessionId("s1"),
            () -> {
              PyRef made =
                  python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
              // Another thread's view: its own automatic session, but the reference's session wins.
              assertEquals(List.of(made), python.call("builtins", "echo", made));
              return made;
            });
    assertEquals("s1", df.sessionId());
    assertEquals("s1", ((List<?>) calls.get(calls.size() - 1).get(1)).get(0));
  }

  @Test
  void toStringIsLocalAndStrAsksPython() throws Exception {
    start(1);
    PyRef df = python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults());
    int before = calls.size();
    assertEquals("PyRef[pandas.core.frame.DataFrame df]", df.toString());
    assertEquals(before, calls.size(), "toString() sent nothing");
    assertEquals("str of df", df.str());
    assertEquals(before + 1, calls.size());
    python.releaseRef(df);
    assertEquals("PyRef[pandas.core.frame.DataFrame df]", df.toString());
  }

  @Test
  void anUnreachableReferenceIsReleasedWithItsReadCount() throws Exception {
    start(1);
    String refId = makeGarbage();
    Await.until(
        "the release of a reference that Java no longer reaches",
        () -> {
          System.gc();
          FakeRuntimes.delegate(python).housekeep(ticker.read());
          return !worker().releases().isEmpty();
        });
    List<?> release = worker().releases().get(0);
    assertEquals(Map.of(refId, 3L), release.get(1));
  }

  private String makeGarbage() {
    PyRef df = python.callClass("pandas", "DataFrame", List.of("gc"), CallOptions.defaults());
    python.callMethod(df, "self");
    python.callMethod(df, "self");
    return df.refId();
  }

  @Test
  void theEndOfAnExplicitSessionReleasesItInItsWorker() {
    start(1);
    SessionContext.withSession(
        SessionOptions.defaults().sessionId("job"),
        () -> python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults()));
    awaitReleases(1);
    assertEquals(Arrays.asList("job", null), worker().releases().get(0));
    PyRef lost =
        SessionContext.withSession(
            SessionOptions.defaults().sessionId("job2"),
            () -> python.callClass("pandas", "DataFrame", List.of("df"), CallOptions.defaults()));
    assertThrows(ReferenceNotFoundException.class, () -> python.getAttr(lost, "shape"));
  }

  @Test
  void aSessionWithoutReferencesIsReleasedWhereItsCallsRanAndAnUnusedOneNowhere() {
    start(1);
    String used =
        SessionContext.withSession(
            SessionOptions.defaults(),
            () -> {
              python.call("m", "f", 1);
              return python.currentSession();
            });
    awaitReleases(1);
    assertEquals(
        List.of(Arrays.asList(used, null)),
        worker().releases(),
        "the worker keeps every session it has seen until it is released");
    python.releaseSession("never-used");
    python.call("m", "f", 2);
    assertEquals(1, worker().releases().size());
  }

  private void awaitReleases(int count) {
    Await.value(count + " releases", () -> worker().releases(), r -> r.size() >= count);
  }

  @Test
  void referencesCannotCrossWithoutARuntime() {
    PyRef orphan = FakeRuntimes.refsWithoutRuntime().create("r", "s", "a.B", "a", false);
    assertEquals("PyRef[a.B r]", orphan.toString());
    assertInstanceOf(
        IllegalStateException.class, assertThrows(RuntimeException.class, orphan::repr));
    start(1);
    IllegalArgumentException foreign =
        assertThrows(IllegalArgumentException.class, () -> python.getAttr(orphan, "x"));
    assertTrue(foreign.getMessage().contains("belongs to no runtime"), foreign.getMessage());
    assertThrows(
        ReferenceNotFoundException.class,
        () -> python.call("m", "f", orphan),
        "nested in arguments: not this runtime's, so not found");
  }

  @Test
  void callClassRefusesAWorkerThatAnswersByValue() {
    start(1);
    ConversionException e =
        assertThrows(
            ConversionException.class,
            () -> python.callClass("collections", "Counter", List.of(), CallOptions.defaults()));
    assertTrue(e.getMessage().contains("§5.3"), e.getMessage());
    assertEquals(Map.of("counted", 1L), python.call("collections", "Counter"));
  }
}
