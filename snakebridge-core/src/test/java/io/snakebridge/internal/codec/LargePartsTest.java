package io.snakebridge.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snakebridge.NdArray;
import io.snakebridge.PyTuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parts of a value section that the shared-memory lane carries (WIRE-PROTOCOL.md §2.2): put
 * back at their offsets into the body written without them, they give the body written whole.
 */
class LargePartsTest {
  private static final ValueWriter WRITER = new ValueWriter(CodecLimits.DEFAULT);

  @Test
  void partsPutBackAtTheirOffsetsGiveTheWholeBody() throws IOException {
    byte[] bytes = new byte[300_000];
    Arrays.fill(bytes, (byte) 7);
    double[] doubles = new double[50_000];
    Arrays.fill(doubles, 2.5);
    boolean[] flags = new boolean[200_001];
    flags[200_000] = true;
    EncodedValue value =
        WRITER.encode(
            List.of(
                "small",
                bytes,
                Map.of("a", NdArray.of(doubles, doubles.length)),
                PyTuple.of(NdArray.of(new int[3], 3), NdArray.of(flags, flags.length)),
                "x".repeat(100_000)),
            null);
    byte[] whole = body(value, List.of());
    List<EncodedValue.Part> parts = value.largeParts(100_000);
    assertEquals(4, parts.size(), "the byte[], the doubles, the booleans, the long string");
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    value.writeTo(rest, parts);
    byte[] rebuilt = new byte[whole.length];
    ByteBuffer spliced = ByteBuffer.wrap(rebuilt);
    byte[] piped = rest.toByteArray();
    int done = 0;
    long position = 0;
    for (EncodedValue.Part part : parts) {
      int gap = (int) (part.offset() - position);
      System.arraycopy(piped, done, rebuilt, (int) position, gap);
      done += gap;
      spliced.position((int) part.offset());
      part.putInto(spliced);
      assertEquals(part.offset() + part.length(), spliced.position());
      position = part.offset() + part.length();
    }
    System.arraycopy(piped, done, rebuilt, (int) position, piped.length - done);
    assertEquals(whole.length, position + piped.length - done);
    assertArrayEquals(whole, rebuilt);
  }

  @Test
  void aSmallValueHasNoLargeParts() {
    assertEquals(
        List.of(),
        WRITER
            .encode(List.of(new byte[10], NdArray.of(new double[4], 4)), null)
            .largeParts(1 << 20));
  }

  private static byte[] body(EncodedValue value, List<EncodedValue.Part> skipped)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    value.writeTo(out, skipped);
    assertEquals(value.bodyLength(), out.size());
    return out.toByteArray();
  }
}
