package io.snakebridge.it;

import io.snakebridge.FakeRuntimes;
import io.snakebridge.SnakeBridgeRuntime;
import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.WireCallback;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker contract against the scripted fake: the standard library functions the contract calls,
 * scripted as CPython answers them.
 */
class ScriptedWorkerContractTest extends WorkerContract {
  private final AtomicLong refIds = new AtomicLong();

  @Override
  protected SnakeBridgeRuntime newRuntime() {
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("contract");
    settings.poolSize(1);
    FakeSpawner spawner = new FakeSpawner(worker -> worker.onCall(this::answer).answerCancels());
    // Real time: the contract's timeout must pass as it does for a real worker.
    return FakeRuntimes.build(settings, spawner, Ticker.SYSTEM);
  }

  private void answer(ScriptedWorker.Call call) throws IOException {
    switch (call.op() + " " + call.module() + "." + call.target()) {
      case "call builtins.len" -> call.reply((long) ((String) call.args().get(0)).length());
      case "call builtins.int" ->
          call.error(
              ScriptedWorker.pythonError(
                  "builtins.ValueError",
                  "invalid literal for int() with base 10: " + call.args().get(0),
                  "builtins.ValueError",
                  "builtins.Exception",
                  "builtins.BaseException"));
      case "call time.sleep" -> {} // never answers: the runtime cancels it at its deadline
      case "call_class builtins.object" ->
          call.reply(call.newRef("r" + refIds.incrementAndGet(), "builtins.object"));
      case "call builtins.max" -> call.reply(max(call));
      default -> answerMethod(call);
    }
  }

  private static void answerMethod(ScriptedWorker.Call call) throws IOException {
    if (call.op().equals("call_method") && call.target().equals("__str__")) {
      WireRef ref = call.ref();
      call.reply("<object object at 0x" + Integer.toHexString(ref.refId().hashCode()) + ">");
      return;
    }
    call.error(
        ScriptedWorker.pythonError(
            "builtins.NotImplementedError",
            "the contract's fake does not script " + call.op() + " " + call.target()));
  }

  /** {@code max(items, key=callback)}: the key of each item comes from the Java callback. */
  private static Object max(ScriptedWorker.Call call) throws IOException {
    WireCallback key = (WireCallback) call.kwargs().get("key");
    Object best = null;
    long bestKey = Long.MIN_VALUE;
    for (Object item : (List<?>) call.args().get(0)) {
      ScriptedWorker.Answer answer = call.callback(key, List.of(item), Map.of());
      long itemKey = ((Number) answer.value()).longValue();
      if (best == null || itemKey > bestKey) {
        best = item;
        bestKey = itemKey;
      }
    }
    return best;
  }
}
