package io.snakebridge.spark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.spark.SnakeBridgeSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The README's "Scale out with Spark" example, run: its Java block is the code between the markers
 * below and its Python block is {@code src/test/python/scoring.py}, both checked here.
 */
class ReadmeExampleIT {
  private static final Path SOURCE =
      Path.of("src/test/java/io/snakebridge/spark/it/ReadmeExampleIT.java");

  @Test
  void theExampleRuns() {
    SparkSession spark = SharedSpark.session();
    String scoringPy = Path.of("src/test/python/scoring.py").toAbsolutePath().toString();
    Dataset<Row> customers =
        spark
            .range(0, 1000, 1, 2)
            .withColumn("a", functions.col("id").multiply(2).cast("double"))
            .withColumn("b", functions.lit(1.0));
    // README:begin
    spark.sparkContext().addFile(scoringPy); // like --py-files: every executor gets the module
    StructType scored =
        new StructType().add("id", DataTypes.LongType).add("score", DataTypes.DoubleType);
    Dataset<Row> result = SnakeBridgeSpark.mapBatches(customers, "scoring", "score", scored);
    result.show();
    // README:end
    List<Row> rows = result.collectAsList();
    assertEquals(1000, rows.size());
    assertTrue(
        rows.stream().allMatch(r -> r.getDouble(1) == r.getLong(0) - 1.0),
        "score = 0.5 * a - b = id - 1 for every row");
  }

  @Test
  void theReadmeShowsThisCode() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int section = readme.indexOf("## Scale out with Spark");
    assertTrue(section >= 0, "the README has a 'Scale out with Spark' section");
    String text = readme.substring(section);
    assertEquals(block(text, "```java spark\n"), marked(Files.readString(SOURCE)));
    assertEquals(
        block(text, "```python\n"), Files.readString(Path.of("src/test/python/scoring.py")));
  }

  private static String block(String text, String fence) {
    int start = text.indexOf(fence);
    assertTrue(start >= 0, "no " + fence.strip() + " block in the section");
    start += fence.length();
    return text.substring(start, text.indexOf("```", start));
  }

  private static String marked(String source) {
    Matcher m =
        Pattern.compile("// README:begin\n(.*?)\\s*// README:end", Pattern.DOTALL).matcher(source);
    assertTrue(m.find(), "the markers are in " + SOURCE);
    StringBuilder out = new StringBuilder();
    for (String line : m.group(1).split("\n")) {
      out.append(line.startsWith("    ") ? line.substring(4) : line.strip()).append('\n');
    }
    return out.toString();
  }
}
