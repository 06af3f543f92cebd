package io.snakebridge.fakes;

import io.snakebridge.PyTuple;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.LiveObjects;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.codec.WireCallback;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.wire.FrameReader;
import io.snakebridge.internal.wire.FrameWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Python worker that speaks the real wire protocol over a {@link FakeProcess}'s pipes:
 * answers the handshake, then runs a script for each CALL. Replies go through the real frame writer
 * and value codec, so the JVM side sees exactly what a worker would send.
 *
 * <p>References and callbacks (WIRE-PROTOCOL.md §5) arrive in a CALL as {@link WireRef} and {@link
 * WireCallback}; a script replies with {@code WireRef}s of its own making and may call a callback
 * ({@link Call#callback}), which, like the real worker, serves the frames arriving while it waits
 * (nested CALLs run the script again). RELEASE frames are recorded ({@link #releases()}).
 */
public final class ScriptedWorker {
  /** What the worker does with one CALL. */
  @FunctionalInterface
  public interface Script {
    void handle(Call call) throws IOException;
  }

  /** What the worker does with a CANCEL for request {@code id}. */
  @FunctionalInterface
  public interface CancelScript {
    void handle(ScriptedWorker worker, long id) throws IOException;
  }

  /** What the worker does with the JVM's HELLO. */
  @FunctionalInterface
  public interface Handshake {
    void handle(ScriptedWorker worker) throws IOException;
  }

  private final FakeProcess process;
  private final CodecLimits limits = CodecLimits.DEFAULT;
  private final FrameWriter writer;
  private final List<FrameKind> received = new CopyOnWriteArrayList<>();
  private volatile Script script = call -> call.reply(call.args());
  private volatile Handshake handshake = ScriptedWorker::answerHello;
  private volatile CancelScript cancelScript = (worker, id) -> {};
  private volatile boolean answersPings = true;
  private final List<Long> cancels = new CopyOnWriteArrayList<>();
  private volatile Map<?, ?> hello;
  private final List<List<?>> releases = new CopyOnWriteArrayList<>();
  private final AtomicLong callbackIds = new AtomicLong(Long.MIN_VALUE);
  private FrameReader reader;

  /** How the fake reads live values: as their wire forms. */
  private static final LiveObjects WIRE_FORMS =
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

  public ScriptedWorker(FakeProcess process) {
    this.process = process;
    this.writer = new FrameWriter(process.stdout.sink());
  }

  /** Sets what each CALL does; the default replies with the call's positional arguments. */
  public ScriptedWorker onCall(Script script) {
    this.script = script;
    return this;
  }

  /** Sets what a CANCEL does; by default nothing (the call goes on). */
  public ScriptedWorker onCancel(CancelScript script) {
    this.cancelScript = script;
    return this;
  }

  /** Answers each CANCEL with the ERROR of kind {@code cancelled} a real worker sends. */
  public ScriptedWorker answerCancels() {
    return onCancel((worker, id) -> worker.send(FrameKind.ERROR, id, cancelledError()));
  }

  /** Stops answering PING frames, as a hung worker would. */
  public ScriptedWorker ignorePings() {
    this.answersPings = false;
    return this;
  }

  /** The ids of the CANCEL frames received. */
  public List<Long> cancels() {
    return cancels;
  }

  /** The ERROR dict of a call interrupted by CANCEL. */
  public static Map<String, Object> cancelledError() {
    Map<String, Object> error =
        pythonError(
            "snakebridge_worker.Cancelled",
            "cancelled",
            "snakebridge_worker.Cancelled",
            "builtins.BaseException");
    error.put("kind", "cancelled");
    return error;
  }

  /** Sets what the handshake does; the default answers a valid HELLO. */
  public ScriptedWorker onHello(Handshake handshake) {
    this.handshake = handshake;
    return this;
  }

  /** Starts serving on a daemon thread. */
  public ScriptedWorker start() {
    Thread thread = new Thread(this::serve, "scripted-worker-" + process.pid());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** The process this worker runs as. */
  public FakeProcess process() {
    return process;
  }

  /** The kinds of frame received from the JVM so far, in order. */
  public List<FrameKind> received() {
    return received;
  }

  /**
   * The releases received so far: each RELEASE frame's value {@code [session_id, {ref_id:
   * handouts}]}, and each {@code release_session} CALL (answered by the fake itself) as {@code
   * [session_id, None]}.
   */
  public List<List<?>> releases() {
    return releases;
  }

  /** The JVM's HELLO dict, once received. */
  public Map<?, ?> hello() {
    return hello;
  }

  /** Answers the JVM's HELLO with a valid worker HELLO. */
  public void answerHello() throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("protocol", 1L);
    answer.put("min_protocol", 1L);
    answer.put("python_version", "3.12.0");
    answer.put("implementation", "cpython");
    answer.put("executable", "/opt/fake/python3");
    answer.put("pid", process.pid());
    send(FrameKind.HELLO, 0, answer);
  }

  /** Writes a frame holding {@code value}. */
  public synchronized void send(FrameKind kind, long id, Object value) throws IOException {
    writer.write(
        kind,
        id,
        value == null && !kind.hasBody() ? null : new ValueWriter(limits).encode(value, "reply"));
  }

  /** Writes raw bytes to the protocol pipe, as a broken worker might. */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    OutputStream out = process.stdout.sink();
    out.write(bytes);
    out.flush();
  }

  /** Writes a line to stderr. */
  public void stderr(String line) throws IOException {
    process.stderr.sink().write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the given stderr lines, then exits with {@code code}. */
  public void crash(int code, String... stderrLines) throws IOException {
    for (String line : stderrLines) {
      stderr(line);
    }
    process.exit(code);
  }

  /** Builds an ERROR dict of kind {@code python}. */
  public static Map<String, Object> pythonError(String type, String message, String... mro) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", "python");
    error.put("type", type);
    error.put("message", message);
    error.put("traceback", "Traceback (most recent call last):\n" + type + ": " + message + "\n");
    error.put("mro", List.of(mro));
    error.put("frames", List.of());
    error.put("cause", null);
    error.put("context", null);
    error.put("python_type", null);
    return error;
  }

  private void serve() {
    reader = new FrameReader(process.stdin.source(), limits.maxFrameBytes());
    try {
      for (; ; ) {
        if (!handle(reader.read())) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      process.exit(0); // end of input (or a broken pipe): a real worker exits too
    }
  }

  /** Handles one frame from the JVM; false after SHUTDOWN. */
  private boolean handle(Frame frame) throws IOException {
    received.add(frame.kind());
    switch (frame.kind()) {
      case HELLO:
        hello = (Map<?, ?>) decode(frame);
        handshake.handle(this);
        break;
      case CALL:
        Call call = new Call(this, frame.id(), (List<?>) decode(frame));
        if (call.op().equals("release_session")) {
          // Recorded like a RELEASE of the whole session: [session_id, None].
          releases.add(java.util.Arrays.asList(call.sessionId(), null));
          call.reply(0L);
        } else {
          script.handle(call);
        }
        break;
      case PING:
        if (answersPings) {
          send(FrameKind.PONG, frame.id(), null);
        }
        break;
      case CANCEL:
        cancels.add(frame.id());
        cancelScript.handle(this, frame.id());
        break;
      case RELEASE:
        releases.add((List<?>) decode(frame));
        break;
      case SHUTDOWN:
        process.exit(0);
        return false;
      default:
        break;
    }
    return true;
  }

  /**
   * Calls a Java callback during call {@code callId} and serves frames until its answer arrives, as
   * the real worker does: a CALL meanwhile is a nested call and runs the script.
   */
  Answer callback(long callId, WireCallback callback, List<?> args, Map<?, ?> kwargs)
      throws IOException {
    long id = callbackIds.incrementAndGet();
    send(FrameKind.CALLBACK, id, PyTuple.of(callback.id(), args, kwargs, callId));
    for (; ; ) {
      Frame frame = reader.read();
      if ((frame.kind() == FrameKind.CALLBACK_RESULT || frame.kind() == FrameKind.CALLBACK_ERROR)
          && frame.id() == id) {
        received.add(frame.kind());
        return new Answer(frame.kind() == FrameKind.CALLBACK_ERROR, decode(frame));
      }
      if (!handle(frame)) {
        throw new IOException("shut down while waiting for a callback");
      }
    }
  }

  /**
   * Serves frames until a CANCEL for call {@code callId} arrives, as the real worker's control
   * thread does while a call runs (other frames are handled as usual; nested CALLs run the script).
   */
  void awaitCancel(long callId) throws IOException {
    for (; ; ) {
      Frame frame = reader.read();
      if (frame.kind() == FrameKind.CANCEL && frame.id() == callId) {
        received.add(frame.kind());
        return;
      }
      if (!handle(frame)) {
        throw new IOException("shut down while waiting for a CANCEL");
      }
    }
  }

  /** What a Java callback answered: its result, or (error) the CALLBACK_ERROR dict. */
  public record Answer(boolean error, Object value) {}

  private Object decode(Frame frame) {
    return new ValueReader(limits).decode(frame.body(), 0, frame.bodyLength(), WIRE_FORMS);
  }

  /** One CALL received, with ways to answer it. */
  public static final class Call {
    private final ScriptedWorker worker;
    private final long id;
    private final List<?> tuple;

    Call(ScriptedWorker worker, long id, List<?> tuple) {
      this.worker = worker;
      this.id = id;
      this.tuple = tuple;
    }

    public long id() {
      return id;
    }

    /**
     * "call", "module_attr", "call_method", ...; the by-id forms "ref_method" and "ref_attr"
     * (WIRE-PROTOCOL §5.3) read as "call_method" and "get_attr", whose meaning they have.
     */
    public String op() {
      String op = rawOp();
      return op.equals("ref_method") ? "call_method" : op.equals("ref_attr") ? "get_attr" : op;
    }

    /** The op as the CALL names it. */
    public String rawOp() {
      return (String) tuple.get(0);
    }

    /** The session element: {@code (id, max_refs, ttl_seconds)}, or null. */
    public List<?> session() {
      return (List<?>) tuple.get(1);
    }

    /** The session's id, or null for a CALL without a session. */
    public String sessionId() {
      List<?> session = session();
      return session == null ? null : (String) session.get(0);
    }

    /** The operand at {@code index} of the CALL tuple (0 is the op, 1 the session). */
    public Object operand(int index) {
      return tuple.get(index);
    }

    /** The target of a reference op (call_method, get_attr, set_attr, and the by-id forms). */
    public WireRef ref() {
      Object target = tuple.get(2);
      return target instanceof String id ? WireRef.of(id, sessionId()) : (WireRef) target;
    }

    /**
     * Calls a Java callback found in this call's arguments and returns its answer, serving nested
     * calls meanwhile.
     */
    public Answer callback(WireCallback callback, List<?> args, Map<?, ?> kwargs)
        throws IOException {
      return worker.callback(id, callback, args, kwargs);
    }

    public String module() {
      return (String) tuple.get(2);
    }

    /** The function (for "call") or the attribute (for "module_attr"). */
    public String target() {
      return (String) tuple.get(3);
    }

    public List<?> args() {
      return tuple.size() > 4 ? (List<?>) tuple.get(4) : List.of();
    }

    public Map<?, ?> kwargs() {
      return tuple.size() > 5 ? (Map<?, ?>) tuple.get(5) : Map.of();
    }

    public ScriptedWorker worker() {
      return worker;
    }

    /** Waits, serving other frames, until the JVM cancels this call (a CANCEL frame). */
    public void awaitCancel() throws IOException {
      worker.awaitCancel(id);
    }

    /** Answers with the ERROR of a call the JVM cancelled (WIRE-PROTOCOL.md §2). */
    public void cancelled() throws IOException {
      Map<String, Object> error =
          pythonError(
              "snakebridge_worker.Cancelled",
              "the call was cancelled by the caller",
              "snakebridge_worker.Cancelled",
              "builtins.BaseException");
      error.put("kind", "cancelled");
      error(error);
    }

    public void reply(Object value) throws IOException {
      worker.send(FrameKind.RESULT, id, value);
    }

    public void error(Map<String, Object> dict) throws IOException {
      worker.send(FrameKind.ERROR, id, dict);
    }

    /** Replies with a reference of this call's session, as the real worker would register it. */
    public WireRef newRef(String refId, String typeName) {
      return new WireRef(
          refId, sessionId(), typeName, typeName.substring(0, typeName.indexOf('.')));
    }
  }
}
