package io.snakebridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snakebridge.CallOptions;
import io.snakebridge.NdArray;
import io.snakebridge.PyTuple;
import io.snakebridge.SnakeBridgeRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared-memory lane (WIRE-PROTOCOL.md §2.2) against real workers: large values of every kind
 * cross both ways through it, values kept on either side are never overwritten by later transfers,
 * and where the lane is off or too small they cross through the pipes unchanged.
 */
@ExtendWith(NoLeakedWorkers.class)
class SharedMemoryIT {
  private static final int MIB = 1 << 20;
  private static final int BIG = 3 * MIB; // elements: above the 1 MiB threshold for every dtype

  private static Path numpy;
  private static SnakeBridgeRuntime python;

  @BeforeAll
  static void start() {
    Optional<Path> numpyPython = ItEnvironment.numpyPython();
    assumeTrue(numpyPython.isPresent(), "no Python with numpy (snakebridge.test.numpyPython)");
    numpy = numpyPython.get();
    python = runtime("shm").build();
    assumeTrue(counts(python) != null, "no shared memory on this system (memfd, /proc)");
  }

  @AfterAll
  static void stop() {
    if (python != null) {
      python.close();
    }
  }

  @AfterEach
  void forgetKept() {
    if (python != null) {
      python.call("sbtest_shm", "release_kept");
    }
  }

  private static SnakeBridgeRuntime.Builder runtime(String name) {
    return ItEnvironment.runtime(name).python(numpy.toString()).poolSize(1);
  }

  /** (frames the worker spliced, frames it read spliced), or null without a lane. */
  private static List<?> counts(SnakeBridgeRuntime runtime) {
    return (List<?>) runtime.call("sbtest_shm", "lane_counts");
  }

  private static long spliced(SnakeBridgeRuntime runtime) {
    return (Long) counts(runtime).get(0);
  }

  private static long read(SnakeBridgeRuntime runtime) {
    return (Long) counts(runtime).get(1);
  }

  @Test
  void arraysOfEveryDtypeCrossBothWaysThroughTheLane() {
    String[] dtypes = {
      "float64", "float32", "int64", "uint64", "int32", "uint32", "int16", "uint16", "int8",
      "uint8", "bool"
    };
    for (String dtype : dtypes) {
      long splicedBefore = spliced(python);
      NdArray fromPython = (NdArray) python.call("sbtest_shm", "filled", dtype, BIG, 7);
      assertEquals(splicedBefore + 1, spliced(python), dtype + " to Java took the lane");
      assertEquals(dtype, fromPython.dtype());
      assertArrayEquals(new long[] {BIG}, fromPython.shape());
      long readBefore = read(python);
      NdArray back = (NdArray) python.call("sbtest_helpers", "echo", fromPython);
      assertEquals(readBefore + 1, read(python), dtype + " to Python took the lane");
      assertEquals(dtype, back.dtype());
      assertTrue(NdArrayEquality.same(fromPython, back), dtype + " came back unchanged");
      List<?> described = (List<?>) python.call("sbtest_shm", "describe", fromPython);
      Object expectedSum =
          python.call("sbtest_shm", "describe", python.call("sbtest_shm", "filled", dtype, BIG, 7));
      assertEquals(((List<?>) expectedSum).get(2), described.get(2), dtype + " sum in Python");
      assertEquals(true, described.get(3), dtype + " arrives writable in Python");
    }
  }

  @Test
  void float64DataIsExactBothWays() {
    double[] data = new double[BIG];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.5 - 17;
    }
    data[5] = Double.NaN;
    data[6] = -0.0;
    NdArray back = (NdArray) python.call("sbtest_helpers", "echo", NdArray.of(data, 1024, 3072));
    assertArrayEquals(new long[] {1024, 3072}, back.shape());
    double[] got = (double[]) back.data();
    for (int i = 0; i < data.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(data[i]), Double.doubleToRawLongBits(got[i]), "element " + i);
    }
  }

  @Test
  void nonContiguousAndFortranArraysCrossInCOrder() {
    NdArray strided = (NdArray) python.call("sbtest_shm", "strided", BIG);
    double[] values = (double[]) strided.data();
    assertEquals(BIG, values.length);
    assertEquals(2.0 * (BIG - 1), values[BIG - 1]);
    NdArray fortran = (NdArray) python.call("sbtest_shm", "fortran", 1024, 1024);
    int[] cells = (int[]) fortran.data();
    assertEquals(1024 + 2, cells[1024 + 2], "row 1, column 2 in C order");
  }

  @Test
  void largeBytesAndBytearraysCrossBothWays() {
    for (String kind : List.of("bytes", "bytearray")) {
      long splicedBefore = spliced(python);
      byte[] fromPython = (byte[]) python.call("sbtest_shm", "big_bytes", BIG, 3, kind);
      assertEquals(splicedBefore + 1, spliced(python), kind + " to Java took the lane");
      assertEquals(BIG, fromPython.length);
      assertEquals(3, fromPython[0]);
      assertEquals((byte) ((3 + BIG - 1) % 251 % 256), fromPython[BIG - 1]);
      long readBefore = read(python);
      assertEquals(List.of("bytes", (long) BIG), python.call("sbtest_shm", "describe", fromPython));
      assertEquals(readBefore + 1, read(python), kind + " to Python took the lane");
      byte[] echoed = (byte[]) python.call("sbtest_helpers", "echo", fromPython);
      assertArrayEquals(fromPython, echoed);
    }
  }

  @Test
  void largeValuesNestedInListsDictsAndKwargsCross() {
    NdArray array = NdArray.of(new long[BIG], BIG);
    byte[] bytes = new byte[2 * MIB];
    long readBefore = read(python);
    Object sizes =
        python.call(
            "sbtest_shm",
            "kwargs_sizes",
            CallOptions.kw("named", Map.of("a", bytes)),
            List.of(array, Map.of("b", array)));
    assertEquals(readBefore + 1, read(python));
    assertEquals(
        List.of(
            List.of(8L * BIG, Map.of("b", 8L * BIG)),
            Map.of("named", Map.of("a", (long) bytes.length))),
        sizes);
    List<?> back =
        (List<?>)
            python.call(
                "sbtest_helpers",
                "echo",
                List.of(array, PyTuple.of(bytes, "small"), Map.of("k", array)));
    assertTrue(NdArrayEquality.same(array, (NdArray) back.get(0)));
    assertArrayEquals(bytes, (byte[]) ((List<?>) back.get(1)).get(0));
    assertTrue(NdArrayEquality.same(array, (NdArray) ((Map<?, ?>) back.get(2)).get("k")));
  }

  @Test
  void valuesKeptOnEitherSideAreNeverOverwrittenByLaterTransfers() {
    NdArray keptInJava = (NdArray) python.call("sbtest_shm", "filled", "float64", BIG, 1);
    double[] keptCopy = ((double[]) keptInJava.data()).clone();
    long kept = (Long) python.call("sbtest_shm", "keep", NdArray.of(keptCopy.clone(), BIG));
    long keptBytes = (Long) python.call("sbtest_shm", "keep", new byte[2 * MIB]);
    for (int round = 0; round < 3; round++) {
      python.call("sbtest_shm", "filled", "float64", BIG, 1000 + round); // Python -> Java
      python.call("sbtest_shm", "describe", NdArray.of(new double[BIG], BIG)); // Java -> Python
      python.call("sbtest_shm", "describe", filledBytes(2 * MIB, (byte) 9));
    }
    assertArrayEquals(keptCopy, (double[]) keptInJava.data(), "the NdArray Java kept");
    NdArray inPython = (NdArray) python.call("sbtest_shm", "kept_copy", kept);
    assertArrayEquals(keptCopy, (double[]) inPython.data(), "the array Python kept");
    assertArrayEquals(
        new byte[2 * MIB],
        (byte[]) python.call("sbtest_shm", "kept_copy", keptBytes),
        "the bytes Python kept");
  }

  @Test
  void aCallbackCarryingLargeArraysBothWaysLeavesTheOuterCallsDataAlone() {
    double[] data = new double[BIG];
    Arrays.fill(data, 1.0);
    Function<Object, Object> triple =
        argument -> {
          double[] doubled = ((NdArray) argument).asDoubleArray();
          double[] tripled = new double[doubled.length];
          for (int i = 0; i < doubled.length; i++) {
            tripled[i] = doubled[i] * 1.5;
          }
          return NdArray.of(tripled, tripled.length);
        };
    List<?> result =
        (List<?>) python.call("sbtest_shm", "call_back", triple, NdArray.of(data, BIG));
    double[] answer = ((NdArray) result.get(0)).asDoubleArray();
    assertEquals(3.0, answer[0]);
    assertEquals(3.0, answer[BIG - 1]);
    assertEquals((double) BIG, result.get(1), "the argument's sum before the callback");
    assertEquals((double) BIG, result.get(2), "the argument's sum after the callback");
  }

  @Test
  void withTheLaneOffValuesCrossThroughThePipes() {
    try (SnakeBridgeRuntime off = runtime("shm-off").sharedMemory(false).build()) {
      assertNull(counts(off));
      NdArray array = (NdArray) off.call("sbtest_shm", "filled", "int32", BIG, 5);
      assertEquals(5, ((int[]) array.data())[0]);
      NdArray back = (NdArray) off.call("sbtest_helpers", "echo", array);
      assertTrue(NdArrayEquality.same(array, back));
    }
  }

  @Test
  void aLaneTooSmallForAValueSendsItThroughThePipes() {
    try (SnakeBridgeRuntime small = runtime("shm-small").sharedMemoryLimit(MIB).build()) {
      NdArray array = (NdArray) small.call("sbtest_shm", "filled", "float64", BIG, 5);
      NdArray back = (NdArray) small.call("sbtest_helpers", "echo", array);
      assertTrue(NdArrayEquality.same(array, back));
      assertEquals(List.of(0L, 0L), counts(small), "nothing fitted the 1 MiB lane");
    }
  }

  @Test
  void twoRuntimesHaveTheirOwnPrivateArenas() {
    try (SnakeBridgeRuntime other = runtime("shm-other").build()) {
      List<?> mine = (List<?>) python.call("sbtest_shm", "arena_identity");
      List<?> theirs = (List<?>) other.call("sbtest_shm", "arena_identity");
      for (Object arena : mine) {
        assertEquals(0600L, ((List<?>) arena).get(2), "only the owner may read or write");
        assertTrue(!theirs.contains(arena), "another runtime's worker has other arenas");
      }
      assertNotEquals(mine.get(0), mine.get(1), "one arena per direction");
    }
  }

  private static byte[] filledBytes(int size, byte value) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, value);
    return bytes;
  }

  /** Equality of dtype, shape and data. */
  static final class NdArrayEquality {
    static boolean same(NdArray a, NdArray b) {
      if (!a.dtype().equals(b.dtype()) || !Arrays.equals(a.shape(), b.shape())) {
        return false;
      }
      return Arrays.deepEquals(new Object[] {a.data()}, new Object[] {b.data()});
    }
  }
}
