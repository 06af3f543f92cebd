package io.snakebridge.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  static byte[] frame(long length, int kind, int flags, int reserved, long id, byte[] body) {
    ByteBuffer buffer = ByteBuffer.allocate(16 + body.length);
    buffer
        .putInt((int) length)
        .put((byte) kind)
        .put((byte) flags)
        .putShort((short) reserved)
        .putLong(id)
        .put(body);
    return buffer.array();
  }

  private static FrameReader reader(byte[] bytes, long max) {
    return new FrameReader(new ByteArrayInputStream(bytes), max);
  }

  @Test
  void readsAFrame() throws IOException {
    byte[] body = {1, 2, 3};
    Frame frame = reader(frame(15, 3, 0, 0, 42, body), 1024).read();
    assertEquals(FrameKind.RESULT, frame.kind());
    assertEquals(42, frame.id());
    assertArrayEquals(body, frame.body());
  }

  @Test
  void cleanEndOfStreamBetweenFramesIsEof() {
    IOException e = assertThrows(IOException.class, () -> reader(new byte[0], 1024).read());
    assertEquals(EOFException.class, e.getClass());
  }

  @Test
  void endOfStreamInsideTheHeaderIsATruncatedFrame() {
    byte[] partial = {0, 0, 0, 12, 3, 0};
    FrameFormatException e =
        assertThrows(FrameFormatException.class, () -> reader(partial, 1024).read());
    assertTrue(e.getMessage().contains("truncated frame"), e.getMessage());
    assertTrue(e.getMessage().contains("6 of 16 header bytes"), e.getMessage());
  }

  @Test
  void endOfStreamInsideTheBodyIsATruncatedFrame() {
    byte[] whole = frame(12 + 100, 3, 0, 0, 1, new byte[100]);
    byte[] cut = java.util.Arrays.copyOf(whole, 16 + 10);
    FrameFormatException e =
        assertThrows(FrameFormatException.class, () -> reader(cut, 1024).read());
    assertTrue(e.getMessage().contains("after 10 of 100 body bytes"), e.getMessage());
  }

  @Test
  void rejectsALengthAboveTheLimitBeforeReadingTheBody() {
    CountingStream in = new CountingStream(frame(0x7fff_ffffL, 3, 0, 0, 1, new byte[0]));
    FrameFormatException e =
        assertThrows(FrameFormatException.class, () -> new FrameReader(in, 1 << 20).read());
    assertTrue(e.getMessage().contains("exceeds the limit of 1048576"), e.getMessage());
    assertEquals(16, in.consumed, "nothing after the header was read");
  }

  @Test
  void rejectsALengthBelowTwelve() {
    assertFormatError(frame(11, 3, 0, 0, 1, new byte[0]), "below the minimum of 12");
  }

  @Test
  void rejectsUnknownKindsFlagsAndReservedBits() {
    assertFormatError(frame(12, 0, 0, 0, 1, new byte[0]), "unknown frame kind 0");
    assertFormatError(frame(12, 20, 0, 0, 1, new byte[0]), "unknown frame kind 20");
    assertFormatError(frame(12, 3, 1, 0, 1, new byte[0]), "flags must be 0");
    assertFormatError(frame(12, 3, 0, 1, 1, new byte[0]), "reserved bytes must be 0");
  }

  @Test
  void rejectsABodyOnKindsThatHaveNone() {
    assertFormatError(frame(13, 7, 0, 0, 1, new byte[1]), "PONG frame must have an empty body");
  }

  @Test
  void stderrTextOnThePipeIsReportedWithItsBytes() {
    byte[] text = "Traceback (most recent call last):\n".getBytes();
    FrameFormatException e =
        assertThrows(FrameFormatException.class, () -> reader(text, 1 << 20).read());
    assertTrue(e.getMessage().contains("54 72 61 63"), e.getMessage());
  }

  @Test
  void readsLargeBodiesInBoundedReads() throws IOException {
    int size = 3 * FrameReader.MAX_READ_BYTES + 5;
    CountingStream in = new CountingStream(frame(12L + size, 3, 0, 0, 1, new byte[size]));
    Frame frame = new FrameReader(in, Integer.MAX_VALUE).read();
    assertEquals(size, frame.bodyLength());
    assertTrue(
        in.largestRequest <= FrameReader.MAX_READ_BYTES, "largest read " + in.largestRequest);
  }

  private static byte[] pattern(int size, int seed) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) (i * 31 + seed);
    }
    return body;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer all =
        ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      all.put(part);
    }
    return all.array();
  }

  /** A reader of RESULT frames with these bodies, ids 1, 2, ... */
  private static FrameReader readerOf(byte[]... bodies) {
    byte[][] frames = new byte[bodies.length][];
    for (int i = 0; i < bodies.length; i++) {
      frames[i] = frame(12L + bodies[i].length, 3, 0, 0, i + 1, bodies[i]);
    }
    return reader(concat(frames), Integer.MAX_VALUE);
  }

  private static byte[] bodyOf(Frame frame) {
    return java.util.Arrays.copyOf(frame.body(), frame.bodyLength());
  }

  @Test
  void aRecycledLargeBodyArrayIsLentToTheNextLargeFrame() throws IOException {
    int large = FrameReader.LEND_MIN + 1000;
    int smaller = FrameReader.LEND_MIN;
    byte[] first = pattern(large, 1);
    byte[] second = pattern(smaller, 2);
    FrameReader reader = readerOf(first, second);

    Frame one = reader.read();
    byte[] lent = one.body();
    assertArrayEquals(first, bodyOf(one));
    one.recycle();
    Frame two = reader.read();

    assertSame(lent, two.body(), "the recycled array is reused");
    assertEquals(smaller, two.bodyLength());
    assertArrayEquals(second, bodyOf(two));
    assertTrue(two.toString().endsWith(smaller + " body bytes"), two.toString());
  }

  @Test
  void aLargeBodyNotYetRecycledIsNeverShared() throws IOException {
    int size = FrameReader.LEND_MIN;
    byte[] first = pattern(size, 3);
    byte[] second = pattern(size, 4);
    FrameReader reader = readerOf(first, second);

    Frame one = reader.read();
    Frame two = reader.read();

    assertNotSame(one.body(), two.body());
    assertArrayEquals(first, bodyOf(one));
    assertArrayEquals(second, bodyOf(two));
  }

  @Test
  void aSpareTooSmallForTheNextBodyIsNotUsed() throws IOException {
    int size = FrameReader.LEND_MIN;
    byte[] big = pattern(size + 1, 5);
    FrameReader reader = readerOf(new byte[size], big);

    Frame one = reader.read();
    byte[] lent = one.body();
    one.recycle();
    Frame two = reader.read();

    assertNotSame(lent, two.body());
    assertEquals(size + 1, two.body().length);
    assertArrayEquals(big, bodyOf(two));
  }

  @Test
  void aRecycledBodyCannotBeReadAgainAndRecyclingTwiceIsHarmless() throws IOException {
    int size = FrameReader.LEND_MIN;
    FrameReader reader = readerOf(new byte[size], new byte[size], new byte[size]);

    Frame one = reader.read();
    one.recycle();
    one.recycle();
    IllegalStateException e = assertThrows(IllegalStateException.class, one::body);
    assertTrue(e.getMessage().contains("recycled"), e.getMessage());
    Frame two = reader.read();
    Frame three = reader.read();
    assertNotSame(two.body(), three.body(), "a second recycle must not lend the array twice");
  }

  @Test
  void smallBodiesAreExactAndNotLent() throws IOException {
    int size = FrameReader.LEND_MIN - 1;
    FrameReader reader = readerOf(new byte[size], new byte[size]);

    Frame one = reader.read();
    byte[] body = one.body();
    one.recycle();
    assertSame(body, one.body(), "recycling a frame that was not lent does nothing");
    Frame two = reader.read();

    assertEquals(size, one.body().length);
    assertNotSame(body, two.body());
  }

  @Test
  void readsFramesSplitIntoTinyReads() throws IOException {
    List<byte[]> frames = new ArrayList<>();
    frames.add(frame(15, 3, 0, 0, 1, new byte[] {9, 8, 7}));
    frames.add(frame(12, 7, 0, 0, 2, new byte[0]));
    byte[] all = new byte[frames.get(0).length + frames.get(1).length];
    System.arraycopy(frames.get(0), 0, all, 0, frames.get(0).length);
    System.arraycopy(frames.get(1), 0, all, frames.get(0).length, frames.get(1).length);
    InputStream trickle =
        new ByteArrayInputStream(all) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    FrameReader reader = new FrameReader(trickle, 1024);
    assertArrayEquals(new byte[] {9, 8, 7}, reader.read().body());
    assertEquals(FrameKind.PONG, reader.read().kind());
  }

  private static void assertFormatError(byte[] bytes, String expected) {
    FrameFormatException e =
        assertThrows(FrameFormatException.class, () -> reader(bytes, 1024).read());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static final class CountingStream extends ByteArrayInputStream {
    int consumed;
    int largestRequest;

    CountingStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      largestRequest = Math.max(largestRequest, len);
      int n = super.read(b, off, len);
      consumed += Math.max(n, 0);
      return n;
    }
  }
}
