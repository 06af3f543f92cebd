package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.RawValues;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.PythonSpawner;
import io.snakebridge.internal.worker.WorkerFiles;
import io.snakebridge.internal.worker.WorkerProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A CALL whose pickle applies BUILD to a codec global ({@code sbw.datetime}) fails on its own, as a
 * protocol error of that call, and the same worker goes on encoding and decoding datetimes.
 */
@ExtendWith(NoLeakedWorkers.class)
class CodecStateIT {
  private static final int PROTO = 0x80;
  private static final int SHORT_BINUNICODE = 0x8c;
  private static final int STACK_GLOBAL = 0x93;
  private static final int NONE = 'N';
  private static final int EMPTY_DICT = '}';
  private static final int EMPTY_LIST = ']';
  private static final int SETITEM = 's';
  private static final int TUPLE2 = 0x86;
  private static final int BUILD = 'b';
  private static final int POP = '0';
  private static final int MARK = '(';
  private static final int TUPLE = 't';
  private static final int STOP = '.';

  private final ValueWriter writer = new ValueWriter(CodecLimits.DEFAULT);
  private final ValueReader reader = new ValueReader(CodecLimits.DEFAULT);
  private WorkerProcess worker;

  @Test
  void aCallThatWouldRenameSbwDatetimeFailsAloneAndTheWorkerServesOn() {
    PythonSpawner spawner =
        new PythonSpawner(
            ItEnvironment.python(),
            Map.of(),
            null,
            new WorkerFiles(CodecStateIT.class.getClassLoader(), ItEnvironment.cacheDir()),
            List.of(),
            List.of(),
            CodecLimits.DEFAULT,
            1,
            System.getLogger("snakebridge.test"));
    worker = spawner.spawn("codec-state-1");
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            worker.handshake();
            // ("call", None, "datetime", "datetime.now", [], {}), with sbw.datetime renamed on
            // the way: BUILD (None, {"__name__": "evil"}) on it, its result popped.
            ByteArrayOutputStream pickle = new ByteArrayOutputStream();
            pickle.write(PROTO);
            pickle.write(5);
            str(pickle, "sbw");
            str(pickle, "datetime");
            pickle.write(STACK_GLOBAL);
            pickle.write(NONE);
            pickle.write(EMPTY_DICT);
            str(pickle, "__name__");
            str(pickle, "evil");
            pickle.write(SETITEM);
            pickle.write(TUPLE2);
            pickle.write(BUILD);
            pickle.write(POP);
            pickle.write(MARK);
            str(pickle, "call");
            pickle.write(NONE);
            str(pickle, "datetime");
            str(pickle, "datetime.now");
            pickle.write(EMPTY_LIST);
            pickle.write(EMPTY_DICT);
            pickle.write(TUPLE);
            pickle.write(STOP);
            long id = worker.connection().nextRequestId();
            Frame refused =
                worker.connection().request(FrameKind.CALL, id, RawValues.of(pickle.toByteArray()));
            assertEquals(FrameKind.ERROR, refused.kind());
            Map<?, ?> error = (Map<?, ?>) decode(refused);
            assertEquals("protocol", error.get("kind"), error.toString());
            assertTrue(
                String.valueOf(error.get("message")).contains("BUILD on a codec global"),
                error.toString());

            for (int i = 0; i < 3; i++) {
              assertEquals(
                  LocalDateTime.of(2020, 1, 2, 3, 4),
                  call("datetime", "datetime", List.of(2020L, 1L, 2L, 3L, 4L)),
                  "encoded");
              assertEquals(
                  "2021-05-06 07:08:00",
                  call("builtins", "str", List.of(LocalDateTime.of(2021, 5, 6, 7, 8))),
                  "decoded");
            }
            worker.shutdown();
            assertTrue(worker.awaitExit(TimeUnit.SECONDS.toNanos(30)));
            assertEquals(0, worker.exitCode().getAsInt(), "the worker was never broken");
          });
    } finally {
      worker.kill();
    }
  }

  private Object call(String module, String function, List<?> args) throws Exception {
    long id = worker.connection().nextRequestId();
    Frame reply =
        worker
            .connection()
            .request(
                FrameKind.CALL,
                id,
                writer.encodeTuple(
                    new Object[] {"call", null, module, function, args, Map.of()}, null));
    assertEquals(FrameKind.RESULT, reply.kind(), () -> String.valueOf(decode(reply)));
    return decode(reply);
  }

  private Object decode(Frame frame) {
    return reader.decode(frame.body(), 0, frame.bodyLength());
  }

  private static void str(ByteArrayOutputStream out, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.write(SHORT_BINUNICODE);
    out.write(utf8.length);
    out.writeBytes(utf8);
  }
}
