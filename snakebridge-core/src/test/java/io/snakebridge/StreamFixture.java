package io.snakebridge;

import io.snakebridge.fakes.FakeSpawner;
import io.snakebridge.fakes.FakeStreams;
import io.snakebridge.fakes.FakeTicker;
import io.snakebridge.fakes.ScriptedWorker;
import io.snakebridge.internal.codec.WireCallback;
import io.snakebridge.internal.codec.WireRef;
import io.snakebridge.internal.runtime.RuntimeSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A runtime of one scripted worker that serves fake Python streams ({@link FakeStreams}); the
 * functions a test calls, by name: {@code gen(n)} yields 0..n-1 (and has a length), {@code single}
 * returns 4.0 (not iterable), {@code nones} yields None, 1, None, {@code fails} yields 1, 2, 3,
 * then raises ValueError, {@code refs} yields two objects held by reference; {@code
 * with_callback(f)} calls the Java function {@code f} and returns its result, any reference op
 * answers {@code "<op> <ref id>"}, and any other call returns its arguments, or, when they hold
 * references, {@code "received"} (keeping them in {@link #lastArgs}).
 */
final class StreamFixture implements AutoCloseable {
  final FakeStreams streams = new FakeStreams(StreamFixture::function);
  final FakeSpawner spawner;
  final SnakeBridgeRuntime python;

  /** The arguments of the last call that passed references, as the worker read them. */
  volatile List<?> lastArgs;

  StreamFixture(int batchSize) {
    spawner = new FakeSpawner(worker -> worker.onCall(this::handle));
    RuntimeSettings settings = new RuntimeSettings();
    settings.name("streams");
    settings.poolSize(1);
    settings.streamBatchSize(batchSize);
    python = FakeRuntimes.build(settings, spawner, new FakeTicker());
  }

  private static Object function(ScriptedWorker.Call call) {
    switch (call.target()) {
      case "gen":
        return FakeStreams.range((Long) call.args().get(0));
      case "nones":
        return FakeStreams.of(null, 1L, null);
      case "fails":
        return FakeStreams.failing(
            ScriptedWorker.pythonError(
                "builtins.ValueError", "boom", "builtins.ValueError", "builtins.Exception"),
            1L,
            2L,
            3L);
      case "refs":
        return FakeStreams.of(
            call.newRef("r1", "pandas.DataFrame"), call.newRef("r2", "pandas.DataFrame"));
      case "single":
        return 4.0;
      default:
        return null;
    }
  }

  private void handle(ScriptedWorker.Call call) throws IOException {
    if (streams.handle(call)) {
      return;
    }
    if (call.op().equals("call") && call.target().equals("with_callback")) {
      WireCallback callback = (WireCallback) call.args().get(0);
      call.reply(call.callback(callback, List.of(), Map.of()).value());
    } else if (call.op().startsWith("call_method")) {
      call.reply(call.op() + " " + call.ref().refId());
    } else if (call.args().stream().anyMatch(arg -> arg instanceof WireRef)) {
      lastArgs = call.args();
      call.reply("received");
    } else {
      call.reply(call.args());
    }
  }

  ScriptedWorker worker() {
    return spawner.spawned().get(0);
  }

  @Override
  public void close() {
    python.close();
  }
}
