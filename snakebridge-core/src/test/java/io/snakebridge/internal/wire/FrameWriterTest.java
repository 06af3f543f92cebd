package io.snakebridge.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
  private final ValueWriter values = new ValueWriter(CodecLimits.DEFAULT);

  @Test
  void writesTheHeaderOfWireProtocolSection2() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EncodedValue body = values.encode("hi", "value");
    new FrameWriter(out).write(FrameKind.CALL, 0x0102030405060708L, body);

    byte[] bytes = out.toByteArray();
    long length = 12 + body.bodyLength();
    assertEquals(16 + body.bodyLength(), bytes.length);
    assertArrayEquals(
        new byte[] {0, 0, 0, (byte) length, 2, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8},
        Arrays.copyOf(bytes, 16));
  }

  @Test
  void emptyKindsHaveNoBody() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).write(FrameKind.SHUTDOWN, 0, null);
    assertArrayEquals(
        new byte[] {0, 0, 0, 12, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, out.toByteArray());
  }

  @Test
  void refusesABodyMismatchedWithTheKind() {
    FrameWriter writer = new FrameWriter(new ByteArrayOutputStream());
    assertThrows(IllegalArgumentException.class, () -> writer.write(FrameKind.CALL, 1, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> writer.write(FrameKind.PING, 1, values.encode(1, "value")));
  }

  @Test
  void aSmallFrameLeavesInOneWrite() throws IOException {
    List<Integer> writes = new ArrayList<>();
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            writes.add(1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(len);
          }
        };
    EncodedValue body =
        values.encodeTuple(
            new Object[] {"call", null, "math", "sqrt", List.of(16), Map.of()}, null);
    new FrameWriter(counting).write(FrameKind.CALL, 7, body);
    assertEquals(List.of((int) (16 + body.bodyLength())), writes);
  }

  @Test
  void whatItWritesTheReaderReadsBack() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out);
    writer.write(FrameKind.HELLO, 0, values.encode(Map.of("protocol", 1L), "hello"));
    writer.write(FrameKind.CALL, -1L, values.encode(List.of("x", 2L), "args"));
    writer.write(FrameKind.PING, 99, null);

    FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()), 1 << 20);
    ValueReader decoder = new ValueReader(CodecLimits.DEFAULT);
    Frame hello = reader.read();
    assertEquals(FrameKind.HELLO, hello.kind());
    assertEquals(Map.of("protocol", 1L), decoder.decode(hello.body(), 0, hello.bodyLength()));
    Frame call = reader.read();
    assertEquals(-1L, call.id(), "ids are unsigned 64-bit values");
    assertEquals(List.of("x", 2L), decoder.decode(call.body(), 0, call.bodyLength()));
    Frame ping = reader.read();
    assertEquals(FrameKind.PING, ping.kind());
    assertEquals(99, ping.id());
    assertEquals(0, ping.bodyLength());
  }
}
