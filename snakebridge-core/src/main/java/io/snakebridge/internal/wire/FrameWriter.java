package io.snakebridge.internal.wire;

import io.snakebridge.internal.codec.EncodedValue;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames to a worker's stdin (WIRE-PROTOCOL.md §2): the 16-byte header and the value
 * section go through one reused buffer and leave in a single flush, so a small call is one write
 * to the pipe.
 *
 * <p>Not thread-safe: the connection's write lock orders whole frames.
 */
public final class FrameWriter {
  /** Per-worker buffer; larger frames stream through it. */
  static final int BUFFER_BYTES = 64 * 1024;

  private static final long MAX_LENGTH_FIELD = 0xFFFF_FFFFL;

  private final BufferedOutputStream out;
  private final byte[] header = new byte[FrameReader.HEADER_BYTES];

  /** Creates a writer over {@code out}, which it buffers itself. */
  public FrameWriter(OutputStream out) {
    this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), BUFFER_BYTES);
  }

  /**
   * Writes one frame and flushes it.
   *
   * @param body the value section, required exactly when {@code kind.hasBody()}
   */
  public void write(FrameKind kind, long id, @Nullable EncodedValue body) throws IOException {
    if (kind.hasBody() != (body != null)) {
      throw new IllegalArgumentException(
          kind + (kind.hasBody() ? " frame needs a body" : " frame has no body"));
    }
    long length = FrameReader.LENGTH_OVERHEAD + (body == null ? 0 : body.bodyLength());
    if (length > MAX_LENGTH_FIELD) {
      throw new IllegalArgumentException("frame too large for the length field: " + length);
    }
    putInt(0, (int) length);
    header[4] = (byte) kind.code();
    header[5] = 0;
    header[6] = 0;
    header[7] = 0;
    putInt(8, (int) (id >>> 32));
    putInt(12, (int) id);
    out.write(header, 0, header.length);
    if (body != null) {
      body.writeTo(out);
    }
    out.flush();
  }

  /** Closes the worker's stdin, which the worker reads as end of file. */
  public void close() throws IOException {
    out.close();
  }

  private void putInt(int at, int value) {
    header[at] = (byte) (value >>> 24);
    header[at + 1] = (byte) (value >>> 16);
    header[at + 2] = (byte) (value >>> 8);
    header[at + 3] = (byte) value;
  }
}
