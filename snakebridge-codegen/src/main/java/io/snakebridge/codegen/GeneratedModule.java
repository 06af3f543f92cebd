package io.snakebridge.codegen;

import java.util.List;
import java.util.Objects;

/**
 * The generation of one Python module: its sources and what they cover. Immutable and thread-safe.
 *
 * @param sources one source per class, sorted by class name
 * @param coverage what was generated and what was skipped
 */
public record GeneratedModule(List<GeneratedSource> sources, CoverageReport coverage) {
  /** Checks for nulls and copies the list. */
  public GeneratedModule {
    sources = List.copyOf(sources);
    Objects.requireNonNull(coverage, "coverage");
  }
}
