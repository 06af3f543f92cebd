package io.snakebridge.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown report: a few context lines, the results table (one row per measured case, with its
 * target and PASS/MISS where it has one) and the supporting measurements. Not thread-safe.
 */
final class Report {
  /** One table row; empty strings for the cells a case does not have. */
  record Row(
      String id,
      String measurement,
      String p50,
      String p99,
      String rate,
      String target,
      String verdict) {}

  private static final String[] HEADER = {
    "#", "Measurement", "p50 (µs)", "p99 (µs)", "Throughput", "Target", "Result"
  };

  private final List<String> context = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<String> details = new ArrayList<>();

  void context(String line) {
    context.add(line);
  }

  void row(Row row) {
    rows.add(row);
  }

  void detail(String line) {
    details.add(line);
  }

  /** The report; rows in the order of their ids (1, 2, 3, 3', 4a, ...), whatever ran first. */
  String markdown() {
    List<Row> rows = new ArrayList<>(this.rows);
    rows.sort(Comparator.comparing(Row::id));
    StringBuilder out = new StringBuilder();
    for (String line : context) {
      out.append("- ").append(line).append('\n');
    }
    out.append('\n');
    int[] widths = new int[HEADER.length];
    for (int i = 0; i < HEADER.length; i++) {
      widths[i] = HEADER[i].length();
    }
    for (Row row : rows) {
      String[] cells = cells(row);
      for (int i = 0; i < cells.length; i++) {
        widths[i] = Math.max(widths[i], cells[i].length());
      }
    }
    appendLine(HEADER, widths, out);
    String[] rule = new String[HEADER.length];
    for (int i = 0; i < rule.length; i++) {
      rule[i] = "-".repeat(widths[i]);
    }
    appendLine(rule, widths, out);
    for (Row row : rows) {
      appendLine(cells(row), widths, out);
    }
    if (!details.isEmpty()) {
      out.append('\n');
      for (String line : details) {
        out.append("- ").append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static String[] cells(Row row) {
    return new String[] {
      row.id(), row.measurement(), row.p50(), row.p99(), row.rate(), row.target(), row.verdict()
    };
  }

  private static void appendLine(String[] cells, int[] widths, StringBuilder out) {
    out.append('|');
    for (int i = 0; i < cells.length; i++) {
      out.append(' ')
          .append(cells[i])
          .append(" ".repeat(widths[i] - cells[i].length()))
          .append(" |");
    }
    out.append('\n');
  }

  static String micros(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  static String verdict(boolean met) {
    return met ? "PASS" : "MISS";
  }
}
