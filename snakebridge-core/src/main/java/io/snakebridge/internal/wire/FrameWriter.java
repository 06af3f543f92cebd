package io.snakebridge.internal.wire;

import io.snakebridge.internal.codec.EncodedValue;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames to a worker's stdin (WIRE-PROTOCOL.md §2): the 16-byte header and the value section
 * go through one reused buffer and leave in a single flush, so a small call is one write to the
 * pipe.
 *
 * <p>Not thread-safe: the connection's write lock orders whole frames.
 */
public final class FrameWriter {
  /** Per-worker buffer; larger frames stream through it. */
  static final int BUFFER_BYTES = 64 * 1024;

  private static final long MAX_LENGTH_FIELD = 0xFFFF_FFFFL;

  private final BufferedOutputStream out;
  private final byte[] header = new byte[FrameReader.HEADER_BYTES];
  private @Nullable SharedLane lane;

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
    SharedLane shared = lane;
    if (shared != null && body != null && body.bodyLength() >= shared.threshold()) {
      List<EncodedValue.Part> parts = shared.splice(body);
      if (!parts.isEmpty()) {
        writeSpliced(kind, id, body, parts);
        return;
      }
    }
    long length = FrameReader.LENGTH_OVERHEAD + (body == null ? 0 : body.bodyLength());
    if (length > MAX_LENGTH_FIELD) {
      throw new IllegalArgumentException("frame too large for the length field: " + length);
    }
    writeHeader(kind, id, length, 0);
    if (body != null) {
      body.writeTo(out);
    }
    out.flush();
  }

  /** Sends the large parts of the frames written from now on through {@code lane}. */
  public void useLane(SharedLane lane) {
    this.lane = lane;
  }

  /** §2.2: the header flagged SPLICED, the splice table, then the body without the parts. */
  private void writeSpliced(
      FrameKind kind, long id, EncodedValue body, List<EncodedValue.Part> parts)
      throws IOException {
    long moved = 0;
    byte[] table = new byte[8 + 16 * parts.size()];
    ByteBuffer entries = ByteBuffer.wrap(table);
    entries.putInt(parts.size()).putInt(0);
    for (EncodedValue.Part part : parts) {
      entries.putLong(part.offset()).putLong(part.length());
      moved += part.length();
    }
    long length = FrameReader.LENGTH_OVERHEAD + table.length + body.bodyLength() - moved;
    writeHeader(kind, id, length, SharedLane.SPLICED);
    out.write(table);
    body.writeTo(out, parts);
    out.flush();
  }

  private void writeHeader(FrameKind kind, long id, long length, int flags) throws IOException {
    putInt(0, (int) length);
    header[4] = (byte) kind.code();
    header[5] = (byte) flags;
    header[6] = 0;
    header[7] = 0;
    putInt(8, (int) (id >>> 32));
    putInt(12, (int) id);
    out.write(header, 0, header.length);
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
