package io.snakebridge.codegen;

import java.util.List;

/**
 * A module breaks the {@link StrictPolicy} of its generation. The message names the module and
 * lists every offender, one a line.
 */
public final class StrictModeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String module;
  private final transient List<StrictPolicy.Offender> offenders;

  /** An exception for {@code offenders} of {@code module}. */
  public StrictModeException(String module, List<StrictPolicy.Offender> offenders) {
    super(message(module, offenders));
    this.module = module;
    this.offenders = List.copyOf(offenders);
  }

  private static String message(String module, List<StrictPolicy.Offender> offenders) {
    StringBuilder b =
        new StringBuilder("strict generation refuses the Python module ")
            .append(module)
            .append(" (")
            .append(offenders.size())
            .append(" offenders):");
    for (StrictPolicy.Offender o : offenders) {
      b.append("\n  ").append(o);
    }
    return b.toString();
  }

  /** The Python module. */
  public String module() {
    return module;
  }

  /** The offenders, in the coverage report's order. */
  public List<StrictPolicy.Offender> offenders() {
    return offenders;
  }
}
