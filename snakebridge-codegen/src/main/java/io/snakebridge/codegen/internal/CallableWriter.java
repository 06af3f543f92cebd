package io.snakebridge.codegen.internal;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * The methods of one Python callable: one with the required parameters, and, when the callable has
 * optional, keyword or variadic parameters, one taking a trailing {@code Consumer} of a
 * per-callable args object on which only what the caller sets is sent.
 */
final class CallableWriter {
  private static final ClassName PY_STREAM = ClassName.get("io.snakebridge", "PyStream");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");

  /** Java names generated code uses itself; a Python parameter so named gets a suffix. */
  private static final Set<String> LOCALS = Set.of("args", "runtime", "argsObject", "result");

  /** Names an args-object setter must not take. */
  private static final Set<String> SETTER_RESERVED =
      Set.of(
          "equals",
          "hashCode",
          "toString",
          "getClass",
          "wait",
          "notify",
          "notifyAll",
          "clone",
          "finalize",
          "kwarg",
          "pythonOptions",
          "pythonPositional");

  private final Map<String, Object> fn;
  private final String pyName;
  private final String javaName;
  private final ModuleWriter.Target target;
  private final @Nullable Map<String, Object> doc;
  private final @Nullable Map<String, Object> deprecated;

  private final List<Param> required = new ArrayList<>();
  private final List<Param> slots = new ArrayList<>();
  private final List<Param> keywords = new ArrayList<>();
  private @Nullable Param varPositional;
  private boolean varKeyword;

  private static final class Param {
    final String python;
    final String java;
    final TypeName type;
    final boolean keyword;
    final Map<String, Object> source;

    /** The string options of a {@code Literal[...]} type, or null. */
    final @Nullable List<String> options;

    /** The enum of the options, once {@link #addTo} has named it. */
    @Nullable ClassName optionsEnum;

    Param(String python, String java, TypeName type, boolean keyword, Map<String, Object> source) {
      this.python = python;
      this.java = java;
      this.type = type;
      this.keyword = keyword;
      this.source = source;
      this.options =
          ModuleWriter.STRING.equals(type)
              ? Types.stringLiterals(Manifests.string(source.get("type")))
              : null;
    }
  }

  CallableWriter(
      Map<String, Object> fn,
      String pyName,
      String javaName,
      ModuleWriter.Target target,
      @Nullable Map<String, Object> docOverride) {
    this.fn = fn;
    this.pyName = pyName;
    this.javaName = javaName;
    this.target = target;
    this.doc = docOverride != null ? docOverride : Manifests.map(fn.get("doc"));
    this.deprecated = Manifests.map(fn.get("deprecated"));
    classify();
  }

  private void classify() {
    List<Map<String, Object>> params = Manifests.maps(fn.get("parameters"));
    boolean unknown = "none".equals(fn.get("signatureSource"));
    boolean hasVarPositional =
        unknown || params.stream().anyMatch(p -> "var-positional".equals(p.get("kind")));
    Set<String> javaNames = new HashSet<>(LOCALS);
    for (Map<String, Object> p : params) {
      // The introspector writes every parameter's name and kind.
      String name = Objects.requireNonNull(Manifests.string(p.get("name")), "parameter name");
      String kind = Objects.requireNonNull(Manifests.string(p.get("kind")), "parameter kind");
      boolean optional = Manifests.bool(p.get("hasDefault"));
      String java = Names.parameter(name);
      while (!javaNames.add(java)) {
        java = java + "_";
      }
      TypeName type = Types.parameter(Manifests.string(p.get("type")));
      switch (kind) {
        case "var-positional":
          varPositional = new Param(name, java, ModuleWriter.OBJECT_ARRAY, false, p);
          break;
        case "var-keyword":
          varKeyword = true;
          break;
        case "keyword-only":
          if (optional) {
            keywords.add(new Param(name, setterName(java), type, true, p));
          } else {
            required.add(new Param(name, java, type, true, p));
          }
          break;
        default: // positional-only, positional-or-keyword
          if (!optional) {
            required.add(new Param(name, java, type, false, p));
          } else if ("positional-only".equals(kind) || hasVarPositional) {
            slots.add(new Param(name, setterName(java), type, false, p));
          } else {
            keywords.add(new Param(name, setterName(java), type, true, p));
          }
      }
    }
    if (unknown) {
      varPositional = new Param("args", "values", ModuleWriter.OBJECT_ARRAY, false, Map.of());
      varKeyword = true;
    }
  }

  private static String setterName(String java) {
    return SETTER_RESERVED.contains(java) ? java + "_" : java;
  }

  private boolean hasArgs() {
    return !slots.isEmpty() || !keywords.isEmpty() || varKeyword || varPositional != null;
  }

  private @Nullable ClassName argsClass() {
    String base = Names.upperCamel(javaName);
    return target.handle != null && target.kind == ModuleWriter.Target.Kind.CONSTRUCTOR
        ? target.handle.nestedClass("CreateArgs")
        : target.handle != null ? target.handle.nestedClass(base + "Args") : null;
  }

  /**
   * Adds the methods, the args class and an enum per {@code Literal[...]} parameter to {@code
   * type}; {@code nested} holds the simple names of the types nested in it so far and gets the new
   * ones.
   */
  void addTo(TypeSpec.Builder type, ClassName owner, Set<String> nested) {
    ClassName args = argsClass();
    if (args == null) {
      args = ClassName.get("", Names.upperCamel(javaName) + "Args");
    }
    if (hasArgs()) {
      nested.add(args.simpleName());
    }
    List<TypeSpec> enums = new ArrayList<>();
    for (List<Param> group : List.of(required, slots, keywords)) {
      for (Param p : group) {
        if (p.options != null) {
          String base = Names.upperCamel(javaName) + Names.upperCamel(p.python);
          String name = base;
          for (int i = 2; !nested.add(name) || name.equals(owner.simpleName()); i++) {
            name = base + i;
          }
          p.optionsEnum = owner.nestedClass(name);
          enums.add(optionsEnum(p));
        }
      }
    }
    TypeName returns = returnType();
    boolean constructor = target.kind == ModuleWriter.Target.Kind.CONSTRUCTOR;
    List<MethodSpec> methods = new ArrayList<>();
    if (constructor) {
      // create(runtime, required...) [+ Consumer], then create(required...) [+ Consumer]
      methods.add(method(true, false, args, returns));
      methods.add(method(false, false, args, returns));
      if (hasArgs()) {
        methods.add(method(true, true, args, returns));
        methods.add(method(false, true, args, returns));
      }
    } else {
      methods.add(method(false, false, args, returns));
      if (hasArgs()) {
        methods.add(method(false, true, args, returns));
      }
    }
    boolean requiredOptions = required.stream().anyMatch(p -> p.optionsEnum != null);
    for (MethodSpec m : methods) {
      type.addMethod(m);
      if (requiredOptions) {
        type.addMethod(enumOverload(m));
      }
    }
    if (hasArgs()) {
      type.addType(argsType(args));
    }
    for (TypeSpec e : enums) {
      type.addType(e);
    }
  }

  /** The enum of a parameter's string options, each constant carrying its Python value. */
  private TypeSpec optionsEnum(Param p) {
    TypeSpec.Builder e =
        TypeSpec.enumBuilder(Objects.requireNonNull(p.optionsEnum).simpleName()) // named
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "The options of the parameter {@code $L} of {@code $L}; {@link #value()} is"
                    + " the string Python takes.\n",
                Javadoc.escape(p.python),
                Javadoc.escape(pyName));
    Set<String> constants = new HashSet<>();
    for (String value : Objects.requireNonNull(p.options)) { // only for a Literal
      String base = Names.constant(value);
      String name = base;
      for (int i = 2; !constants.add(name); i++) {
        name = base + "_" + i;
      }
      e.addEnumConstant(
          name,
          TypeSpec.anonymousClassBuilder("$S", value)
              .addJavadoc("Python's {@code '$L'}.\n", Javadoc.escape(value))
              .build());
    }
    e.addField(ModuleWriter.STRING, "value", Modifier.PRIVATE, Modifier.FINAL);
    e.addMethod(
        MethodSpec.constructorBuilder()
            .addParameter(ModuleWriter.STRING, "value")
            .addStatement("this.value = value")
            .build());
    e.addMethod(
        MethodSpec.methodBuilder("value")
            .addModifiers(Modifier.PUBLIC)
            .returns(ModuleWriter.STRING)
            .addJavadoc("The string Python takes.\n\n@return the option as a Python string\n")
            .addStatement("return value")
            .build());
    return e.build();
  }

  /** {@code m} taking the enums of its {@code Literal[...]} parameters, calling {@code m}. */
  private MethodSpec enumOverload(MethodSpec m) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder(m.name())
            .addModifiers(m.modifiers())
            .addAnnotations(m.annotations())
            .returns(m.returnType())
            .addJavadoc(m.javadoc())
            .varargs(m.varargs());
    List<CodeBlock> forward = new ArrayList<>();
    for (ParameterSpec ps : m.parameters()) {
      Param option = null;
      for (Param p : required) {
        if (p.optionsEnum != null && p.java.equals(ps.name())) {
          option = p;
        }
      }
      if (option == null) {
        b.addParameter(ps);
        forward.add(CodeBlock.of("$L", ps.name()));
      } else {
        b.addParameter(option.optionsEnum, ps.name());
        forward.add(
            CodeBlock.of(
                "$T.requireNonNull($L, $S).value()", ModuleWriter.OBJECTS, ps.name(), ps.name()));
      }
    }
    return b.addStatement("return $L($L)", m.name(), CodeBlock.join(forward, ", ")).build();
  }

  private TypeName returnType() {
    if (target.kind == ModuleWriter.Target.Kind.CONSTRUCTOR) {
      return Objects.requireNonNull(target.handle); // a constructor has its class
    }
    Map<String, Object> r = Manifests.map(fn.get("returns"));
    String text = r == null ? null : Manifests.string(r.get("type"));
    String source = r == null ? null : Manifests.string(r.get("source"));
    if ("Self".equals(text) && target.handle != null) {
      return target.handle;
    }
    if ("annotation".equals(source) || "stub".equals(source)) {
      return Types.parameter(text);
    }
    return ClassName.OBJECT;
  }

  /**
   * Adds {@code <name>Stream}, the methods of a generator function that return its items as a
   * {@code PyStream} ({@code runtime.openStream}) instead of calling it for one result; the caller
   * reserves the name and has added the function itself with {@link #addTo}.
   */
  void addStreamTo(TypeSpec.Builder type) {
    ClassName args = argsClass();
    if (args == null) {
      args = ClassName.get("", Names.upperCamel(javaName) + "Args");
    }
    type.addMethod(method(false, false, args, PY_STREAM, true));
    if (hasArgs()) {
      type.addMethod(method(false, true, args, PY_STREAM, true));
    }
  }

  private MethodSpec method(
      boolean withRuntime, boolean withArgs, ClassName args, TypeName returns) {
    return method(withRuntime, withArgs, args, returns, false);
  }

  private MethodSpec method(
      boolean withRuntime, boolean withArgs, ClassName args, TypeName returns, boolean stream) {
    boolean constructor = target.kind == ModuleWriter.Target.Kind.CONSTRUCTOR;
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(stream ? javaName + "Stream" : javaName)
            .addModifiers(Modifier.PUBLIC)
            .returns(returns);
    if (constructor) {
      m.addModifiers(Modifier.STATIC);
    }
    if (deprecated != null) {
      m.addAnnotation(Deprecated.class);
    }
    String what =
        constructor
            ? "Creates an instance of the Python class {@code " + Javadoc.escape(pyName) + "}."
            : null;
    if (stream) {
      m.addJavadoc(
          "Calls the Python generator function {@code $L} and returns its items as a"
              + " {@link $T}, fetched as they are read; close it when it is not read to its end.\n"
              + "\n<p>The function itself: {@link #$L}.\n",
          Javadoc.escape(pyName),
          PY_STREAM,
          javaName);
    } else {
      m.addJavadoc(
          "$L",
          constructor
              ? what
                  + "\n"
                  + (doc != null && doc.get("summary") != null
                      ? "\n<p>" + Javadoc.paragraphs((String) doc.get("summary")) + "\n"
                      : "")
              : Javadoc.body(
                  doc,
                  "Calls the Python "
                      + (target.handle == null ? "function " : "method ")
                      + pyName
                      + "."));
    }
    if (constructor && withRuntime) {
      m.addParameter(ModuleWriter.RUNTIME, "runtime");
    }
    List<String> paramDocs = new ArrayList<>();
    if (constructor && withRuntime) {
      paramDocs.add("@param runtime the runtime to create it on");
    }
    for (Param p : required) {
      m.addParameter(ParameterSpec.builder(p.type, p.java).build());
      paramDocs.add(
          "@param "
              + p.java
              + " "
              + Javadoc.paramDescription(
                  doc,
                  p.python,
                  "the Python parameter " + p.python + (p.keyword ? " (passed by keyword)" : "")));
    }
    if (withArgs) {
      m.addParameter(ModuleWriter.consumerOf(args), "args");
      paramDocs.add(
          "@param args sets the optional parameters; only those set are sent, so"
              + " Python's defaults apply to the others");
    }
    if (varPositional != null) {
      m.addParameter(ModuleWriter.OBJECT_ARRAY, varPositional.java).varargs(true);
      paramDocs.add(
          "@param "
              + varPositional.java
              + " further positional arguments (Python's *"
              + Javadoc.escape(varPositional.python)
              + ")");
    }
    StringBuilder tags = new StringBuilder();
    for (String d : paramDocs) {
      tags.append(d).append('\n');
    }
    tags.append("@return ")
        .append(
            stream
                ? "the items the generator yields"
                : constructor
                    ? "the new instance"
                    : returns.equals(target.handle)
                        ? "this object, as Python returns it"
                        : Javadoc.returnDescription(doc, "what Python returns"))
        .append('\n');
    if (deprecated != null) {
      tags.append("@deprecated ")
          .append(Javadoc.escape(String.valueOf(deprecated.get("message"))))
          .append('\n');
    }
    m.addJavadoc("\n$L", tags.toString());

    if (constructor && !withRuntime) {
      m.addStatement("return $L($L)", javaName, forward(withArgs));
      return m.build();
    }
    CodeBlock options;
    CodeBlock argsObject;
    if (withArgs) {
      m.addStatement("$T.requireNonNull(args, $S)", ModuleWriter.OBJECTS, "args");
      m.addStatement("$T argsObject = new $T()", args, args);
      m.addStatement("args.accept(argsObject)");
      options = CodeBlock.of("argsObject.pythonOptions");
      argsObject = CodeBlock.of("argsObject");
    } else {
      options = CodeBlock.of("$T.defaults()", ModuleWriter.CALL_OPTIONS);
      argsObject = hasArgs() && varPositional != null ? CodeBlock.of("new $T()", args) : null;
    }
    CodeBlock positional = positional(argsObject);
    for (Param p : required) {
      if (p.keyword) {
        options = CodeBlock.of("$L.kwarg($S, $L)", options, p.python, p.java);
      }
    }
    if (stream) {
      m.addStatement(
          "return runtime.openStream(MODULE, $S, $T.asList($L), $L)",
          pyName,
          ARRAYS,
          positionalArray(argsObject),
          options);
      return m.build();
    }
    CodeBlock call;
    switch (target.kind) {
      case CONSTRUCTOR:
        m.addStatement("$T.requireNonNull(runtime, $S)", ModuleWriter.OBJECTS, "runtime");
        call = CodeBlock.of("runtime.callClass(MODULE, $S, $L$L)", pyName, options, positional);
        m.addStatement("return new $T($L)", target.handle, call);
        return m.build();
      case METHOD:
        call = CodeBlock.of("callMethod($S, $L$L)", pyName, options, positional);
        break;
      default:
        call = CodeBlock.of("runtime.call(MODULE, $S, $L$L)", pyName, options, positional);
    }
    if (returns.equals(target.handle)) {
      m.addStatement("return wrap(($T) $L)", ModuleWriter.PY_REF, call);
    } else {
      m.addStatement("$T result = $L", ClassName.OBJECT, call);
      m.addStatement("return $L", Conversions.fromObject(returns, CodeBlock.of("result")));
    }
    return m.build();
  }

  /** "new Object[] {a, b}" or "argsObject.pythonPositional(new Object[] {a, b}, rest)". */
  private CodeBlock positionalArray(@Nullable CodeBlock argsObject) {
    CodeBlock arguments = positionalArguments(argsObject);
    if (arguments == null) {
      return CodeBlock.of("new $T[0]", ClassName.OBJECT);
    }
    return positionalIsArray(argsObject)
        ? arguments
        : CodeBlock.of("new $T[] {$L}", ClassName.OBJECT, arguments);
  }

  /** ", a, b" or ", argsObject.pythonPositional(new Object[] {a, b}, rest)". */
  private CodeBlock positional(@Nullable CodeBlock argsObject) {
    CodeBlock arguments = positionalArguments(argsObject);
    return arguments == null ? CodeBlock.of("") : CodeBlock.of(", $L", arguments);
  }

  private boolean positionalIsArray(@Nullable CodeBlock argsObject) {
    return argsObject != null && !(slots.isEmpty() && varPositional == null);
  }

  /** "a, b", or "argsObject.pythonPositional(...)" (an Object[]); null when there are none. */
  private @Nullable CodeBlock positionalArguments(@Nullable CodeBlock argsObject) {
    List<CodeBlock> lead = new ArrayList<>();
    for (Param p : required) {
      if (!p.keyword) {
        lead.add(CodeBlock.of("$L", p.java));
      }
    }
    if (!positionalIsArray(argsObject)) {
      return lead.isEmpty() ? null : CodeBlock.join(lead, ", ");
    }
    return CodeBlock.of(
        "$L.pythonPositional(new $T[] {$L}, $L)",
        argsObject,
        ClassName.OBJECT,
        CodeBlock.join(lead, ", "),
        varPositional == null
            ? CodeBlock.of("new $T[0]", ClassName.OBJECT)
            : CodeBlock.of("$L", varPositional.java));
  }

  private CodeBlock forward(boolean withArgs) {
    List<CodeBlock> names = new ArrayList<>();
    names.add(CodeBlock.of("$T.runtime()", ModuleWriter.FACADE));
    for (Param p : required) {
      names.add(CodeBlock.of("$L", p.java));
    }
    if (withArgs) {
      names.add(CodeBlock.of("args"));
    }
    if (varPositional != null) {
      names.add(CodeBlock.of("$L", varPositional.java));
    }
    return CodeBlock.join(names, ", ");
  }

  private TypeSpec argsType(ClassName args) {
    TypeSpec.Builder t =
        TypeSpec.classBuilder(args.simpleName())
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "The optional parameters of {@link #$L}: set those to send; Python's defaults"
                    + " apply to the others. One per call, not thread-safe.\n",
                javaName);
    t.addField(
        FieldSpec.builder(ModuleWriter.CALL_OPTIONS, "pythonOptions", Modifier.PRIVATE)
            .initializer("$T.defaults()", ModuleWriter.CALL_OPTIONS)
            .build());
    if (!slots.isEmpty()) {
      t.addField(
          FieldSpec.builder(ModuleWriter.OBJECT_ARRAY, "slots", Modifier.PRIVATE, Modifier.FINAL)
              .initializer("new $T[$L]", ClassName.OBJECT, slots.size())
              .build());
      t.addField(
          FieldSpec.builder(boolean[].class, "slotSet", Modifier.PRIVATE, Modifier.FINAL)
              .initializer("new boolean[$L]", slots.size())
              .build());
      t.addField(int.class, "slotCount", Modifier.PRIVATE);
    }
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (int i = 0; i < slots.size(); i++) {
      Param p = slots.get(i);
      t.addMethod(
          setter(args, p)
              .addStatement("slots[$L] = $L", i, p.java)
              .addStatement("slotSet[$L] = true", i)
              .addStatement(
                  "slotCount = $T.max(slotCount, $L)", ClassName.get("java.lang", "Math"), i + 1)
              .addStatement("return this")
              .build());
      addOptionsSetter(t, args, p);
    }
    for (Param p : keywords) {
      t.addMethod(
          setter(args, p)
              .addStatement("pythonOptions = pythonOptions.kwarg($S, $L)", p.python, p.java)
              .addStatement("return this")
              .build());
      addOptionsSetter(t, args, p);
    }
    if (varKeyword) {
      t.addMethod(
          MethodSpec.methodBuilder("kwarg")
              .addModifiers(Modifier.PUBLIC)
              .returns(args)
              .addParameter(ModuleWriter.STRING, "name")
              .addParameter(ClassName.OBJECT, "value")
              .addJavadoc(
                  "Sets a keyword argument by name (Python's **kwargs).\n\n"
                      + "@param name the keyword\n@param value its value\n@return this object\n")
              .addStatement("pythonOptions = pythonOptions.kwarg(name, value)")
              .addStatement("return this")
              .build());
    }
    if (slots.isEmpty() && varPositional == null) {
      return t.build(); // everything optional goes by keyword
    }
    MethodSpec.Builder pos =
        MethodSpec.methodBuilder("pythonPositional")
            .addModifiers(Modifier.PRIVATE)
            .returns(ModuleWriter.OBJECT_ARRAY)
            .addParameter(ModuleWriter.OBJECT_ARRAY, "lead")
            .addParameter(ModuleWriter.OBJECT_ARRAY, "rest");
    if (slots.isEmpty()) {
      pos.addStatement(
          "$T out = new $T[lead.length + rest.length]",
          ModuleWriter.OBJECT_ARRAY,
          ClassName.OBJECT);
      pos.addStatement("System.arraycopy(lead, 0, out, 0, lead.length)");
      pos.addStatement("System.arraycopy(rest, 0, out, lead.length, rest.length)");
    } else {
      List<String> names = new ArrayList<>();
      for (Param p : slots) {
        names.add(p.python);
      }
      pos.addStatement(
          "$T names = {$L}",
          ArrayTypeNameHolder.STRING_ARRAY,
          CodeBlock.join(names.stream().map(n -> CodeBlock.of("$S", n)).toList(), ", "));
      pos.beginControlFlow("if (rest.length > 0 && slotCount < $L)", slots.size())
          .addStatement(
              "throw new IllegalStateException($S + names[slotCount] + $S)",
              "set ",
              " too: extra positional arguments come after it")
          .endControlFlow();
      pos.addStatement(
          "$T out = new $T[lead.length + slotCount + rest.length]",
          ModuleWriter.OBJECT_ARRAY,
          ClassName.OBJECT);
      pos.addStatement("System.arraycopy(lead, 0, out, 0, lead.length)");
      pos.beginControlFlow("for (int i = 0; i < slotCount; i++)")
          .beginControlFlow("if (!slotSet[i])")
          .addStatement(
              "throw new IllegalStateException($S + names[i] + $S)",
              "set ",
              " too: Python takes it by position, before the ones set")
          .endControlFlow()
          .addStatement("out[lead.length + i] = slots[i]")
          .endControlFlow();
      pos.addStatement("System.arraycopy(rest, 0, out, lead.length + slotCount, rest.length)");
    }
    t.addMethod(pos.addStatement("return out").build());
    return t.build();
  }

  /** For a {@code Literal[...]} parameter, the setter taking its enum. */
  private void addOptionsSetter(TypeSpec.Builder t, ClassName args, Param p) {
    if (p.optionsEnum == null) {
      return;
    }
    t.addMethod(
        MethodSpec.methodBuilder(p.java)
            .addModifiers(Modifier.PUBLIC)
            .returns(args)
            .addParameter(p.optionsEnum, p.java)
            .addJavadoc(
                "Sets {@code $L} to one of its options.\n\n@param $L the option\n"
                    + "@return this object\n",
                Javadoc.escape(p.python),
                p.java)
            .addStatement(
                "return $L($T.requireNonNull($L, $S).value())",
                p.java,
                ModuleWriter.OBJECTS,
                p.java,
                p.java)
            .build());
  }

  private MethodSpec.Builder setter(ClassName args, Param p) {
    String defaultRepr = Manifests.string(p.source.get("defaultRepr"));
    String description =
        Javadoc.paramDescription(doc, p.python, "the Python parameter " + p.python);
    return MethodSpec.methodBuilder(p.java)
        .addModifiers(Modifier.PUBLIC)
        .returns(args)
        .addParameter(p.type, p.java)
        .addJavadoc(
            "Sets {@code $L}$L.\n\n@param $L $L\n@return this object\n",
            Javadoc.escape(p.python),
            defaultRepr == null
                ? ""
                : " (Python's default: {@code " + Javadoc.escape(defaultRepr) + "})",
            p.java,
            description);
  }

  /** Holder for a type name javapoet builds from a class literal. */
  private static final class ArrayTypeNameHolder {
    static final TypeName STRING_ARRAY = TypeName.get(String[].class);
  }
}
