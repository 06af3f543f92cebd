package io.snakebridge.internal.session;

import io.snakebridge.PyRef;
import io.snakebridge.internal.pool.PooledWorker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A runtime's record of one live {@link PyRef}: weakly held, so that the {@code PyRef} becoming
 * unreachable puts this entry on the table's reference queue, with what releasing it needs (its
 * worker, its session, how many times the JVM has read it, WIRE-PROTOCOL.md §5.2).
 *
 * <p>Thread-safe: {@code received} and {@code dropped} are updated atomically; the rest is final.
 */
final class RefEntry extends WeakReference<PyRef> {
  private static final AtomicIntegerFieldUpdater<RefEntry> RECEIVED =
      AtomicIntegerFieldUpdater.newUpdater(RefEntry.class, "received");
  private static final AtomicIntegerFieldUpdater<RefEntry> DROPPED =
      AtomicIntegerFieldUpdater.newUpdater(RefEntry.class, "dropped");
  private static final AtomicIntegerFieldUpdater<RefEntry> LIVE =
      AtomicIntegerFieldUpdater.newUpdater(RefEntry.class, "live");

  final String refId;
  final SessionState session;
  final PooledWorker worker;
  private volatile int received = 1;
  private volatile int dropped;

  /** 1 while the worker counts this entry among its live references (for recycling). */
  @SuppressWarnings("UnusedVariable") // read and written through LIVE
  private volatile int live = 1;

  RefEntry(PyRef ref, ReferenceQueue<PyRef> queue, SessionState session, PooledWorker worker) {
    super(ref, queue);
    this.refId = ref.refId();
    this.session = session;
    this.worker = worker;
    worker.refAdded();
  }

  /**
   * Stops counting this entry among its worker's live references: it was released, its session
   * ended, or its {@code PyRef} was collected. Idempotent.
   */
  void forget() {
    if (LIVE.compareAndSet(this, 1, 0)) {
      worker.refRemoved();
    }
  }

  /** Counts one more read of this reference from the worker. */
  void received() {
    RECEIVED.incrementAndGet(this);
  }

  /** Returns how many times the JVM has read this reference. */
  int receivedCount() {
    return received;
  }

  /**
   * Marks the entry as released by other means (explicitly, or with its session) so that its
   * collection sends nothing; returns false when it already was.
   */
  boolean drop() {
    return DROPPED.compareAndSet(this, 0, 1);
  }

  /** Returns whether {@link #drop()} was called. */
  boolean dropped() {
    return dropped != 0;
  }
}
