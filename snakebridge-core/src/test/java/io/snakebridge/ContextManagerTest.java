package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code with} blocks against a scripted context manager that records what it is asked. */
@Timeout(20)
class ContextManagerTest {
  private final List<String> log = new CopyOnWriteArrayList<>();
  private volatile Object exitResult;
  private volatile boolean exitRaises;
  private SnakeBridgeRuntime python;
  private PyRef manager;

  @BeforeEach
  void start() {
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("with");
    settings.poolSize(1);
    python = FakeRuntimes.build(settings, spawner, new FakeTicker());
    manager = (PyRef) python.call("m", "open");
  }

  @AfterEach
  void close() {
    python.close();
  }

  private void handle(ScriptedWorker.Call call) throws IOException {
    switch (call.op()) {
      case "call":
        call.reply(call.newRef("cm", "io.TextIOWrapper"));
        break;
      case "call_class":
        log.add("new " + call.module() + "." + call.target() + " " + call.args());
        call.reply(call.newRef("exc", call.module() + "." + call.target()));
        break;
      case "get_attr":
        log.add("getattr " + call.ref().refId() + "." + call.operand(3));
        call.reply(call.newRef("exc-type", "builtins.type"));
        break;
      case "call_method":
        log.add(call.target() + " " + call.args());
        if (call.target().equals("__enter__")) {
          call.reply("entered");
        } else if (exitRaises) {
          call.error(ScriptedWorker.pythonError("builtins.OSError", "flush failed"));
        } else {
          call.reply(exitResult);
        }
        break;
      default:
        call.reply(null);
    }
  }

  @Test
  void theBodyRunsBetweenEnterAndExit() {
    String result =
        python.with(
            manager,
            value -> {
              log.add("body " + value);
              return "done";
            });
    assertEquals("done", result);
    assertEquals(List.of("__enter__ []", "body entered", "__exit__ [null, null, null]"), log);
  }

  @Test
  void aThrowingBodyPassesARealExceptionToExitAndIsRethrown() {
    IllegalStateException thrown = new IllegalStateException("bad row");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                python.with(
                    manager,
                    value -> {
                      throw thrown;
                    }));
    assertSame(thrown, e);
    assertEquals("__enter__ []", log.get(0));
    assertTrue(
        log.get(1)
            .startsWith(
                "new snakebridge_worker.JavaError [java.lang.IllegalStateException, bad row, "),
        log.get(1));
    assertEquals("getattr exc.__class__", log.get(2));
    String session = manager.sessionId();
    assertEquals(
        "__exit__ "
            + Arrays.asList(
                new WireRef("exc-type", session, null, null),
                new WireRef("exc", session, null, null),
                null),
        log.get(3));
  }

  @Test
  void aTrueResultFromExitSuppressesTheException() {
    exitResult = true;
    Object result =
        python.with(
            manager,
            value -> {
              throw new IllegalArgumentException("ignored");
            });
    assertNull(result);
  }

  @Test
  void anExceptionFromExitReplacesTheBodysAndKeepsItSuppressed() {
    exitRaises = true;
    RuntimeException thrown = new RuntimeException("body failed");
    PythonException e =
        assertThrows(
            PythonException.class,
            () ->
                python.with(
                    manager,
                    value -> {
                      throw thrown;
                    }));
    assertEquals("builtins.OSError", e.pythonType());
    assertSame(thrown, e.getSuppressed()[0]);
  }
}
