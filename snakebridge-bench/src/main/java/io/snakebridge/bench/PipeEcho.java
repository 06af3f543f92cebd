package io.snakebridge.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The floor: a Python child process ({@code echo_loop.py}) that echoes length-prefixed frames on
 * its stdin/stdout pipes, driven through {@link Process} streams the way the library drives a
 * worker. Not thread-safe: one thread per instance.
 */
final class PipeEcho implements AutoCloseable {
  private final Process process;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] header = new byte[4];

  private PipeEcho(Process process) {
    this.process = process;
    this.out = process.getOutputStream();
    this.in = process.getInputStream();
  }

  static PipeEcho start(String python, Path script) throws IOException {
    Process process =
        new ProcessBuilder(python, script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new PipeEcho(process);
  }

  long pid() {
    return process.pid();
  }

  /** A frame of {@code size} bytes after its 4-byte length, ready for {@link #roundTrip}. */
  static byte[] frame(int size) {
    byte[] frame = new byte[4 + size];
    frame[0] = (byte) (size >>> 24);
    frame[1] = (byte) (size >>> 16);
    frame[2] = (byte) (size >>> 8);
    frame[3] = (byte) size;
    for (int i = 4; i < frame.length; i++) {
      frame[i] = (byte) i;
    }
    return frame;
  }

  /**
   * Reads one message (a 4-byte big-endian length, then that many bytes) into {@code buffer},
   * length included, and returns the whole message's length: what {@code minimal_worker.py} writes.
   */
  int readMessage(byte[] buffer) throws IOException {
    readFully(buffer, 4);
    int size =
        ((buffer[0] & 0xff) << 24)
            | ((buffer[1] & 0xff) << 16)
            | ((buffer[2] & 0xff) << 8)
            | (buffer[3] & 0xff);
    if (size < 0 || size > buffer.length - 4) {
      throw new IOException("a message of " + size + " bytes does not fit the buffer");
    }
    readFully(buffer, 4, size);
    return 4 + size;
  }

  /** Sends {@code message} and reads the reply message into {@code buffer}; its length. */
  int exchange(byte[] message, byte[] buffer) throws IOException {
    out.write(message);
    out.flush();
    return readMessage(buffer);
  }

  /** Sends {@code frame} and reads the echo into {@code reply} (same length). */
  void roundTrip(byte[] frame, byte[] reply) throws IOException {
    out.write(frame);
    out.flush();
    readFully(reply, reply.length);
  }

  /**
   * Sends a large frame and reads the echo, returning {@code {sendNanos, receiveNanos}}: from the
   * first byte written until the echo's first bytes arrive (the child reads the whole frame before
   * answering, so that is the Java-to-Python transfer), then until the last byte is read.
   */
  long[] timedRoundTrip(byte[] frame, byte[] reply) throws IOException {
    long start = System.nanoTime();
    out.write(frame);
    out.flush();
    readFully(header, 4);
    long firstByte = System.nanoTime();
    readFully(reply, frame.length - 4);
    long end = System.nanoTime();
    return new long[] {firstByte - start, end - firstByte};
  }

  private void readFully(byte[] buffer, int length) throws IOException {
    readFully(buffer, 0, length);
  }

  private void readFully(byte[] buffer, int offset, int length) throws IOException {
    int got = offset;
    length += offset;
    while (got < length) {
      int n = in.read(buffer, got, length - got);
      if (n < 0) {
        throw new EOFException("the echo process ended (exit " + exitStatus() + ")");
      }
      got += n;
    }
  }

  private String exitStatus() {
    try {
      boolean ended = process.waitFor(1, TimeUnit.SECONDS);
      return ended ? Integer.toString(process.exitValue()) : "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
