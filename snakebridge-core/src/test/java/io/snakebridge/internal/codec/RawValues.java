package io.snakebridge.internal.codec;

/**
 * Value sections around hand-made pickle bytes, for tests that send a real worker what the Java
 * writer never produces.
 */
public final class RawValues {
  private RawValues() {}

  /** A value section holding {@code pickle} and no out-of-band buffers. */
  public static EncodedValue of(byte[] pickle) {
    PickleOutput out = new PickleOutput(pickle.length + 128, Long.MAX_VALUE);
    out.raw(pickle);
    long end = 8L + pickle.length;
    out.zeros((int) (EncodedValue.align(end) - end));
    return new EncodedValue(out, pickle.length, new OutOfBandBuffer[0], 0);
  }
}
