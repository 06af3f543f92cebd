package io.snakebridge.internal.session;

import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueWriter;
import io.snakebridge.internal.pool.PooledWorker;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.WorkerConnection;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The RELEASE frames of one runtime (WIRE-PROTOCOL.md §5.6): written at once for the thread that
 * asks ({@code releaseRef}), or queued and written by housekeeping without ever waiting.
 *
 * <p>Thread-safe.
 */
final class ReleaseQueue {
  /** A RELEASE to write: references of a session with the handouts read of each. */
  private record Release(PooledWorker worker, String sessionId, Map<String, Long> refs) {}

  private final ValueWriter writer;
  private final ConcurrentLinkedQueue<Release> unsent = new ConcurrentLinkedQueue<>();

  ReleaseQueue(ValueWriter writer) {
    this.writer = writer;
  }

  /** Writes a RELEASE now, waiting at most for another thread's frame write to finish. */
  void now(PooledWorker worker, String sessionId, Map<String, Long> handouts) {
    write(new Release(worker, sessionId, handouts), true);
  }

  /** Queues a RELEASE for the next {@link #flush()}. */
  void later(PooledWorker worker, String sessionId, Map<String, Long> handouts) {
    unsent.add(new Release(worker, sessionId, handouts));
  }

  /**
   * Writes the queued RELEASE frames whose connections nobody is writing to right now; keeps the
   * others. Never waits.
   *
   * @return whether nothing is left queued
   */
  boolean flush() {
    int pending = unsent.size();
    for (int i = 0; i < pending; i++) {
      Release release = unsent.poll();
      if (release == null) {
        break;
      }
      if (!write(release, false)) {
        unsent.add(release);
      }
    }
    return unsent.isEmpty();
  }

  /**
   * Writes one RELEASE (frame id 0); with {@code wait} false, only if nobody else is writing to
   * that worker. A worker that is gone took its objects with it: nothing to write.
   *
   * @return false only when it did not wait and the worker's connection was busy
   */
  private boolean write(Release release, boolean wait) {
    PooledWorker worker = release.worker();
    if (worker.isGone() || worker.process() == null) {
      return true;
    }
    EncodedValue body =
        writer.encodeTuple(new Object[] {release.sessionId(), release.refs()}, null);
    WorkerConnection connection = worker.process().connection();
    try {
      if (wait) {
        connection.send(FrameKind.RELEASE, 0, body);
        return true;
      }
      return connection.trySend(FrameKind.RELEASE, 0, body);
    } catch (IOException e) {
      return true; // the worker is dying: its objects go with it
    }
  }
}
