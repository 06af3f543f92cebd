package io.snakebridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The end of a call interrupts the callbacks running for it, and only those. */
class RunningCallbacksTest {
  private final RunningCallbacks running = new RunningCallbacks();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void theEndOfItsCallInterruptsACallback() {
    RunningCallbacks.Running callback = running.start(null, 7);
    assertNotNull(callback);
    running.callEnded(null, 8);
    assertFalse(Thread.currentThread().isInterrupted(), "another call ended");
    running.callEnded(null, 7);
    assertTrue(Thread.currentThread().isInterrupted());
    assertTrue(callback.callEnded());
    running.finish(callback);
    assertFalse(Thread.currentThread().isInterrupted(), "cleared for the thread's next task");
    assertEquals(0, running.size());
  }

  @Test
  void aFinishedCallbackIsNotInterrupted() {
    RunningCallbacks.Running callback = running.start(null, 7);
    running.finish(callback);
    running.callEnded(null, 7);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aCallbackForAnAbandonedCallDoesNotStart() {
    running.callAbandoned(null, 7);
    assertNull(running.start(null, 7));
    assertEquals(0, running.size());
    assertNotNull(running.start(null, 8));
  }

  @Test
  void onlyTheNewestAbandonedCallsAreRemembered() {
    for (int id = 1; id <= RunningCallbacks.MAX_ABANDONED + 1; id++) {
      running.callAbandoned(null, id);
    }
    assertNotNull(running.start(null, 1), "the oldest was forgotten");
    assertNull(running.start(null, 2));
  }
}
