package io.snakebridge.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What strict generation refuses: callables whose call shape came from a source below a minimum,
 * and modules where too large a share of parameters is untyped ({@code Object}). {@link
 * WrapperGenerator#strict(StrictPolicy)} applies it to every module it generates; a module that
 * breaks it fails with a {@link StrictModeException} listing every offender. Immutable and
 * thread-safe; start from {@link #lenient()}.
 */
public final class StrictPolicy {
  /** Where a call shape came from, best first (the manifest's {@code signatureSource}). */
  public enum SignatureSource {
    /** {@code inspect.signature}. */
    SIGNATURE("signature"),
    /** The docstring's first line parsed as {@code name(params) -> type}. */
    DOCSTRING("docstring"),
    /** {@code __text_signature__}. */
    TEXT_SIGNATURE("text_signature"),
    /** Unknown: the callable takes any arguments. */
    NONE("none");

    private final String manifestName;

    SignatureSource(String manifestName) {
      this.manifestName = manifestName;
    }

    /** Its name in a manifest and a coverage report. */
    public String manifestName() {
      return manifestName;
    }

    /** The source named {@code name} in a manifest; {@link #NONE} for an unknown name. */
    public static SignatureSource fromManifest(String name) {
      for (SignatureSource s : values()) {
        if (s.manifestName.equals(name)) {
          return s;
        }
      }
      return NONE;
    }
  }

  /**
   * One thing strict mode refuses.
   *
   * @param module the Python module
   * @param callable the callable ({@code Class.method}, {@code Class} for a constructor)
   * @param parameter the parameter, or null when the whole callable is refused
   * @param reason why
   */
  public record Offender(
      String module, String callable, @Nullable String parameter, String reason) {
    /** Checks for nulls (but {@code parameter}). */
    public Offender {
      Objects.requireNonNull(module, "module");
      Objects.requireNonNull(callable, "callable");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return module
          + "."
          + callable
          + (parameter == null ? "" : "(" + parameter + ")")
          + ": "
          + reason;
    }
  }

  private static final StrictPolicy LENIENT = new StrictPolicy(SignatureSource.NONE, 1.0);

  private final SignatureSource minimumSignatureSource;
  private final double maximumUntypedShare;

  private StrictPolicy(SignatureSource minimumSignatureSource, double maximumUntypedShare) {
    this.minimumSignatureSource = minimumSignatureSource;
    this.maximumUntypedShare = maximumUntypedShare;
  }

  /** The policy that refuses nothing. */
  public static StrictPolicy lenient() {
    return LENIENT;
  }

  /**
   * This policy, refusing callables whose call shape came from a source worse than {@code source}:
   * {@link SignatureSource#SIGNATURE} refuses those parsed from a docstring or {@code
   * __text_signature__} and those with no known shape.
   */
  public StrictPolicy minimumSignatureSource(SignatureSource source) {
    return new StrictPolicy(Objects.requireNonNull(source, "source"), maximumUntypedShare);
  }

  /**
   * This policy, refusing a module where more than {@code share} (0 to 1) of the parameters of its
   * generated callables are untyped; each untyped parameter is then an offender.
   *
   * @throws IllegalArgumentException when {@code share} is not within 0 and 1
   */
  public StrictPolicy maximumUntypedShare(double share) {
    if (!(share >= 0.0 && share <= 1.0)) {
      throw new IllegalArgumentException("share must be within 0 and 1: " + share);
    }
    return new StrictPolicy(minimumSignatureSource, share);
  }

  /** The worst signature source accepted. */
  public SignatureSource minimumSignatureSource() {
    return minimumSignatureSource;
  }

  /** The largest share of untyped parameters accepted per module. */
  public double maximumUntypedShare() {
    return maximumUntypedShare;
  }

  /** What this policy refuses in {@code report}, in the report's order; empty when nothing. */
  public List<Offender> offenders(CoverageReport report) {
    List<Offender> out = new ArrayList<>();
    String module = report.module();
    for (CoverageReport.Callable c : report.callables()) {
      SignatureSource source = SignatureSource.fromManifest(c.signatureSource());
      if (source.compareTo(minimumSignatureSource) > 0) {
        out.add(
            new Offender(
                module,
                c.name(),
                null,
                "call shape from "
                    + source.manifestName()
                    + ", below the minimum "
                    + minimumSignatureSource.manifestName()));
      }
    }
    int total = report.parameters();
    int untyped = total - report.typedParameters();
    if (total > 0 && (double) untyped / total > maximumUntypedShare) {
      String why =
          String.format(
              Locale.ROOT,
              "untyped; %d of %d parameters of the module untyped (%.1f%%), more than %.1f%%",
              untyped,
              total,
              100.0 * untyped / total,
              100.0 * maximumUntypedShare);
      for (CoverageReport.Callable c : report.callables()) {
        for (CoverageReport.Parameter p : c.parameters()) {
          if (!p.typed()) {
            String type = p.pythonType() == null ? "no type" : "type " + p.pythonType();
            out.add(new Offender(module, c.name(), p.name(), why + " (" + type + ")"));
          }
        }
      }
    }
    return out;
  }

  /** Throws when this policy refuses something in {@code report}. */
  public void check(CoverageReport report) {
    List<Offender> offenders = offenders(report);
    if (!offenders.isEmpty()) {
      throw new StrictModeException(report.module(), offenders);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StrictPolicy p
        && minimumSignatureSource == p.minimumSignatureSource
        && Double.compare(maximumUntypedShare, p.maximumUntypedShare) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(minimumSignatureSource, maximumUntypedShare);
  }

  @Override
  public String toString() {
    return "StrictPolicy{minimumSignatureSource="
        + minimumSignatureSource.manifestName()
        + ", maximumUntypedShare="
        + maximumUntypedShare
        + "}";
  }
}
