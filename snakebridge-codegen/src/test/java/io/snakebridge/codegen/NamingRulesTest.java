package io.snakebridge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snakebridge.PyHandle;
import io.snakebridge.SnakeBridgeRuntime;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract's naming and mapping rules, on small manifests, checked on compiled classes. */
class NamingRulesTest {

  private static String param(String name, String kind, boolean hasDefault, String type) {
    return "{\"name\": \""
        + name
        + "\", \"kind\": \""
        + kind
        + "\", \"hasDefault\": "
        + hasDefault
        + ", \"type\": "
        + (type == null ? "null" : "\"" + type + "\"")
        + "}";
  }

  private static String callable(String name, String returns, String doc, String... params) {
    return "{\"name\": \""
        + name
        + "\", \"signatureSource\": \"signature\", \"parameters\": ["
        + String.join(", ", params)
        + "], \"returns\": "
        + returns
        + ", \"doc\": "
        + doc
        + ", \"deprecated\": null}";
  }

  private static final String NO_RETURN = "{\"type\": null, \"source\": null}";

  private static String manifest() {
    String nasty =
        "{\"summary\": \"Ends a comment */ here, \\\\u00e9 and {@code x} and <b> & @see"
            + " and $ and \\\\ too.\", \"examples\": [\">>> f({1: 2}) */ @x\"]}";
    String fn =
        callable(
            "mixed_case_fn",
            NO_RETURN,
            nasty,
            param("count", "positional-or-keyword", false, "int"),
            param("ratio", "positional-or-keyword", false, "float"),
            param("flag", "positional-or-keyword", false, "bool"),
            param("label", "positional-or-keyword", false, "str"),
            param("data", "positional-or-keyword", false, "ArrayLike"),
            param("limit", "positional-or-keyword", true, "int | None"),
            param("mode", "keyword-only", true, "Literal['a', 'b']"),
            param("opts", "var-keyword", false, null));
    String plain = callable("plain", NO_RETURN, "null", param("x", "positional-only", false, null));
    String call = callable("call", NO_RETURN, "null");
    String fit =
        callable(
            "fit",
            "{\"type\": \"Self\", \"source\": \"numpydoc\"}",
            "null",
            param("x", "positional-or-keyword", false, null));
    String old =
        "{\"name\": \"old\", \"signatureSource\": \"signature\", \"parameters\": [],"
            + " \"returns\": "
            + NO_RETURN
            + ", \"doc\": null,"
            + " \"deprecated\": {\"message\": \"use new\", \"source\": \"docstring\"}}";
    String ctor =
        callable(
            "datetime",
            NO_RETURN,
            "null",
            param("year", "positional-or-keyword", false, "int"),
            param("month", "positional-or-keyword", true, "int"));
    return "{\"module\": \"pkg.sub_mod\", \"doc\": null, \"functions\": ["
        + fn
        + ", "
        + plain
        + ", "
        + old
        + "], \"attributes\": [{\"name\": \"max_size\", \"type\": \"int\"}],"
        + " \"classes\": [{\"name\": \"SubMod\", \"doc\": null, \"deprecated\": null,"
        + " \"constructor\": "
        + ctor
        + ", \"methods\": ["
        + fit
        + ", "
        + call
        + "], \"properties\": [],"
        + " \"attributes\": [{\"name\": \"coef_\", \"type\": \"ndarray\"},"
        + " {\"name\": \"fit\", \"type\": \"int\"}]},"
        + " {\"name\": \"lower_name\", \"doc\": null, \"deprecated\": null, \"constructor\": "
        + callable("lower_name", NO_RETURN, "null")
        + ", \"methods\": [], \"properties\": [],"
        + " \"attributes\": []}]}";
  }

  private static Class<?> load(ClassLoader loader, String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  private static List<String> signatures(Class<?> type, String method) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> m.getName().equals(method))
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .map(
            m ->
                Arrays.stream(m.getGenericParameterTypes())
                        .map(t -> t.getTypeName().replaceAll("[\\w.]+\\.", "").replace("$", "."))
                        .collect(Collectors.joining(", ", "(", ")"))
                    + m.getReturnType().getSimpleName())
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void namesAndTypesFollowTheContract(@TempDir Path tmp) throws Exception {
    List<GeneratedSource> sources = new WrapperGenerator("com.example.py").generate(manifest());
    assertEquals(
        List.of(
            "com.example.py.pkg.sub_mod.LowerName",
            "com.example.py.pkg.sub_mod.SubMod",
            "com.example.py.pkg.sub_mod.SubModModule"),
        sources.stream().map(GeneratedSource::className).collect(Collectors.toList()));
    Path classes = GeneratedCompiler.compile(sources, tmp);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> module = load(loader, "com.example.py.pkg.sub_mod.SubModModule");
      assertTrue(Modifier.isFinal(module.getModifiers()));
      assertNotNull(module.getMethod("of", SnakeBridgeRuntime.class));
      assertNotNull(module.getMethod("of"));
      assertEquals(
          List.of(
              "(long, double, boolean, String, Object)Object",
              "(long, double, boolean, String, Object, Consumer<MixedCaseFnArgs>)Object"),
          signatures(module, "mixedCaseFn").stream()
              .map(s -> s.replace("SubModModule.", ""))
              .collect(Collectors.toList()));
      Class<?> args = load(loader, "com.example.py.pkg.sub_mod.SubModModule$MixedCaseFnArgs");
      assertEquals(Long.class, args.getMethod("limit", Long.class).getParameterTypes()[0]);
      assertNotNull(args.getMethod("mode", String.class));
      assertNotNull(args.getMethod("kwarg", String.class, Object.class));
      assertEquals(List.of("(Object)Object"), signatures(module, "plain"));
      assertEquals(long.class, module.getMethod("maxSize").getReturnType());
      assertNotNull(module.getMethod("old").getAnnotation(Deprecated.class));

      Class<?> handle = load(loader, "com.example.py.pkg.sub_mod.SubMod");
      assertTrue(Modifier.isFinal(handle.getModifiers()));
      assertEquals(PyHandle.class, handle.getSuperclass());
      Method create = handle.getMethod("create", SnakeBridgeRuntime.class, long.class);
      assertTrue(Modifier.isStatic(create.getModifiers()));
      assertEquals(handle, create.getReturnType());
      assertNotNull(handle.getMethod("create", long.class));
      assertNotNull(
          handle.getMethod("create", SnakeBridgeRuntime.class, long.class, Consumer.class));
      assertNotNull(handle.getMethod("create", long.class, Consumer.class));
      assertEquals(handle, handle.getMethod("fit", Object.class).getReturnType());
      assertNotNull(handle.getMethod("call_")); // PyRef.call(Object...) keeps its meaning
      assertEquals(Object.class, handle.getMethod("coef").getReturnType());
      assertEquals(long.class, handle.getMethod("fitAttr").getReturnType());
      assertNotNull(load(loader, "com.example.py.pkg.sub_mod.LowerName").getMethod("create"));
    }
  }

  @Test
  void refusesWhatIsNotAManifestOrAPackage() {
    assertThrows(IllegalArgumentException.class, () -> new WrapperGenerator("com.1x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WrapperGenerator("com.example").generate("{\"functions\": []}"));
    assertFalse(new WrapperGenerator("a").generate("{\"module\": \"m\"}").isEmpty());
  }
}
