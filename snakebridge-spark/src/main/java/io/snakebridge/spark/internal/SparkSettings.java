package io.snakebridge.spark.internal;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code spark.snakebridge.*} settings of a job, read on the driver (so that settings made on
 * the session at run time count too) and shipped to the executors with the task.
 *
 * <p>Immutable and thread-safe.
 *
 * @param python the interpreter, or null for the core's default resolution
 * @param poolSize the workers per executor, or 0 for the executor's cores
 * @param pythonPath folders and files for {@code sys.path}; relative ones are looked up among the
 *     files shipped with the job ({@code SparkFiles})
 * @param batchSize rows per batch
 * @param lockFile the managed environment's lock file, or null
 * @param timeout the deadline of one batch's Python call, or null for the runtime's default
 * @param localCores the cores of a {@code local[n]} master, or 0 when not local
 */
public record SparkSettings(
    @Nullable String python,
    int poolSize,
    List<String> pythonPath,
    int batchSize,
    @Nullable String lockFile,
    @Nullable Duration timeout,
    int localCores)
    implements Serializable {
  public static final String PREFIX = "spark.snakebridge.";
  public static final int DEFAULT_BATCH_SIZE = 10_000;

  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

  public SparkSettings {
    pythonPath = List.copyOf(pythonPath);
  }

  /**
   * Reads the settings from a session's configuration.
   *
   * @param conf every setting of the session (SparkConf and session settings)
   * @throws IllegalArgumentException naming the key and value of a bad setting
   */
  public static SparkSettings from(Map<String, String> conf) {
    String python = blankToNull(conf.get(PREFIX + "python"));
    int poolSize = positive(conf, "poolSize", 0);
    List<String> path = new ArrayList<>();
    String raw = conf.get(PREFIX + "pythonPath");
    if (raw != null) {
      for (String entry : raw.split(",")) {
        if (!entry.isBlank()) {
          path.add(entry.trim());
        }
      }
    }
    int batchSize = positive(conf, "batchSize", DEFAULT_BATCH_SIZE);
    String lockFile = blankToNull(conf.get(PREFIX + "lockFile"));
    int timeoutSeconds = positive(conf, "timeoutSeconds", 0);
    Duration timeout = timeoutSeconds == 0 ? null : Duration.ofSeconds(timeoutSeconds);
    int localCores = localCores(conf.getOrDefault("spark.master", ""));
    return new SparkSettings(python, poolSize, path, batchSize, lockFile, timeout, localCores);
  }

  /** Whether a runtime built for {@code other} serves these settings too (batch size aside). */
  public boolean sameRuntime(SparkSettings other) {
    return java.util.Objects.equals(python, other.python)
        && poolSize == other.poolSize
        && pythonPath.equals(other.pythonPath)
        && java.util.Objects.equals(lockFile, other.lockFile)
        && java.util.Objects.equals(timeout, other.timeout)
        && localCores == other.localCores;
  }

  /** The cores of a {@code local}, {@code local[n]}, {@code local[*]} or {@code local[n,f]}. */
  static int localCores(String master) {
    Matcher m = LOCAL.matcher(master.trim());
    if (!m.matches()) {
      return 0;
    }
    String n = m.group(1);
    if (n == null) {
      return 1;
    }
    return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
  }

  private static int positive(Map<String, String> conf, String key, int otherwise) {
    String value = conf.get(PREFIX + key);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        PREFIX + key + " must be a whole number of at least 1, not '" + value + "'");
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
