package io.snakebridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.ConversionException;
import io.snakebridge.PyTuple;
import io.snakebridge.PythonException;
import io.snakebridge.ReferenceNotFoundException;
import io.snakebridge.SessionMismatchException;
import io.snakebridge.internal.codec.CodecLimits;
import io.snakebridge.internal.codec.EncodedValue;
import io.snakebridge.internal.codec.ValueReader;
import io.snakebridge.internal.codec.ValueWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ERROR dicts, after a trip through the real codec, become the exceptions users catch. */
class PythonExceptionTest {
  private static Map<String, Object> error(String type, String message, List<String> mro) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", "python");
    error.put("type", type);
    error.put("message", message);
    error.put(
        "traceback",
        "Traceback (most recent call last):\n  File \"/app/shop/cart.py\","
            + " line 12, in total\n"
            + type
            + ": "
            + message
            + "\n");
    error.put("mro", mro);
    error.put(
        "frames",
        List.of(
            PyTuple.of("shop.api", "checkout", "/app/shop/api.py", 40L),
            PyTuple.of("shop.cart", "total", "/app/shop/cart.py", 12L)));
    error.put("cause", null);
    error.put("context", null);
    error.put("python_type", null);
    return error;
  }

  /** Encodes and decodes like a worker's ERROR frame would be. */
  private static Object wire(Map<String, Object> dict) throws IOException {
    EncodedValue encoded = new ValueWriter(CodecLimits.DEFAULT).encode(dict, "error");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoded.writeTo(out);
    byte[] body = out.toByteArray();
    return new ValueReader(CodecLimits.DEFAULT).decode(body, 0, body.length);
  }

  private static PythonException python(Map<String, Object> dict) throws IOException {
    return (PythonException) ErrorReply.parse(wire(dict)).toException("shop.api.checkout");
  }

  @Test
  void carriesTypeMessageTracebackAndMro() throws IOException {
    PythonException e =
        python(
            error(
                "builtins.KeyError",
                "'apple'",
                List.of(
                    "builtins.KeyError",
                    "builtins.LookupError",
                    "builtins.Exception",
                    "builtins.BaseException",
                    "builtins.object")));
    assertEquals("builtins.KeyError", e.pythonType());
    assertEquals("'apple'", e.pythonMessage());
    assertEquals("builtins.KeyError: 'apple'", e.getMessage());
    assertTrue(e.pythonTraceback().startsWith("Traceback (most recent call last):"));
    assertTrue(e.isInstance("builtins.KeyError"));
    assertTrue(e.isInstance("builtins.LookupError"));
    assertTrue(e.isInstance("builtins.BaseException"));
    assertFalse(e.isInstance("builtins.ValueError"));
    assertFalse(e.isInstance("KeyError"), "names are qualified");
    assertNull(e.getCause());
  }

  @Test
  void pythonFramesComeFirstInTheStackTraceInnermostFirst() throws IOException {
    PythonException e = python(error("builtins.ValueError", "bad", List.of()));
    StackTraceElement[] trace = e.getStackTrace();
    assertEquals(new StackTraceElement("shop.cart", "total", "cart.py", 12), trace[0]);
    assertEquals(new StackTraceElement("shop.api", "checkout", "api.py", 40), trace[1]);
    assertTrue(
        Arrays.stream(trace)
            .skip(2)
            .anyMatch(frame -> frame.getClassName().equals(PythonExceptionTest.class.getName())),
        "the Java frames follow");
  }

  @Test
  void aDeepTracebackKeepsItsOutermostAndInnermostFramesAndSaysHowManyWereLeftOut()
      throws IOException {
    Map<String, Object> dict = error("builtins.RecursionError", "too deep", List.of());
    List<PyTuple> frames = new java.util.ArrayList<>();
    for (long i = 0; i < 1_000_000; i++) {
      frames.add(PyTuple.of("m", "f" + i, "/app/m.py", i));
    }
    dict.put("frames", frames);
    dict.put("frames_omitted", 5L); // left out by the worker already
    PythonException e = python(dict);
    int kept = ErrorReply.FRAMES_OUTER + ErrorReply.FRAMES_INNER;
    StackTraceElement[] trace = e.getStackTrace();
    assertEquals("f999999", trace[0].getMethodName(), "innermost first");
    assertEquals(
        "f" + (1_000_000 - ErrorReply.FRAMES_INNER),
        trace[ErrorReply.FRAMES_INNER - 1].getMethodName());
    assertEquals(
        "f" + (ErrorReply.FRAMES_OUTER - 1), trace[ErrorReply.FRAMES_INNER].getMethodName());
    assertEquals("f0", trace[kept - 1].getMethodName(), "outermost last of the Python frames");
    assertEquals(
        PythonExceptionTest.class.getName(),
        Arrays.stream(trace)
            .skip(kept)
            .map(StackTraceElement::getClassName)
            .filter(name -> !name.equals("m"))
            .filter(name -> name.startsWith("io.snakebridge.internal.runtime.PythonExceptionTest"))
            .findFirst()
            .orElse(null));
    assertEquals(
        "too deep [traceback cut: "
            + (1_000_000 - kept + 5)
            + " frames omitted between"
            + " the outermost 100 and the innermost 900]",
        e.pythonMessage());
  }

  @Test
  void causeTakesPrecedenceOverContextAndChainsAreKept() throws IOException {
    Map<String, Object> root = error("builtins.OSError", "disk full", List.of());
    Map<String, Object> context = error("builtins.KeyError", "'x'", List.of());
    Map<String, Object> top = error("shop.errors.SaveFailed", "could not save", List.of());
    top.put("cause", root);
    top.put("context", context);
    PythonException e = python(top);
    assertEquals("shop.errors.SaveFailed: could not save", e.getMessage());
    PythonException cause = (PythonException) e.getCause();
    assertEquals("builtins.OSError", cause.pythonType());
    assertNull(cause.getCause());

    Map<String, Object> implicit = error("builtins.RuntimeError", "while handling", List.of());
    implicit.put("context", context);
    assertEquals("builtins.KeyError", ((PythonException) python(implicit).getCause()).pythonType());
  }

  @Test
  void anEmptyMessageLeavesJustTheType() throws IOException {
    PythonException e = python(error("builtins.StopIteration", "", List.of()));
    assertEquals("builtins.StopIteration", e.getMessage());
  }

  @Test
  void conversionErrorsNameThePythonType() throws IOException {
    Map<String, Object> dict =
        error(
            "snakebridge_worker.ConversionError", "no Java mapping for builtins.object", List.of());
    dict.put("kind", "conversion");
    dict.put("python_type", "builtins.object");
    RuntimeException e = ErrorReply.parse(wire(dict)).toException("builtins.object");
    ConversionException conversion = assertInstanceOf(ConversionException.class, e);
    assertEquals("builtins.object", conversion.pythonType());
    assertTrue(e.getMessage().contains("builtins.object"), e.getMessage());
  }

  @Test
  void tooLargeBecomesAConversionExceptionWithTheWorkersMessage() throws IOException {
    Map<String, Object> dict =
        error(
            "snakebridge_worker.ResultTooLarge",
            "the result needs 600000000 bytes, more than the limit of 536870912",
            List.of());
    dict.put("kind", "too_large");
    RuntimeException e = ErrorReply.parse(wire(dict)).toException("numpy.zeros");
    assertInstanceOf(ConversionException.class, e);
    assertTrue(e.getMessage().contains("more than the limit of 536870912"), e.getMessage());
  }

  @Test
  void malformedDictsAreRefusedWithTheReason() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> ErrorReply.parse("not a dict"));
    Map<String, Object> noType = error("x", "y", List.of());
    noType.remove("type");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ErrorReply.parse(wire(noType)).toException("m.f"));
    assertTrue(e.getMessage().contains("'type' must be a str"), e.getMessage());
  }

  @Test
  void isInstanceRejectsNull() throws IOException {
    PythonException e = python(error("builtins.ValueError", "bad", List.of()));
    assertThrows(NullPointerException.class, () -> e.isInstance(null));
  }

  @Test
  void referenceKindsBecomeTheirOwnExceptions() throws IOException {
    Map<String, Object> missing =
        error("snakebridge_worker.RefNotFound", "unknown reference ab-7 in session s1", List.of());
    missing.put("kind", "ref_not_found");
    missing.put("ref_id", "ab-7");
    missing.put("session_id", "s1");
    missing.put("call_session_id", "s1");
    ReferenceNotFoundException notFound =
        assertInstanceOf(
            ReferenceNotFoundException.class, ErrorReply.parse(wire(missing)).toException("m.T.f"));
    assertEquals("ab-7", notFound.refId());
    assertEquals("s1", notFound.sessionId());
    assertEquals("unknown reference ab-7 in session s1", notFound.getMessage());

    Map<String, Object> foreign =
        error("snakebridge_worker.SessionMismatch", "wrong session", List.of());
    foreign.put("kind", "session_mismatch");
    foreign.put("ref_id", "ab-7");
    foreign.put("session_id", "s1");
    foreign.put("call_session_id", "s2");
    SessionMismatchException mismatch =
        assertInstanceOf(
            SessionMismatchException.class, ErrorReply.parse(wire(foreign)).toException("m.T.f"));
    assertEquals("s1", mismatch.sessionId());
    assertEquals("s2", mismatch.callSessionId());
  }

  @Test
  void anUnknownHelperIsAPythonException() throws IOException {
    Map<String, Object> dict =
        error(
            "snakebridge_worker.HelperNotFound",
            "no helper 'text.nope' under /app/helpers",
            List.of());
    dict.put("kind", "helper_not_found");
    PythonException e =
        assertInstanceOf(
            PythonException.class, ErrorReply.parse(wire(dict)).toException("helper.text.nope"));
    assertEquals("snakebridge_worker.HelperNotFound", e.pythonType());
  }

  @Test
  void aLevelWithAnErrorIdIsCausedByTheCallbacksJavaException() throws IOException {
    Map<String, Object> javaError =
        error("snakebridge_worker.JavaError", "java.lang.IllegalStateException: boom", List.of());
    javaError.put("error_id", 7L);
    Map<String, Object> top = error("builtins.ValueError", "sorting failed", List.of());
    top.put("cause", javaError);
    IllegalStateException original = new IllegalStateException("boom");
    PythonException e =
        (PythonException)
            ErrorReply.parse(wire(top))
                .toException("builtins.sorted", id -> id == 7 ? original : null);
    PythonException level = (PythonException) e.getCause();
    assertEquals("snakebridge_worker.JavaError", level.pythonType());
    assertSame(original, level.getCause());
  }
}
