package io.snakebridge.fakes;

import io.snakebridge.internal.pool.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to. Starts at an arbitrary, large value. */
public final class FakeTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  @Override
  public long read() {
    return now.get();
  }

  /** Moves the clock forward. */
  public FakeTicker advance(Duration duration) {
    now.addAndGet(duration.toNanos());
    return this;
  }
}
