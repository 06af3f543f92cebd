package io.snakebridge.internal.pool;

import io.snakebridge.internal.wire.Frame;
import io.snakebridge.internal.wire.FrameKind;
import io.snakebridge.internal.worker.WorkerConnection;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One worker's liveness: when it last answered a PING, and the PING outstanding. Pinging never
 * blocks: the PING is written only if nobody is writing to the worker at that moment, and its PONG
 * is read by whichever thread reads the worker's output (a caller during a call, else a short
 * task), never by the watchdog.
 *
 * <p>Thread-safe: the watchdog calls {@link #check}; the reading thread records the PONG.
 */
final class Heartbeat implements WorkerConnection.ReplyHandler {
  private @Nullable Ticker ticker;

  /** Ticker time of the last PONG, or of the handshake. */
  private volatile long lastHeard;

  /** Whether a PING is outstanding, and since when (its first attempt to be written). */
  private volatile boolean pinging;

  private volatile long pingSince;
  private volatile boolean pingWritten;

  /** Whether the outstanding PING was excused as late because the worker is busy in a call. */
  private volatile boolean excused;

  /** Starts watching from the worker's handshake. */
  void start(Ticker ticker, long now) {
    this.ticker = ticker;
    this.lastHeard = now;
  }

  /**
   * Pings the worker when {@code interval} has passed since it was last heard, and judges it hung
   * when a PING stays unanswered (or cannot even be written) for {@code timeout}.
   *
   * @return whether the worker is hung
   */
  boolean check(WorkerConnection connection, long now, long interval, long timeout) {
    if (!pinging) {
      if (now - lastHeard < interval) {
        return false;
      }
      pingSince = now;
      pingWritten = false;
      pinging = true;
    }
    if (now - pingSince >= timeout) {
      return true;
    }
    if (!pingWritten) {
      try {
        pingWritten = connection.tryRequest(FrameKind.PING, connection.nextRequestId(), null, this);
      } catch (IOException broken) {
        // The worker is going away: its caller, or the watchdog's liveness check, handles that.
        pingWritten = true;
      }
    }
    return false;
  }

  /**
   * Gives the outstanding PING another {@code timeout} from {@code now}: the worker missed it but
   * is busy in a call (see {@link Watchdog}), which only the call's own deadline ends.
   *
   * @return whether this is the first excuse since the worker was last heard (to log once)
   */
  boolean excuse(long now) {
    pingSince = now;
    boolean first = !excused;
    excused = true;
    return first;
  }

  /** Returns when {@link #check} next has something to do. */
  long due(long interval, long timeout) {
    return pinging ? pingSince + timeout : lastHeard + interval;
  }

  /** Returns whether a PING is outstanding. */
  boolean pinging() {
    return pinging;
  }

  /** Returns the ticker time the worker was last heard from. */
  long lastHeard() {
    return lastHeard;
  }

  @Override
  public void reply(Frame frame) {
    if (frame.kind() == FrameKind.PONG) {
      lastHeard = Objects.requireNonNull(ticker, "a PONG before start").read();
      excused = false;
      pinging = false;
    }
  }

  @Override
  public void failed(IOException cause) {
    // The connection broke: whoever reads it handles the worker's end.
  }
}
