package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link SessionContext#open} handles, {@code run} and {@link SessionOptions#NO_TTL}, by value. */
class SessionHandlesTest {
  @Test
  void anOpenHandleRunsBodiesFromAnyThreadAndRestoresTheirContext() throws Exception {
    try (SessionContext handle =
        SessionContext.open(SessionOptions.defaults().sessionId("handle-test").maxRefs(7))) {
      assertEquals("handle-test", handle.sessionId());
      assertEquals(7, handle.maxRefs());
      assertSame(Thread.currentThread(), handle.owner());
      assertFalse(SessionContext.current().isPresent(), "opening enters nothing");
      assertSame(handle, handle.run(() -> SessionContext.current().orElseThrow()));
      SessionContext.withSession(
          SessionOptions.defaults().sessionId("outer"),
          () ->
              handle.run(
                  () ->
                      assertEquals(
                          "handle-test", SessionContext.current().orElseThrow().sessionId())));
      assertEquals(
          "outer",
          SessionContext.withSession(
              SessionOptions.defaults().sessionId("outer"),
              () -> {
                handle.run(() -> {});
                return SessionContext.current().orElseThrow().sessionId();
              }),
          "the block's context is back after run");
      Object fromOtherThread =
          CompletableFuture.supplyAsync(
                  () -> handle.run(() -> SessionContext.current().orElseThrow().sessionId()))
              .get(60, TimeUnit.SECONDS);
      assertEquals("handle-test", fromOtherThread);
      assertThrows(
          IllegalStateException.class,
          () ->
              handle.run(
                  () -> {
                    throw new IllegalStateException("body");
                  }));
      assertFalse(SessionContext.current().isPresent(), "restored when the body throws");
      assertTrue(handle.toString().contains(", open"), handle.toString());
    }
  }

  @Test
  void closingIsIdempotentAndEndsRun() {
    SessionContext handle = SessionContext.open(SessionOptions.defaults());
    assertTrue(handle.sessionId().startsWith("session_"), handle.sessionId());
    handle.close();
    handle.close();
    assertTrue(handle.toString().contains(", closed"), handle.toString());
    IllegalStateException closed =
        assertThrows(IllegalStateException.class, () -> handle.run(() -> "late"));
    assertTrue(closed.getMessage().contains(handle.sessionId()), closed.getMessage());
  }

  @Test
  void aBlocksContextOwnsNothingThroughClose() {
    String id =
        SessionContext.withSession(
            () -> {
              SessionContext block = SessionContext.current().orElseThrow();
              block.close();
              assertSame(block, SessionContext.current().orElseThrow(), "still inside the block");
              return block.run(() -> SessionContext.current().orElseThrow().sessionId());
            });
    assertTrue(id.startsWith("session_"), id);
  }

  @Test
  void noTtlIsAcceptedAndNullIsRefusedWithTheWayOut() {
    SessionOptions forever = SessionOptions.defaults().ttl(SessionOptions.NO_TTL);
    assertEquals(SessionOptions.NO_TTL, forever.ttl());
    assertTrue(forever.toString().contains("ttl=NO_TTL"), forever.toString());
    assertTrue(SessionOptions.NO_TTL.compareTo(Duration.ofDays(365L * 1000)) > 0);
    NullPointerException refused =
        assertThrows(NullPointerException.class, () -> SessionOptions.defaults().ttl(null));
    assertTrue(refused.getMessage().contains("SessionOptions.NO_TTL"), refused.getMessage());
    try (SessionContext handle = SessionContext.open(forever)) {
      assertEquals(SessionOptions.NO_TTL, handle.ttl());
    }
  }
}
