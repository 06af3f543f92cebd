package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.codegen.StrictPolicy.Offender;
import io.snakebridge.codegen.StrictPolicy.SignatureSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Strict generation passes or fails on the checked-in manifests, naming every offender. */
class StrictPolicyTest {
  private static final Path MANIFESTS = Path.of("src", "test", "resources", "manifests");

  private static WrapperGenerator strict(StrictPolicy policy) {
    return new WrapperGenerator("com.example.py").strict(policy);
  }

  @Test
  void lenientAcceptsEverything() throws IOException {
    Path manifest = MANIFESTS.resolve("statistics.json");
    assertEquals(
        new WrapperGenerator("com.example.py").generate(manifest),
        strict(StrictPolicy.lenient()).generate(manifest));
  }

  @Test
  void passesWhenEveryCallableHasARealSignatureAndEnoughParametersAreTyped() throws IOException {
    // sbsample: every call shape from inspect.signature, 4 of 11 parameters untyped
    StrictPolicy policy =
        StrictPolicy.lenient()
            .minimumSignatureSource(SignatureSource.SIGNATURE)
            .maximumUntypedShare(0.4);
    GeneratedModule module = strict(policy).generateModule(MANIFESTS.resolve("sbsample.json"));
    assertEquals(List.of(), policy.offenders(module.coverage()));
  }

  @Test
  void failsOnTooManyUntypedParametersListingEach() {
    StrictPolicy policy = StrictPolicy.lenient().maximumUntypedShare(0.35);
    StrictModeException e =
        assertThrows(
            StrictModeException.class,
            () -> strict(policy).generateModule(MANIFESTS.resolve("sbsample.json")));
    assertEquals("sbsample", e.module());
    assertEquals(4, e.offenders().size());
    for (Offender o : e.offenders()) {
      assertEquals("sbsample", o.module());
      assertTrue(o.parameter() != null, o.toString());
      assertTrue(o.reason().startsWith("untyped; 4 of 11 parameters"), o.reason());
      assertTrue(e.getMessage().contains(o.toString()), e.getMessage());
    }
  }

  @Test
  void failsOnCallablesWithoutARealSignature() {
    StrictPolicy policy = StrictPolicy.lenient().minimumSignatureSource(SignatureSource.SIGNATURE);
    StrictModeException e =
        assertThrows(
            StrictModeException.class,
            () -> strict(policy).generate(MANIFESTS.resolve("statistics.json")));
    // the exception class's constructor and inherited builtin methods have no signature
    assertEquals(
        List.of("StatisticsError", "StatisticsError.add_note", "StatisticsError.with_traceback"),
        e.offenders().stream().map(Offender::callable).collect(Collectors.toList()));
    assertEquals(
        "call shape from none, below the minimum signature", e.offenders().get(0).reason());
  }

  @Test
  void minimumRanksDocstringAboveTextSignature() {
    String manifest =
        "{\"module\": \"m\", \"functions\": ["
            + "{\"name\": \"a\", \"signatureSource\": \"docstring\", \"exact\": true,"
            + " \"parameters\": [{\"name\": \"x\", \"kind\": \"positional-or-keyword\","
            + " \"type\": \"int\", \"typeSource\": \"stub\"}]},"
            + "{\"name\": \"b\", \"signatureSource\": \"text_signature\", \"exact\": true,"
            + " \"parameters\": []}]}";
    StrictModeException e =
        assertThrows(
            StrictModeException.class,
            () ->
                strict(StrictPolicy.lenient().minimumSignatureSource(SignatureSource.DOCSTRING))
                    .generate(manifest));
    assertEquals(
        List.of(
            new Offender(
                "m", "b", null, "call shape from text_signature, below the minimum docstring")),
        e.offenders());
    assertEquals(
        2,
        strict(
                StrictPolicy.lenient()
                    .minimumSignatureSource(SignatureSource.TEXT_SIGNATURE)
                    .maximumUntypedShare(0.0))
            .generateModule(manifest)
            .coverage()
            .callables()
            .size());
  }

  @Test
  void rejectsShareOutsideZeroToOne() {
    assertThrows(
        IllegalArgumentException.class, () -> StrictPolicy.lenient().maximumUntypedShare(1.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> StrictPolicy.lenient().maximumUntypedShare(Double.NaN));
  }
}
