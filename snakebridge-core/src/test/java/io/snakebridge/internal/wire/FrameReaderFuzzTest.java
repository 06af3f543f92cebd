package io.snakebridge.internal.wire;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random bytes, random truncations and random single-byte corruptions of valid frames must only
 * ever end in a frame or a clear exception: never a hang, never an allocation beyond the limit,
 * never an unexpected exception type.
 */
class FrameReaderFuzzTest {
  private static final long LIMIT = 64 * 1024;
  private static final int ROUNDS = 20_000;

  @Test
  void randomBytesGiveFramesOrClearErrors() {
    Random random = new Random(20240229L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int round = 0; round < ROUNDS; round++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length >= 8) {
              bytes[0] = 0; // plausible lengths reach the body checks more often
              bytes[1] = 0;
              bytes[4] = (byte) (1 + random.nextInt(8));
            }
            readAll(bytes);
          }
        });
  }

  @Test
  void truncatedAndCorruptedFramesGiveClearErrors() {
    Random random = new Random(7L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int round = 0; round < ROUNDS; round++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            int kind = 1 + random.nextInt(4);
            byte[] valid =
                FrameReaderTest.frame(12 + body.length, kind, 0, 0, random.nextLong(), body);
            byte[] mutated = Arrays.copyOf(valid, random.nextInt(valid.length + 1));
            if (mutated.length > 0 && random.nextBoolean()) {
              mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
            }
            readAll(mutated);
          }
        });
  }

  private static void readAll(byte[] bytes) {
    InputStream in = new ByteArrayInputStream(bytes);
    FrameReader reader = new FrameReader(in, LIMIT);
    for (int frames = 0; ; frames++) {
      if (frames > bytes.length / 16 + 1) {
        fail("more frames than the input can hold");
      }
      try {
        Frame frame = reader.read();
        assertTrue(frame.bodyLength() <= LIMIT - 12, "body within the limit");
      } catch (EOFException cleanEnd) {
        return;
      } catch (FrameFormatException expected) {
        assertTrue(!expected.getMessage().isBlank());
        return;
      } catch (IOException e) {
        fail("unexpected I/O failure on in-memory input: " + e);
      }
    }
  }
}
