package io.snakebridge.internal.runtime;

import io.snakebridge.Affinity;
import io.snakebridge.CallOptions;
import io.snakebridge.ConversionException;
import io.snakebridge.PoolOptions;
import io.snakebridge.PoolStats;
import io.snakebridge.PyRef;
import io.snakebridge.PythonInfo;
import io.snakebridge.SessionLostException;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.CallControl;
import io.snakebridge.internal.pool.CallLease;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.pool.Ticker;
import io.snakebridge.internal.pool.WorkerPool;
import io.snakebridge.internal.session.RefFactory;
import io.snakebridge.internal.session.SessionScopes;
import io.snakebridge.internal.session.SessionState;
import io.snakebridge.internal.session.SessionTable;
import io.snakebridge.internal.worker.PythonSpawner;
import io.snakebridge.internal.worker.WorkerFiles;
import io.snakebridge.internal.worker.WorkerSpawner;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The implementation behind {@link io.snakebridge.SnakeBridgeRuntime}: has each call built on the
 * caller's thread ({@link CallRequests}: arguments checked, session chosen, CALL encoded) and runs
 * it on one of its pools ({@link Pools} routes it; inside a callback it runs on the worker that
 * called back); the async variants run the same call on the runtime's async threads. Owns the
 * pools, the sessions, the callbacks and the threads.
 *
 * <p>Thread-safe.
 */
public final class RealRuntime {
  /** How long close() lets running calls finish before it stops their workers. */
  static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final Logger LOG = System.getLogger("io.snakebridge.session");

  private final RuntimeConfig config;
  private final ValueWriter writer;
  private final Pools pools;
  private final CallRunner runner;
  private final ExecutorService async;
  private final Ticker ticker;
  private final SessionTable sessions;
  private final CallbackTable callbacks = new CallbackTable();
  private final CallRequests requests;
  private final @Nullable ExecutorService ownCallbackExecutor;
  private final Thread housekeeper;
  private final Streams streams;

  /** Creates a runtime that starts real Python workers. */
  public RealRuntime(RuntimeConfig config, RefFactory refs) {
    this(config, spawners(config), Ticker.SYSTEM, refs);
  }

  /** Creates a runtime whose pools all start workers with {@code spawner}, over any clock. */
  public RealRuntime(RuntimeConfig config, WorkerSpawner spawner, Ticker ticker, RefFactory refs) {
    this(config, (Function<String, WorkerSpawner>) name -> spawner, ticker, refs);
  }

  /** Creates a runtime over any spawner per pool name and any clock. */
  public RealRuntime(
      RuntimeConfig config,
      Function<String, WorkerSpawner> spawners,
      Ticker ticker,
      RefFactory refs) {
    this.config = config;
    this.ticker = ticker;
    this.writer = new ValueWriter(config.limits());
    ValueReader reader = new ValueReader(config.limits());
    this.async = daemonThreads("async");
    this.sessions = new SessionTable(config.name(), refs, ticker, writer, this::releaseIn, async);
    sessions.onEnd(callbacks::dropSession);
    this.requests = new CallRequests(this, writer, sessions, callbacks);
    Executor callbackExecutor = config.callbackExecutor();
    this.ownCallbackExecutor =
        callbackExecutor == null ? daemonThreads("callback", CallbackDispatcher.MAX_THREADS) : null;
    CallbackDispatcher dispatcher =
        new CallbackDispatcher(
            this,
            callbackExecutor != null
                ? callbackExecutor
                : Objects.requireNonNull(ownCallbackExecutor), // made just above
            sessions,
            callbacks,
            reader,
            writer);
    Map<String, WorkerPool> byName = new LinkedHashMap<>();
    config
        .pools()
        .forEach(
            (name, options) ->
                byName.put(
                    name,
                    new WorkerPool(
                        config.name(),
                        name,
                        options,
                        spawners.apply(name),
                        ticker,
                        config.eventListener(),
                        (worker, process) ->
                            process.connection().onCallback(dispatcher.handlerFor(worker)))));
    this.pools = new Pools(config.name(), byName);
    this.runner = new CallRunner(config.name(), reader, ticker, callbacks);
    this.streams =
        new Streams(
            this,
            requests,
            sessions,
            async,
            config.defaultPool().defaultTimeout(),
            config.streamBatchSize());
    this.housekeeper =
        new Thread(sessions::runHousekeeping, "snakebridge-" + config.name() + "-sessions");
    housekeeper.setDaemon(true);
    housekeeper.start();
    for (WorkerPool pool : pools.all()) {
      pool.startWatchdog();
      if (config.eagerStart()) {
        pool.startAll();
      }
    }
    if (config.eagerStart()) {
      awaitFirstWorkers();
    }
  }

  /**
   * Waits until each pool has a worker ready, so that an eager runtime whose workers cannot start
   * fails to build; closes the runtime and rethrows the pool's failure then.
   */
  private void awaitFirstWorkers() {
    try {
      for (WorkerPool pool : pools.all()) {
        // Longer than a start may take: a start that overruns fails the lease by itself.
        Duration timeout = pool.options().startupTimeout().multipliedBy(2);
        pool.release(pool.lease(ticker.read() + CallRunner.nanos(timeout), timeout, null, null));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private ExecutorService daemonThreads(String role) {
    return daemonThreads(role, Integer.MAX_VALUE);
  }

  /** Threads created as needed, at most {@code max} at once; a task beyond that is refused. */
  private ExecutorService daemonThreads(String role, int max) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        max,
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        task -> {
          Thread thread =
              new Thread(
                  task,
                  "snakebridge-" + config.name() + "-" + role + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** One spawner per pool, sharing the extracted worker package. */
  private static Function<String, WorkerSpawner> spawners(RuntimeConfig config) {
    WorkerFiles files =
        new WorkerFiles(RealRuntime.class.getClassLoader(), config.cacheDirectory());
    return name -> {
      PoolOptions options = Objects.requireNonNull(config.pools().get(name), name);
      return new PythonSpawner(
          options.python(),
          options.environment(),
          config.workingDirectory(),
          files,
          strings(options.pythonPath()),
          strings(config.helperPaths()),
          config.limits(),
          options.threadsPerWorker(),
          options.workerMemoryLimit().orElse(0),
          System.getLogger("io.snakebridge.worker"),
          config.pythonHints().get(name),
          config.sharedMemory());
    };
  }

  private static List<String> strings(List<Path> paths) {
    List<String> strings = new ArrayList<>(paths.size());
    for (Path path : paths) {
      strings.add(path.toString());
    }
    return strings;
  }

  /** Returns the runtime's name. */
  public String name() {
    return config.name();
  }

  // ---- calls -------------------------------------------------------------------------------

  /** Calls {@code module.function(*args, **options.kwargs())}. */
  public Object call(String module, String function, List<?> args, CallOptions options) {
    CallPlan plan = requests.call(module, function, args, options, true);
    return run(plan, options, module, function, null);
  }

  /** Like {@link #call}, on one of the runtime's async threads. */
  public CompletableFuture<Object> callAsync(
      String module, String function, List<?> args, CallOptions options) {
    return async(
        () -> requests.call(module, function, args, options, false),
        options,
        module,
        function,
        Function.identity());
  }

  /** Returns {@code module.attr}; the attribute may be dotted. */
  public Object getModuleAttr(String module, String attr) {
    CallPlan plan = requests.moduleAttr(module, attr, true);
    return run(plan, CallOptions.defaults(), module, attr, null);
  }

  /** Returns {@code module.attr} with the options' timeout and session; no kwargs. */
  public Object getModuleAttr(String module, String attr, CallOptions options) {
    CallPlan plan = requests.moduleAttr(module, attr, options, true);
    return run(plan, options, module, attr, null);
  }

  /** Like {@link #getModuleAttr}, on one of the runtime's async threads. */
  public CompletableFuture<Object> getModuleAttrAsync(String module, String attr) {
    return async(
        () -> requests.moduleAttr(module, attr, false),
        CallOptions.defaults(),
        module,
        attr,
        Function.identity());
  }

  /** Calls {@code module.className(*args, **kwargs)}, which must return a reference. */
  public PyRef callClass(String module, String className, List<?> args, CallOptions options) {
    CallPlan plan = requests.callClass(module, className, args, options, true);
    return instance(run(plan, options, module, className, null), module, className);
  }

  /** Like {@link #callClass}, on one of the runtime's async threads. */
  public CompletableFuture<PyRef> callClassAsync(
      String module, String className, List<?> args, CallOptions options) {
    return async(
        () -> requests.callClass(module, className, args, options, false),
        options,
        module,
        className,
        result -> instance(result, module, className));
  }

  private static PyRef instance(Object result, String module, String className) {
    if (result instanceof PyRef) {
      return (PyRef) result;
    }
    // A worker following §5.3 always answers call_class with a reference.
    throw new ConversionException(
        "callClass expects a reference to the new instance, but "
            + module
            + "."
            + className
            + " came back by value ("
            + (result == null ? "None" : result.getClass().getName())
            + "); the worker does not follow WIRE-PROTOCOL.md §5.3",
        null,
        null,
        "result");
  }

  /** Calls {@code ref.method(*args, **kwargs)}. */
  public Object callMethod(PyRef ref, String method, List<?> args, CallOptions options) {
    CallPlan plan = requests.callMethod(ref, method, args, options, true);
    return run(plan, options, ref.typeName(), method, null);
  }

  /** Like {@link #callMethod}, on one of the runtime's async threads. */
  public CompletableFuture<Object> callMethodAsync(
      PyRef ref, String method, List<?> args, CallOptions options) {
    return async(
        () -> requests.callMethod(ref, method, args, options, false),
        options,
        ref.typeName(),
        method,
        Function.identity());
  }

  /** Returns {@code getattr(ref, attr)}. */
  public Object getAttr(PyRef ref, String attr, CallOptions options) {
    CallPlan plan = requests.getAttr(ref, attr, options, true);
    return run(plan, options, ref.typeName(), attr, null);
  }

  /** Like {@link #getAttr}, on one of the runtime's async threads. */
  public CompletableFuture<Object> getAttrAsync(PyRef ref, String attr, CallOptions options) {
    return async(
        () -> requests.getAttr(ref, attr, options, false),
        options,
        ref.typeName(),
        attr,
        Function.identity());
  }

  /** Runs {@code setattr(ref, attr, value)}. */
  public void setAttr(PyRef ref, String attr, Object value, CallOptions options) {
    CallPlan plan = requests.setAttr(ref, attr, value, options, true);
    run(plan, options, ref.typeName(), attr, null);
  }

  /** Like {@link #setAttr}, on one of the runtime's async threads. */
  public CompletableFuture<Void> setAttrAsync(
      PyRef ref, String attr, Object value, CallOptions options) {
    return async(
        () -> requests.setAttr(ref, attr, value, options, false),
        options,
        ref.typeName(),
        attr,
        ignored -> null);
  }

  /** Calls the helper {@code name} ({@code module.function} under a helper folder). */
  public Object callHelper(String helper, List<?> args, CallOptions options) {
    CallPlan plan = requests.helper(helper, args, options, true);
    return run(plan, options, "helper", helper, null);
  }

  /** Like {@link #callHelper}, on one of the runtime's async threads. */
  public CompletableFuture<Object> callHelperAsync(
      String helper, List<?> args, CallOptions options) {
    return async(
        () -> requests.helper(helper, args, options, false),
        options,
        "helper",
        helper,
        Function.identity());
  }

  // ---- streams (WIRE-PROTOCOL.md §6) -------------------------------------------------------

  /** Streams {@code module.function}'s result to {@code onItem}, batched, one batch ahead. */
  public void stream(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    streams.stream(module, function, args, options, onItem);
  }

  /** Streams {@code module.function}'s result to {@code onItem}, one call per item. */
  public void streamDynamic(
      String module, String function, List<?> args, CallOptions options, Consumer<Object> onItem) {
    streams.streamDynamic(module, function, args, options, onItem);
  }

  /** Opens the batched stream of {@code module.function}'s result. */
  public StreamCursor openStream(
      String module, String function, List<?> args, CallOptions options) {
    return streams.open(module, function, args, options);
  }

  /** A per-item view of a stream reference; takes only what is asked for. */
  public StreamCursor openStream(PyRef stream) {
    return streams.view(stream, null);
  }

  /** Like {@link #openStream(PyRef)}, waiting at most {@code timeout} for each item. */
  public StreamCursor openStream(PyRef stream, Duration timeout) {
    return streams.view(stream, Objects.requireNonNull(timeout, "timeout"));
  }

  /** Takes the next item of a stream reference (None as PyNone.NONE); empty once exhausted. */
  public Optional<Object> streamNext(PyRef stream) {
    return streams.streamNext(Objects.requireNonNull(stream, "stream"), null);
  }

  /** Like {@link #streamNext(PyRef)}, waiting at most {@code timeout}. */
  public Optional<Object> streamNext(PyRef stream, Duration timeout) {
    return streams.streamNext(
        Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(timeout, "timeout"));
  }

  /** Python's {@code len()} of a stream reference, empty when it has none. */
  public OptionalLong streamLen(PyRef stream) {
    return streams.streamLen(Objects.requireNonNull(stream, "stream"));
  }

  /** Closes a stream reference in Python (its finally blocks run) and releases it; idempotent. */
  public void closeStream(PyRef stream) {
    Objects.requireNonNull(stream, "stream");
    streams.close(stream, streams.defaultTimeout(), stream.typeName());
  }

  /** A cold publisher of {@code module.function}'s items; see {@link StreamSubscription}. */
  public Flow.Publisher<Object> publisher(
      String module, String function, List<?> args, CallOptions options) {
    CallRequests.checkName(module, "module");
    CallRequests.checkName(function, "function");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(options, "options");
    return StreamPublisher.ofCall(streams, async, module, function, args, options);
  }

  /** A publisher of a stream reference's items, for one subscriber. */
  public Flow.Publisher<Object> publisher(PyRef stream) {
    return StreamPublisher.ofRef(streams, async, Objects.requireNonNull(stream, "stream"));
  }

  /** Returns what a worker's handshake reported, starting a worker if none has started yet. */
  public PythonInfo pythonInfo() {
    PythonInfo known = pools.main().lastInfo();
    if (known != null) {
      return known;
    }
    checkOpen();
    WorkerPool pool = pools.main();
    Duration timeout = pool.options().startupTimeout().plus(pool.options().defaultTimeout());
    CallLease lease = pool.lease(ticker.read() + CallRunner.nanos(timeout), timeout, null, null);
    try {
      return Objects.requireNonNull(lease.process().info()); // set by the handshake
    } finally {
      pool.release(lease);
    }
  }

  /** Returns the id of the session a call without options would use now. */
  public String currentSession() {
    return requests.currentSession();
  }

  /** Forgets this thread's automatic session without releasing it. */
  public void clearAutoSession() {
    sessions.clearAuto();
  }

  /** Releases this thread's automatic session and forgets it. */
  public void releaseAutoSession() {
    sessions.releaseAuto();
  }

  /** Releases one reference (idempotent). */
  public void releaseRef(PyRef ref) {
    sessions.release(Objects.requireNonNull(ref, "ref"));
  }

  /** Releases a session in every worker that holds part of it (idempotent). */
  public void releaseSession(String sessionId) {
    CallRequests.checkName(sessionId, "sessionId");
    sessions.release(sessionId);
  }

  /** Runs a context manager's {@code with} block; see {@link ContextBlock}. */
  public <T> @Nullable T with(
      PyRef manager, java.util.function.Function<Object, ? extends T> body) {
    return new ContextBlock(this, callbacks).run(manager, body);
  }

  /**
   * Asks every running worker for its sessions (the {@code sessions} op) and returns each session's
   * live references, summed over the workers.
   */
  public Map<String, Long> sessionStats() {
    checkOpen();
    Map<String, Long> totals = new TreeMap<>();
    EncodedValue request = writer.encodeTuple(new Object[] {"sessions", null}, null);
    List<PooledWorker> started = new ArrayList<>();
    for (WorkerPool pool : pools.all()) {
      started.addAll(pool.startedWorkers());
    }
    for (PooledWorker worker : started) {
      Object value;
      try {
        value = runner.run(request, on(worker, sessions.detached()), internal(worker, "sessions"));
      } catch (SessionLostException gone) {
        continue;
      }
      if (value instanceof Map) {
        ((Map<?, ?>) value)
            .forEach(
                (id, count) -> {
                  long live = count instanceof Number ? ((Number) count).longValue() : 0L;
                  if (live > 0) {
                    totals.merge(String.valueOf(id), live, Long::sum);
                  }
                });
      }
    }
    return totals;
  }

  /**
   * Releases a whole session in one worker: the {@code release_session} op (WIRE-PROTOCOL.md §5.3),
   * waiting for the worker if it is busy. A worker that is gone took the session with it.
   */
  private void releaseIn(SessionState state, PooledWorker worker) {
    EncodedValue request = writer.encodeTuple(new Object[] {"release_session", state.wire()}, null);
    try {
      runner.run(request, on(worker, state), internal(worker, "release_session"));
    } catch (SessionLostException | IllegalStateException gone) {
      // The worker, or the whole runtime, is gone: the session went with it.
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          () ->
              "runtime '"
                  + config.name()
                  + "': could not release "
                  + state
                  + " in Python worker "
                  + worker.id()
                  + ": "
                  + e);
    }
  }

  /** How the runtime's own calls run on {@code worker}: its pool's default timeout, waiting. */
  private static CallSpec internal(PooledWorker worker, String op) {
    WorkerPool pool = worker.pool();
    return new CallSpec(
        pool,
        pool.options().defaultTimeout(),
        Affinity.STRICT_QUEUE,
        false,
        null,
        "snakebridge_worker",
        op,
        true);
  }

  /**
   * Returns a snapshot of pool {@code name}.
   *
   * @throws IllegalArgumentException when the runtime has no such pool
   */
  public PoolStats poolStats(String name) {
    return pools.named(name).stats();
  }

  /** Returns a snapshot of every pool, the default one first. */
  public List<PoolStats> allPoolStats() {
    return pools.stats();
  }

  /**
   * A plan that runs on {@code worker}: directly when this thread runs a callback of that worker
   * (which waits for it), else by leasing exactly that worker.
   */
  private CallPlan on(PooledWorker worker, SessionState state) {
    CallbackScope scope = CallbackScope.current(this);
    boolean inside = scope != null && scope.worker() == worker;
    CallPlan plan = new CallPlan(sessions, callbacks, state, true, inside ? worker : null);
    if (!inside) {
      plan.pin(worker);
    }
    return plan;
  }

  /** One session housekeeping step at {@code now}; tests drive it with their own clock. */
  public long housekeep(long now) {
    return sessions.housekeep(now);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Closes the runtime; see {@link io.snakebridge.SnakeBridgeRuntime#close()}. */
  public void close() {
    pools.close(CLOSE_GRACE_NANOS);
    async.shutdown();
    if (ownCallbackExecutor != null) {
      ownCallbackExecutor.shutdown();
    }
    sessions.close();
    housekeeper.interrupt();
  }

  /**
   * Runs a stream op's plan (WIRE-PROTOCOL.md §6) on this thread, in the pool {@code options} name
   * (an op on a stream reference runs where the reference lives, whatever the name).
   */
  Object runStreamOp(
      CallPlan plan,
      CallOptions options,
      Duration timeout,
      Affinity affinity,
      String module,
      String target) {
    WorkerPool pool = pools.route(plan, options.pool());
    return runner.run(
        plan.request(),
        plan,
        new CallSpec(pool, timeout, affinity, false, null, module, target, false));
  }

  /** Runs a built plan in its pool, on this thread. */
  private Object run(
      CallPlan plan,
      CallOptions options,
      String module,
      String target,
      @Nullable CallControl control) {
    WorkerPool pool = pools.route(plan, options.pool());
    Duration timeout = options.timeout().orElse(pool.options().defaultTimeout());
    return runner.run(
        plan.request(),
        plan,
        new CallSpec(
            pool,
            timeout,
            options.affinity(),
            options.idempotent(),
            control,
            module,
            target,
            false));
  }

  private <T> CompletableFuture<T> async(
      Supplier<CallPlan> prepare,
      CallOptions options,
      String module,
      String target,
      Function<Object, T> result) {
    CallPlan plan;
    try {
      plan = prepare.get();
      pools.route(plan, options.pool()); // an unknown pool is misuse: thrown here
    } catch (NullPointerException | IllegalArgumentException | IllegalStateException misuse) {
      throw misuse;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String sessionId = plan.session().id();
    boolean retained = SessionScopes.retainAsync(sessionId);
    CallControl control = new CallControl();
    CallFuture<T> future = new CallFuture<>(control);
    Runnable task =
        () -> {
          try {
            if (!future.isDone()) { // a future cancelled before the task started never runs
              future.complete(result.apply(run(plan, options, module, target, control)));
            }
          } catch (Throwable t) {
            future.completeExceptionally(t);
          } finally {
            if (retained) {
              SessionScopes.releaseAsync(sessionId);
            }
          }
        };
    try {
      async.execute(task);
    } catch (RejectedExecutionException e) {
      if (retained) {
        SessionScopes.releaseAsync(sessionId);
      }
      future.completeExceptionally(
          new IllegalStateException("runtime '" + config.name() + "' is closed", e));
    }
    return future;
  }

  /**
   * Throws {@link IllegalArgumentException}, naming the pools, unless there is pool {@code name}.
   */
  void checkPool(String name) {
    pools.named(name);
  }

  /** Returns whether the runtime is closed. */
  public boolean isClosed() {
    return pools.main().isClosed();
  }

  /** Throws {@link IllegalStateException} when the runtime is closed. */
  void checkOpen() {
    if (pools.main().isClosed()) {
      throw new IllegalStateException("runtime '" + config.name() + "' is closed");
    }
  }
}
