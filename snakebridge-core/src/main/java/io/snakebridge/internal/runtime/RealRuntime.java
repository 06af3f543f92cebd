package io.snakebridge.internal.runtime;

import io.snakebridge.CallOptions;
import io.snakebridge.PythonInfo;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.pool.WorkerPool;
import io.snakebridge.internal.worker.PythonSpawner;
import io.snakebridge.internal.worker.WorkerFiles;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The implementation behind {@link io.snakebridge.SnakeBridgeRuntime}: checks arguments, encodes
 * them on the caller's thread, and runs calls on its pool; the async variants run the same call
 * on the runtime's async threads.
 *
 * <p>Thread-safe.
 */
public final class RealRuntime {
  /** How long close() lets running calls finish before it stops their workers. */
  static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final String[] CALL_NAMES = {null, null, null, null, "args", "kwargs"};

  private final RuntimeConfig config;
  private final ValueWriter writer;
  private final WorkerPool pool;
  private final CallRunner runner;
  private final ExecutorService async;
  private final Ticker ticker;

  /** Creates a runtime that starts real Python workers. */
  public RealRuntime(RuntimeConfig config) {
    this(config, spawner(config), Ticker.SYSTEM);
  }

  /** Creates a runtime over any spawner and clock. */
  public RealRuntime(RuntimeConfig config, WorkerSpawner spawner, Ticker ticker) {
    this.config = config;
    this.ticker = ticker;
    this.writer = new ValueWriter(config.limits());
    this.pool = new WorkerPool(
        config.name(), config.poolSize(), spawner, ticker, config.startupTimeout());
    this.runner = new CallRunner(config.name(), pool, new ValueReader(config.limits()), ticker);
    AtomicInteger count = new AtomicInteger();
    this.async = Executors.newCachedThreadPool(task -> {
      Thread thread =
          new Thread(task, "snakebridge-" + config.name() + "-async-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pool.startWatchdog();
    if (config.eagerStart()) {
      pool.startAll();
    }
  }

  private static WorkerSpawner spawner(RuntimeConfig config) {
    List<String> paths = new ArrayList<>();
    for (Path path : config.pythonPath()) {
      paths.add(path.toString());
    }
    return new PythonSpawner(
        config.python(),
        config.environment(),
        config.workingDirectory(),
        new WorkerFiles(RealRuntime.class.getClassLoader(), config.cacheDirectory()),
        paths,
        config.limits(),
        System.getLogger("io.snakebridge.worker"));
  }

  /** Returns the runtime's name. */
  public String name() {
    return config.name();
  }

  /** Calls {@code module.function(*args, **options.kwargs())}. */
  public Object call(String module, String function, List<?> args, CallOptions options) {
    EncodedValue request = encodeCall(module, function, args, options);
    return runner.run(request, timeout(options), module, function);
  }

  /** Like {@link #call}, on one of the runtime's async threads. */
  public CompletableFuture<Object> callAsync(
      String module, String function, List<?> args, CallOptions options) {
    EncodedValue request;
    try {
      request = encodeCall(module, function, args, options);
    } catch (NullPointerException | IllegalArgumentException | IllegalStateException misuse) {
      throw misuse;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration timeout = timeout(options);
    return submit(() -> runner.run(request, timeout, module, function));
  }

  /** Returns {@code module.attr}; the attribute may be dotted. */
  public Object getModuleAttr(String module, String attr) {
    EncodedValue request = encodeAttr(module, attr);
    return runner.run(request, config.defaultTimeout(), module, attr);
  }

  /** Like {@link #getModuleAttr}, on one of the runtime's async threads. */
  public CompletableFuture<Object> getModuleAttrAsync(String module, String attr) {
    EncodedValue request;
    try {
      request = encodeAttr(module, attr);
    } catch (NullPointerException | IllegalArgumentException | IllegalStateException misuse) {
      throw misuse;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return submit(() -> runner.run(request, config.defaultTimeout(), module, attr));
  }

  /** Returns what a worker's handshake reported, starting a worker if none has started yet. */
  public PythonInfo pythonInfo() {
    PythonInfo known = pool.lastInfo();
    if (known != null) {
      return known;
    }
    checkOpen();
    Duration timeout = config.startupTimeout().plus(config.defaultTimeout());
    PooledWorker worker = pool.lease(ticker.read() + CallRunner.nanos(timeout), timeout);
    try {
      return worker.process().info();
    } finally {
      pool.release(worker);
    }
  }

  /** Closes the runtime; see {@link io.snakebridge.SnakeBridgeRuntime#close()}. */
  public void close() {
    pool.close(CLOSE_GRACE_NANOS);
    async.shutdown();
  }

  private EncodedValue encodeCall(
      String module, String function, List<?> args, CallOptions options) {
    checkName(module, "module");
    checkName(function, "function");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(options, "options");
    if (!CallOptions.DEFAULT_POOL.equals(options.pool())) {
      throw new IllegalArgumentException(
          "unknown pool '" + options.pool() + "': runtime '" + config.name()
              + "' has only the pool '" + CallOptions.DEFAULT_POOL + "'");
    }
    checkOpen();
    return writer.encodeTuple(
        new Object[] {"call", null, module, function, args, options.kwargs()}, CALL_NAMES);
  }

  private EncodedValue encodeAttr(String module, String attr) {
    checkName(module, "module");
    checkName(attr, "attr");
    checkOpen();
    return writer.encodeTuple(new Object[] {"module_attr", null, module, attr}, null);
  }

  private Duration timeout(CallOptions options) {
    return options.timeout().orElse(config.defaultTimeout());
  }

  private CompletableFuture<Object> submit(Supplier<Object> call) {
    try {
      return CompletableFuture.supplyAsync(call, async);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("runtime '" + config.name() + "' is closed", e));
    }
  }

  private void checkOpen() {
    if (pool.isClosed()) {
      throw new IllegalStateException("runtime '" + config.name() + "' is closed");
    }
  }

  private static void checkName(String value, String parameter) {
    Objects.requireNonNull(value, parameter);
    if (value.isBlank()) {
      throw new IllegalArgumentException(parameter + " must not be blank");
    }
  }
}
