package io.snakebridge.internal.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snakebridge.NdArray;
import io.snakebridge.PyComplex;
import io.snakebridge.PyTuple;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random bytes and random mutations of valid sections (the golden vectors, CPython's pickles, the
 * Java writer's output): the reader must only ever answer with a value or a {@link
 * WireFormatException}, quickly, and allocate no more than a small multiple of its input.
 */
class ValueReaderFuzzTest {
  private static final long SEED = 0x5eed_c0de_cafeL;
  private static final int ITERATIONS = 200_000;

  /** Generous: an EMPTY_SET opcode byte costs a LinkedHashSet plus stack room. */
  private static final long ALLOCATION_PER_INPUT_BYTE = 400;

  /**
   * Also covers the JVM's one-time work on a code path's first run (string concatenation
   * bootstraps, class loading); a length field trusted before checking costs far more.
   */
  private static final long ALLOCATION_BASE = 1 << 20;

  private final AllocationCounter allocations = AllocationCounter.forCurrentThread();

  @Test
  void decoderOnlyThrowsWireFormatException() throws IOException {
    List<byte[]> corpus = corpus();
    assertFalse(corpus.isEmpty());
    Random random = new Random(SEED);
    ValueReader reader = new ValueReader(new CodecLimits(64, CodecLimits.DEFAULT.maxFrameBytes()));
    int decoded = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input =
          i % 10 == 0
              ? randomBytes(random)
              : mutate(corpus.get(random.nextInt(corpus.size())), random);
      if (decodeOrRefuse(reader, input, i)) {
        decoded++;
      }
    }
    assertTrue(decoded > 0, "some mutations stay valid, which shows they reach the decoder");
  }

  /** Returns true if the input decoded, false if it was refused properly; fails otherwise. */
  private boolean decodeOrRefuse(ValueReader reader, byte[] input, int iteration) {
    long before = allocations.bytes();
    try {
      reader.decode(input, 0, input.length);
      return true;
    } catch (WireFormatException expected) {
      return false;
    } catch (Throwable t) {
      throw new AssertionError(
          "iteration "
              + iteration
              + ": "
              + t
              + " for input "
              + Sections.hex(Arrays.copyOf(input, Math.min(input.length, 512))),
          t);
    } finally {
      long allocated = allocations.bytes() - before;
      if (allocated > ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * input.length) {
        fail(
            "iteration "
                + iteration
                + ": decoding "
                + input.length
                + " bytes allocated "
                + allocated
                + " bytes: "
                + Sections.hex(input));
      }
    }
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    if (bytes.length >= 8 && random.nextBoolean()) {
      // A plausible header, so the bytes reach the pickle machine.
      int pickleLength = bytes.length - 8;
      bytes[0] = 0;
      bytes[1] = 0;
      bytes[2] = (byte) (pickleLength >> 8);
      bytes[3] = (byte) pickleLength;
      Arrays.fill(bytes, 4, 8, (byte) 0);
    }
    return bytes;
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] bytes = original.clone();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(6)) {
        case 0 -> bytes[at] = (byte) random.nextInt(256);
        case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
        case 2 -> bytes = Arrays.copyOf(bytes, at);
        case 3 -> bytes = insert(bytes, at, random);
        case 4 -> bytes = remove(bytes, at, random);
        default -> bytes[at] = (byte) (random.nextBoolean() ? 0xff : 0x7f); // big length fields
      }
    }
    return bytes;
  }

  private static byte[] insert(byte[] bytes, int at, Random random) {
    byte[] extra = new byte[1 + random.nextInt(8)];
    random.nextBytes(extra);
    byte[] out = new byte[bytes.length + extra.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(extra, 0, out, at, extra.length);
    System.arraycopy(bytes, at, out, at + extra.length, bytes.length - at);
    return out;
  }

  private static byte[] remove(byte[] bytes, int at, Random random) {
    int count = Math.min(bytes.length - at, 1 + random.nextInt(8));
    byte[] out = new byte[bytes.length - count];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(bytes, at + count, out, at, bytes.length - at - count);
    return out;
  }

  private static List<byte[]> corpus() throws IOException {
    List<byte[]> corpus = new ArrayList<>();
    Path golden = Path.of(System.getProperty("snakebridge.golden.dir", "../testdata/golden"));
    for (String side : new String[] {"java", "py"}) {
      Path dir = golden.resolve(side);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : (Iterable<Path>) files.sorted()::iterator) {
            if (file.toString().endsWith(".bin") && Files.size(file) < 4096) {
              corpus.add(Files.readAllBytes(file));
            }
          }
        }
      }
    }
    corpus.add(
        Sections.encode(
            List.of(
                1,
                -70_000,
                1L << 40,
                BigInteger.TEN.pow(30),
                2.5,
                "é😀\uD800",
                new byte[3],
                PyTuple.of(1, 2, 3, 4),
                Map.of("k", Set.of(PyTuple.of())),
                new PyComplex(1, 2),
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6_000, ZoneOffset.ofHours(2)),
                LocalDate.of(2024, 1, 1),
                LocalTime.NOON,
                Duration.ofSeconds(-5),
                new BigDecimal("1.5"),
                new UUID(1, 2),
                NdArray.of(new int[] {1, 2, 3, 4}, 2, 2),
                NdArray.of(new boolean[] {true}, 1))));
    // CPython: [s, s, (s,)] with s = [1, 2]; a recursive list; a bytearray; a frozenset.
    for (String hex :
        List.of(
            "80059513000000000000005d94285d94284b014b0265680168018594652e",
            "80059506000000000000005d946800612e",
            "8005950d000000000000009602000000000000006162942e",
            "8005950600000000000000284b0191942e")) {
      corpus.add(PickleBytes.sectionOf(Sections.unhex(hex)));
    }
    return corpus;
  }
}
