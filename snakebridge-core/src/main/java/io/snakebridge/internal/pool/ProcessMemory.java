package io.snakebridge.internal.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads a process's resident memory from {@code /proc/<pid>/status} ({@code VmRSS}). Linux only:
 * elsewhere, and for a process that is gone, there is no reading.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessMemory {
  private static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/self/status"));

  private ProcessMemory() {}

  /** Returns whether readings are possible on this system. */
  static boolean available() {
    return AVAILABLE;
  }

  /** Returns the resident memory of process {@code pid} in bytes, or empty. */
  static OptionalLong residentBytes(long pid) {
    if (!AVAILABLE) {
      return OptionalLong.empty();
    }
    String status;
    try {
      status =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException gone) {
      return OptionalLong.empty();
    }
    return parseVmRss(status);
  }

  /** Parses the {@code VmRSS: 1234 kB} line of a status file. */
  static OptionalLong parseVmRss(String status) {
    int at = status.indexOf("VmRSS:");
    if (at < 0) {
      return OptionalLong.empty();
    }
    int end = status.indexOf('\n', at);
    String[] parts = status.substring(at + 6, end < 0 ? status.length() : end).trim().split("\\s+");
    try {
      long value = Long.parseLong(parts[0]);
      return OptionalLong.of(
          parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
