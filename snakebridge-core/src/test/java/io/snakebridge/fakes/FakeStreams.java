package io.snakebridge.fakes;

import io.snakebridge.PyTuple;
import io.snakebridge.internal.codec.WireRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The stream ops of WIRE-PROTOCOL.md §6.2 for {@link ScriptedWorker}s: fake Python iterators,
 * registered as stream references, served batch by batch or item by item, with a log of every op in
 * the order the worker received them. Batches take exactly the number of items asked for (the real
 * worker may send fewer, §6.3).
 *
 * <p>Thread-safe; shared by the workers of one fake runtime.
 */
public final class FakeStreams {
  /** A fake Python iterator: its items, then the end, or an error raised after them. */
  public static final class Source {
    private final Iterator<Object> items;
    private final Map<String, Object> error;
    private final Long length;
    private boolean raised;

    private Source(Iterator<Object> items, Map<String, Object> error, Long length) {
      this.items = items;
      this.error = error;
      this.length = length;
    }
  }

  /** Runs before a {@code stream_batch} is answered; false when it answered the call itself. */
  @FunctionalInterface
  public interface BatchHook {
    boolean before(ScriptedWorker.Call call, int number) throws IOException;
  }

  private final Function<ScriptedWorker.Call, Object> functions;
  private final Map<String, Source> open = new ConcurrentHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger batches = new AtomicInteger();
  private volatile BatchHook hook = (call, number) -> true;

  /**
   * @param functions what {@code module.function} returns: a {@link Source} (streamed, or a stream
   *     reference for the {@code call} op), or any other value (one item); null for a function
   *     these streams do not know
   */
  public FakeStreams(Function<ScriptedWorker.Call, Object> functions) {
    this.functions = functions;
  }

  /** An iterator over these items. */
  public static Source of(Object... items) {
    return new Source(new ArrayList<>(Arrays.asList(items)).iterator(), null, null);
  }

  /** {@code iter(range(n))}: it has a length. */
  public static Source range(long n) {
    Iterator<Object> numbers =
        new Iterator<>() {
          long next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public Object next() {
            if (next == n) {
              throw new NoSuchElementException();
            }
            return next++;
          }
        };
    return new Source(numbers, null, n);
  }

  /** A generator that yields {@code items}, then raises {@code error} (an ERROR dict). */
  public static Source failing(Map<String, Object> error, Object... items) {
    return new Source(new ArrayList<>(Arrays.asList(items)).iterator(), error, null);
  }

  /** Sets what runs before each {@code stream_batch} is answered (number 1 is the first). */
  public FakeStreams onBatch(BatchHook hook) {
    this.hook = hook;
    return this;
  }

  /** Every op received, such as {@code "stream gen 3"}, {@code "stream_batch s1 3"}. */
  public List<String> log() {
    return log;
  }

  /** The reference ids of the iterators still registered. */
  public List<String> open() {
    return new ArrayList<>(open.keySet());
  }

  /** Answers a stream op, or a {@code call} of a known function; false for any other CALL. */
  public boolean handle(ScriptedWorker.Call call) throws IOException {
    switch (call.op()) {
      case "call":
        return call(call);
      case "stream":
        stream(call);
        return true;
      case "stream_batch":
      case "stream_next":
      case "stream_len":
      case "stream_close":
        onRef(call);
        return true;
      default:
        return false;
    }
  }

  private boolean call(ScriptedWorker.Call call) throws IOException {
    Object made = functions.apply(call);
    if (!(made instanceof Source)) {
      return false;
    }
    log.add("call " + call.target());
    call.reply(register(call, (Source) made));
    return true;
  }

  private WireRef register(ScriptedWorker.Call call, Source source) {
    String id = "s" + ids.incrementAndGet();
    open.put(id, source);
    return new WireRef(id, call.sessionId(), "builtins.generator", "builtins", true);
  }

  private void stream(ScriptedWorker.Call call) throws IOException {
    long batch = (Long) call.operand(6);
    log.add("stream " + call.target() + " " + batch);
    Object made = functions.apply(call);
    if (!(made instanceof Source)) {
      call.reply(PyTuple.of(null, Arrays.asList(made), true));
      return;
    }
    WireRef ref = register(call, (Source) made);
    if (batch == 0) {
      call.reply(PyTuple.of(ref, List.of(), false));
      return;
    }
    Source source = (Source) made;
    List<Object> items = take(source, batch);
    if (items == null) {
      open.remove(ref.refId());
      call.error(source.error);
      return;
    }
    call.reply(PyTuple.of(ref, items, done(source)));
  }

  private void onRef(ScriptedWorker.Call call) throws IOException {
    WireRef target = call.ref();
    String id = target.refId();
    log.add(call.op() + " " + id + (call.op().equals("stream_batch") ? " " + call.operand(3) : ""));
    Source source = open.get(id);
    if (source == null) {
      Map<String, Object> error =
          ScriptedWorker.pythonError("snakebridge_worker.RefNotFound", "unknown reference " + id);
      error.put("kind", "ref_not_found");
      error.put("ref_id", id);
      error.put("session_id", target.sessionId());
      error.put("call_session_id", call.sessionId());
      call.error(error);
      return;
    }
    switch (call.op()) {
      case "stream_batch":
        {
          if (!hook.before(call, batches.incrementAndGet())) {
            return;
          }
          List<Object> items = take(source, (Long) call.operand(3));
          if (items == null) {
            call.error(source.error);
          } else {
            call.reply(PyTuple.of(items, done(source)));
          }
          break;
        }
      case "stream_next":
        {
          List<Object> items = take(source, 1);
          if (items == null) {
            call.error(source.error);
          } else {
            call.reply(items.isEmpty() ? PyTuple.of(false, null) : PyTuple.of(true, items.get(0)));
          }
          break;
        }
      case "stream_len":
        call.reply(source.length);
        break;
      default:
        open.remove(id);
        call.reply(null);
    }
  }

  /** Up to {@code count} items; null when the source raises before the first one. */
  private static List<Object> take(Source source, long count) {
    List<Object> items = new ArrayList<>();
    while (items.size() < count && source.items.hasNext()) {
      items.add(source.items.next());
    }
    if (items.size() < count && source.error != null && !source.raised) {
      if (items.isEmpty()) {
        source.raised = true;
        return null;
      }
    }
    return items;
  }

  /** Exhausted: no item left and no error to raise. */
  private static boolean done(Source source) {
    return !source.items.hasNext() && (source.error == null || source.raised);
  }
}
