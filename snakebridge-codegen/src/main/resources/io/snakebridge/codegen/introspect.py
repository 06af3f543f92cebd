"""Describes Python modules as JSON manifests for the typed-wrapper generator.

Usage: python introspect.py [--out DIR] [--path DIR]... MODULE [MODULE ...]

Writes ``DIR/<module>.json`` per module (or one JSON document per module to stdout when no
``--out`` is given). Standard library only, CPython 3.9+. The manifest records, per callable,
the call shape (from ``inspect.signature``, else the docstring's first line, else
``__text_signature__``), and per parameter its kind, whether it has a default (the default's
repr is kept for documentation only and is never meant to be sent back) and its type from the
first source that has one: runtime annotations, the package's ``.pyi`` stubs, scikit-learn's
``_parameter_constraints``, numpydoc type text. Output is deterministic: sorted keys, members
sorted by name, no object addresses.
"""

import argparse
import ast
import importlib
import inspect
import json
import os
import re
import sys
import warnings

MANIFEST_VERSION = 1

KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "var-positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "var-keyword",
}

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


# ---------------------------------------------------------------------------------------------
# Small helpers


def _clean_repr(value):
    """A repr for documentation: stable across runs (no addresses, sets sorted)."""
    try:
        if isinstance(value, (set, frozenset)):
            items = sorted(repr(v) for v in value)
            text = "{" + ", ".join(items) + "}" if items else type(value).__name__ + "()"
        else:
            text = repr(value)
    except Exception as exc:  # a repr that raises
        text = f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"
    text = _ADDRESS.sub("", text)
    if len(text) > 200:
        text = text[:197] + "..."
    return text


def _annotation_text(annotation):
    if annotation is inspect.Parameter.empty or annotation is inspect.Signature.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    text = inspect.formatannotation(annotation)
    return _ADDRESS.sub("", text)


def _getdoc(obj):
    try:
        doc = inspect.getdoc(obj)
    except Exception:
        doc = None
    return doc if isinstance(doc, str) else None


def _own_doc(obj):
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


# ---------------------------------------------------------------------------------------------
# Docstrings: numpydoc, Google and Sphinx styles

_NUMPY_SECTION = re.compile(r"^([A-Za-z][A-Za-z ]*)\n[-=~]{3,}\s*$", re.M)
_GOOGLE_SECTIONS = {
    "args": "params",
    "arguments": "params",
    "parameters": "params",
    "params": "params",
    "keyword args": "params",
    "keyword arguments": "params",
    "other parameters": "params",
    "returns": "returns",
    "return": "returns",
    "yields": "returns",
    "yield": "returns",
    "raises": "raises",
    "exceptions": "raises",
    "examples": "examples",
    "example": "examples",
    "attributes": "attributes",
    "note": "notes",
    "notes": "notes",
    "see also": "see_also",
    "references": "notes",
    "warning": "notes",
    "warnings": "notes",
    "todo": "notes",
}
_SPHINX_FIELD = re.compile(
    r"^:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|except|exception)"
    r"(?:\s+([^:]*?))?:\s*(.*)$"
)
_DEPRECATED_DIRECTIVE = re.compile(r"^\.\. deprecated::\s*(.*)$", re.M)


def _dedent_block(lines):
    text = "\n".join(lines)
    return inspect.cleandoc(text) if text.strip() else ""


def _split_items(lines):
    """numpydoc item lists: a header line at the base indent, description lines indented."""
    items = []
    current = None
    base = None
    for line in lines:
        if not line.strip():
            if current is not None:
                current[1].append("")
            continue
        indent = len(line) - len(line.lstrip())
        if base is None:
            base = indent
        if indent <= base:
            current = (line.strip(), [])
            items.append(current)
        elif current is not None:
            current[1].append(line)
    return [(head, _dedent_block(body)) for head, body in items]


def _numpy_param(head, desc):
    if " : " in head:
        name, type_text = head.split(" : ", 1)
    elif head.endswith(" :"):
        name, type_text = head[:-2], ""
    else:
        name, type_text = head, ""
    return {"name": name.strip(), "type": type_text.strip() or None, "description": desc}


def _parse_numpydoc(doc):
    matches = list(_NUMPY_SECTION.finditer(doc))
    head = doc[: matches[0].start()] if matches else doc
    result = _summary_and_description(head)
    result["style"] = "numpydoc"
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(doc)
        body = doc[match.end() : end].strip("\n").split("\n")
        section = match.group(1).strip().lower()
        if section in ("parameters", "other parameters", "keyword arguments"):
            result["params"].extend(_numpy_param(h, d) for h, d in _split_items(body))
        elif section in ("returns", "yields"):
            for h, d in _split_items(body):
                item = _numpy_param(h, d)
                if item["type"] is None:  # "Returns\n-------\nint" names only the type
                    item = {"name": None, "type": item["name"], "description": d}
                result["returns"].append(item)
        elif section in ("raises", "warns"):
            for h, d in _split_items(body):
                result["raises"].append({"type": h, "description": d})
        elif section == "attributes":
            result["attributes"].extend(_numpy_param(h, d) for h, d in _split_items(body))
        elif section in ("examples", "example"):
            result["examples"].append(_dedent_block(body))
        else:
            result["notes"].append({"title": match.group(1).strip(), "text": _dedent_block(body)})
    return result


def _summary_and_description(text):
    text = text.strip()
    paragraphs = re.split(r"\n\s*\n", text, maxsplit=1) if text else [""]
    summary = " ".join(line.strip() for line in paragraphs[0].split("\n")).strip()
    description = paragraphs[1].strip() if len(paragraphs) > 1 else ""
    return {
        "summary": summary,
        "description": description,
        "params": [],
        "returns": [],
        "raises": [],
        "examples": [],
        "attributes": [],
        "notes": [],
    }


def _parse_google(doc):
    lines = doc.split("\n")
    header = re.compile(
        r"^({}):\s*$".format(
            "|".join(re.escape(k) for k in sorted(_GOOGLE_SECTIONS, key=len, reverse=True))
        ),
        re.I,
    )
    starts = [i for i, line in enumerate(lines) if header.match(line)]
    result = _summary_and_description("\n".join(lines[: starts[0]] if starts else lines))
    result["style"] = "google"
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = header.match(lines[start]).group(1)
        kind = _GOOGLE_SECTIONS[title.lower()]
        body = lines[start + 1 : end]
        if kind in ("params", "attributes"):
            for head, desc in _split_items(body):
                m = re.match(r"^\*{0,2}([\w.]+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$", head)
                if not m:
                    continue
                text = (m.group(3) + ("\n" + desc if desc else "")).strip()
                result[kind].append(
                    {"name": m.group(1), "type": m.group(2) or None, "description": text}
                )
        elif kind in ("returns", "raises"):
            for head, desc in _split_items(body):
                m = re.match(r"^([\w.\[\], |]+?)\s*:\s*(.*)$", head)
                type_text, text = (m.group(1), m.group(2)) if m else (None, head)
                text = (text + ("\n" + desc if desc else "")).strip()
                if kind == "returns":
                    result["returns"].append({"name": None, "type": type_text, "description": text})
                else:
                    result["raises"].append({"type": type_text or head, "description": text})
        elif kind == "examples":
            result["examples"].append(_dedent_block(body))
        else:
            result["notes"].append({"title": title, "text": _dedent_block(body)})
    return result


def _parse_sphinx(doc):
    lines = doc.split("\n")
    first = next(i for i, line in enumerate(lines) if _SPHINX_FIELD.match(line.strip()))
    result = _summary_and_description("\n".join(lines[:first]))
    result["style"] = "sphinx"
    params, types = {}, {}
    returns = {"name": None, "type": None, "description": ""}
    fields = []
    for line in lines[first:]:
        m = _SPHINX_FIELD.match(line.strip())
        if m:
            fields.append([m.group(1), (m.group(2) or "").strip(), m.group(3).strip()])
        elif fields and line.strip():
            fields[-1][2] = (fields[-1][2] + " " + line.strip()).strip()
    for field, arg, text in fields:
        if field in ("param", "parameter", "arg", "argument", "key", "keyword"):
            parts = arg.split()
            name = parts[-1] if parts else ""
            if len(parts) > 1:
                types[name] = " ".join(parts[:-1])
            params[name] = text
        elif field == "type":
            types[arg] = text
        elif field in ("return", "returns"):
            returns["description"] = text
        elif field == "rtype":
            returns["type"] = text
        else:
            result["raises"].append({"type": arg, "description": text})
    for name, text in params.items():
        result["params"].append({"name": name, "type": types.get(name), "description": text})
    if returns["description"] or returns["type"]:
        result["returns"].append(returns)
    return result


def parse_docstring(doc):
    """Splits a docstring into summary, description, params, returns, raises, examples."""
    if not doc:
        return None
    doc = inspect.cleandoc(doc)
    try:
        if _NUMPY_SECTION.search(doc):
            parsed = _parse_numpydoc(doc)
        elif any(_SPHINX_FIELD.match(line.strip()) for line in doc.split("\n")):
            parsed = _parse_sphinx(doc)
        elif re.search(r"^(Args|Arguments|Returns|Raises|Yields|Examples?):\s*$", doc, re.M):
            parsed = _parse_google(doc)
        else:
            parsed = _summary_and_description(doc)
            parsed["style"] = "plain"
    except Exception as exc:  # a docstring the parsers misread: keep the text
        parsed = _summary_and_description(doc)
        parsed["style"] = "plain"
        parsed["parseError"] = type(exc).__name__
    if parsed["style"] == "plain":  # doctest blocks move from the description to examples
        examples = _doctest_blocks(parsed["description"])
        parsed["examples"].extend(examples)
        description = parsed["description"]
        for block in examples:
            description = _remove_lines(description, block.split("\n"))
        parsed["description"] = re.sub(r"\n\s*\n\s*\n+", "\n\n", description).strip()
    return {k: v for k, v in parsed.items() if v not in ([], "")}


def _remove_lines(text, lines):
    out, wanted = [], list(lines)
    source = text.split("\n")
    index = 0
    while index < len(source):
        window = [line.strip() for line in source[index : index + len(wanted)]]
        if wanted and window == wanted:
            index += len(wanted)
            continue
        out.append(source[index])
        index += 1
    return "\n".join(out)


def _doctest_blocks(text):
    blocks, current = [], []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(">>>") or (
            current and stripped and not stripped.startswith(">>>") and current[-1] != ""
        ):
            current.append(stripped)
        else:
            if current:
                blocks.append("\n".join(current).strip())
            current = []
    if current:
        blocks.append("\n".join(current).strip())
    return [b for b in blocks if b.startswith(">>>")]


def _deprecation(obj, doc):
    message = getattr(obj, "__deprecated__", None)  # PEP 702 (warnings.deprecated)
    if isinstance(message, str):
        return {"message": message, "source": "__deprecated__"}
    if doc:
        doc = inspect.cleandoc(doc)
        m = _DEPRECATED_DIRECTIVE.search(doc)
        if m:
            rest = doc[m.end() :].split("\n\n", 1)[0]
            text = " ".join(part.strip() for part in (m.group(1) + "\n" + rest).split("\n"))
            return {"message": text.strip(), "source": "docstring"}
        if doc.startswith("DEPRECATED"):  # scikit-learn's @deprecated
            return {"message": doc.split("\n", 1)[0], "source": "docstring"}
    return None


# ---------------------------------------------------------------------------------------------
# Signatures from text (docstring first line, __text_signature__)


def _signature_from_text(name, text):
    """Parameters from 'name(a, b=1, *, c) -> type', or None when it does not parse."""
    text = text.strip()
    m = re.match(r"^(?:[\w.]+\.)?" + re.escape(name) + r"\s*(\(.*\))\s*(?:->\s*(.+))?$", text)
    if not m:
        return None
    params_text = m.group(1).replace("$", "")
    try:
        tree = ast.parse("def _f" + params_text + ": pass")
    except SyntaxError:
        return None
    args = tree.body[0].args
    result = _params_from_ast(args, annotations=True)
    for p in result:
        if (
            p["name"] in ("self", "module", "cls", "type")
            and p["kind"] != "keyword-only"
            and p is result[0]
        ):
            result.pop(0)
            break
    returns = m.group(2).strip() if m.group(2) else None
    return result, returns


def _params_from_ast(args, annotations):
    out = []

    def add(arg, kind, default):
        entry = {"name": arg.arg, "kind": kind, "hasDefault": default is not None}
        if default is not None:
            entry["defaultRepr"] = ast.unparse(default)
        if annotations and arg.annotation is not None:
            entry["annotation"] = ast.unparse(arg.annotation)
        out.append(entry)

    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for index, arg in enumerate(positional):
        kind = "positional-only" if index < len(args.posonlyargs) else "positional-or-keyword"
        add(arg, kind, defaults[index])
    if args.vararg:
        add(args.vararg, "var-positional", None)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        add(arg, "keyword-only", default)
    if args.kwarg:
        add(args.kwarg, "var-keyword", None)
    return out


# ---------------------------------------------------------------------------------------------
# .pyi stubs: parsed with ast, re-exports followed, overloads merged


class Stubs:
    def __init__(self):
        self._cache = {}

    def _stub_tree(self, module_name, allow_source=False):
        """The parsed .pyi of a module; its .py source when reached from a stub's import."""
        key = (module_name, allow_source)
        if key in self._cache:
            return self._cache[key]
        tree = None
        try:
            module = sys.modules.get(module_name) or importlib.import_module(module_name)
            origin = getattr(module, "__file__", None)
        except Exception:
            origin = None
        if origin:
            base, _ = os.path.splitext(origin)
            candidates = [base + ".pyi"]
            if ".cpython" in base or "." in os.path.basename(base):  # _x.cpython-311-x86.so
                candidates.append(
                    os.path.join(
                        os.path.dirname(base), os.path.basename(base).split(".")[0] + ".pyi"
                    )
                )
            if allow_source and origin.endswith(".py"):
                candidates.append(origin)
            for path in candidates:
                if os.path.exists(path):
                    try:
                        with open(path, encoding="utf-8") as handle:
                            tree = ast.parse(handle.read())
                    except (OSError, SyntaxError, ValueError):
                        tree = None
                    break
        if tree is not None:
            tree.body = list(_flatten(tree.body))
        self._cache[key] = tree
        return tree

    def lookup(self, module_name, name, depth=0):
        """The stub definitions (a list of FunctionDef, or a ClassDef) for module.name."""
        if depth > 8:
            return None
        tree = self._stub_tree(module_name, allow_source=depth > 0)
        if tree is None:
            return None
        found = []
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                found.append(node)
            elif isinstance(node, ast.ClassDef) and node.name == name:
                node.sb_module = module_name
                return node
        if found:
            return found
        for node in tree.body:
            # "max = amax": an alias of another stub name
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == name
                and isinstance(node.value, ast.Name)
                and node.value.id != name
            ):
                return self.lookup(module_name, node.value.id, depth + 1)
            # "zeros: Final[_ConstructorEmpty]": a callable object, typed by its __call__
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
            ):
                annotation = node.annotation
                while isinstance(annotation, ast.Subscript):
                    if isinstance(annotation.value, ast.Name) and annotation.value.id == "Final":
                        annotation = annotation.slice
                    else:
                        annotation = annotation.value
                target = _dotted(annotation)
                if target:
                    found = (
                        self.lookup(module_name, target.split(".")[-1], depth + 1)
                        if "." not in target
                        else None
                    )
                    if isinstance(found, ast.ClassDef):
                        calls = [
                            n
                            for n in found.body
                            if isinstance(n, ast.FunctionDef) and n.name == "__call__"
                        ]
                        for call in calls:
                            call.sb_method = True
                        return calls or None
                return None
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        target = _resolve_relative(module_name, node, tree)
                        if target:
                            return self.lookup(target, alias.name, depth + 1)
        return None


def _flatten(body):
    """Top-level statements, including those under 'if TYPE_CHECKING:' and the like."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _flatten(node.body)
            yield from _flatten(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _flatten(node.body)
        else:
            yield node


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base + "." + node.attr if base else None
    return None


def _resolve_relative(module_name, node, tree):
    if node.level == 0:
        return node.module
    package = module_name
    module = sys.modules.get(module_name)
    is_package = module is not None and hasattr(module, "__path__")
    parts = package.split(".")
    drop = node.level - (1 if is_package else 0)
    if drop > 0:
        parts = parts[:-drop] if drop < len(parts) else []
    if not parts:
        return None
    return ".".join(parts + ([node.module] if node.module else []))


def _stub_functions(defs, strip_first):
    """Merges overloads: per parameter the distinct annotation texts; the distinct returns."""
    if not defs:
        return None
    params, returns = {}, []
    for fn in defs:
        entries = _params_from_ast(fn.args, annotations=True)
        if (
            (strip_first or getattr(fn, "sb_method", False))
            and entries
            and entries[0]["kind"] != "keyword-only"
            and not any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list
            )
        ):
            entries = entries[1:]
        for entry in entries:
            text = entry.get("annotation")
            if text:
                bucket = params.setdefault(entry["name"], [])
                for part in _union_members(text):
                    if part not in bucket:
                        bucket.append(part)
        if fn.returns is not None:
            text = ast.unparse(fn.returns)
            if text not in returns:
                returns.append(text)
    return {"params": params, "returns": returns, "overloads": len(defs)}


def _union_members(text):
    """'A | B[C | D] | None' -> ['A', 'B[C | D]', 'None'] (top-level members only)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _union(texts):
    return texts[0] if len(texts) == 1 else " | ".join(texts)


# ---------------------------------------------------------------------------------------------
# scikit-learn's _parameter_constraints


def _constraint_text(constraint):
    if constraint is None:
        return "None"
    if isinstance(constraint, str):
        return {
            "boolean": "bool",
            "verbose": "int | bool",
            "array-like": "ArrayLike",
            "sparse matrix": "SparseMatrix",
            "random_state": "int | RandomState | None",
            "nan": "float",
            "cv_object": "int | CrossValidator | Iterable",
            "missing_values": "int | float | str | None",
        }.get(constraint, "Any")
    if isinstance(constraint, type):
        import numbers

        if issubclass(constraint, bool):
            return "bool"
        if issubclass(constraint, numbers.Integral):
            return "int"
        if issubclass(constraint, numbers.Real):
            return "float"
        if constraint in (str, dict, list, tuple):
            return constraint.__name__
        return constraint.__module__ + "." + constraint.__qualname__
    if constraint is callable:
        return "Callable"
    kind = type(constraint).__name__
    if kind == "Interval":
        import numbers

        t = getattr(constraint, "type", None)
        return "int" if isinstance(t, type) and issubclass(t, numbers.Integral) else "float"
    if kind in ("StrOptions", "Options"):
        options = sorted(getattr(constraint, "options", ()), key=repr)
        deprecated = getattr(constraint, "deprecated", set()) or set()
        kept = [repr(o) for o in options if o not in deprecated]
        return "Literal[{}]".format(", ".join(kept)) if kept else "Any"
    if kind == "Hidden":
        return None
    return "Any"


def constraints_types(cls):
    table = getattr(cls, "_parameter_constraints", None)
    if not isinstance(table, dict):
        return {}
    out = {}
    for name, constraints in table.items():
        if not isinstance(constraints, (list, tuple)):
            continue  # "no_validation"
        texts = []
        for constraint in constraints:
            text = _constraint_text(constraint)
            if text and text not in texts:
                texts.append(text)
        if texts:
            out[name] = " | ".join(texts)
    return out


def _numpydoc_type(text):
    """'int, optional' -> 'int'; "{'a', 'b'}, default='a'" -> "{'a', 'b'}"."""
    if not text:
        return None
    text = re.sub(r",?\s*(optional|default[:=]?\s*.*|\(default.*\))$", "", text.strip(), flags=re.I)
    text = text.strip().rstrip(",").strip()
    return text or None


# ---------------------------------------------------------------------------------------------
# Callables


def describe_callable(name, obj, context):
    """context: doc (parsed docstring), stub (merged stub info), constraints, strip_first."""
    raw_doc = context.get("raw_doc")
    parsed = context.get("doc")
    params, source, returns_annotation = None, "none", None
    try:
        sig = inspect.signature(obj)
        source = "signature"
        params = []
        for p in sig.parameters.values():
            entry = {
                "name": p.name,
                "kind": KIND_NAMES[p.kind],
                "hasDefault": p.default is not inspect.Parameter.empty,
            }
            if entry["hasDefault"]:
                entry["defaultRepr"] = _clean_repr(p.default)
            annotation = _annotation_text(p.annotation)
            if annotation:
                entry["annotation"] = annotation
            params.append(entry)
        if context.get("strip_first") and params and params[0]["kind"] != "keyword-only":
            params = params[1:]
        returns_annotation = _annotation_text(sig.return_annotation)
    except (TypeError, ValueError):
        first_line = (raw_doc or "").strip().split("\n", 1)[0]
        parsed_text = _signature_from_text(name, first_line) if first_line else None
        if parsed_text is not None:
            params, returns_annotation = parsed_text
            source = "docstring"
        else:
            text_sig = getattr(obj, "__text_signature__", None)
            parsed_text = _signature_from_text(name, name + text_sig) if text_sig else None
            if parsed_text is not None:
                params, returns_annotation = parsed_text
                source = "text_signature"
    stub = context.get("stub") or {}
    constraints = context.get("constraints") or {}
    doc_params = {}
    for item in (parsed or {}).get("params", []):
        for part in item["name"].split(","):
            doc_params.setdefault(part.strip().lstrip("*"), item.get("type"))
    for entry in params or []:
        entry["type"], entry["typeSource"] = None, None
        annotation = entry.pop("annotation", None)
        if annotation:
            entry["type"], entry["typeSource"] = annotation, "annotation"
        elif stub.get("params", {}).get(entry["name"]):
            entry["type"], entry["typeSource"] = _union(stub["params"][entry["name"]]), "stub"
        elif entry["name"] in constraints:
            entry["type"], entry["typeSource"] = constraints[entry["name"]], "constraints"
        else:
            text = _numpydoc_type(doc_params.get(entry["name"]))
            if text:
                entry["type"], entry["typeSource"] = text, "numpydoc"
        if entry.get("hasDefault"):
            entry["sentinel"] = entry.get("defaultRepr", "").startswith("<")
    returns = {"type": None, "source": None}
    if returns_annotation:
        returns = {"type": returns_annotation, "source": "annotation"}
    elif stub.get("returns"):
        returns = {"type": _union(stub["returns"]), "source": "stub"}
        if len(stub["returns"]) > 1:
            returns["overloadTypes"] = stub["returns"]
    elif parsed and parsed.get("returns"):
        first = parsed["returns"][0]
        if first.get("name") == "self":
            returns = {"type": "Self", "source": "numpydoc"}
        elif first.get("type"):
            returns = {"type": _numpydoc_type(first["type"]), "source": "numpydoc"}
    variadic = any(p["kind"] in ("var-positional", "var-keyword") for p in params or [])
    result = {
        "name": name,
        "signatureSource": source,
        "exact": params is not None and not variadic,
        "parameters": params if params is not None else [],
        "returns": returns,
        "doc": parsed,
        "deprecated": _deprecation(obj, raw_doc),
        "generator": inspect.isgeneratorfunction(obj),
        "coroutine": inspect.iscoroutinefunction(obj),
    }
    if stub.get("overloads"):
        result["stubOverloads"] = stub["overloads"]
    return result


def _function_context(module_name, name, obj, stubs):
    raw = _getdoc(obj)
    stub_defs = None
    for owner in _stub_owners(module_name, obj):
        stub_defs = stubs.lookup(owner, name)
        if isinstance(stub_defs, list):
            break
        stub_defs = None
    return {"raw_doc": raw, "doc": parse_docstring(raw), "stub": _stub_functions(stub_defs, False)}


def _stub_owners(module_name, obj):
    owners = [module_name]
    defining = getattr(obj, "__module__", None)
    if isinstance(defining, str) and defining not in owners:
        owners.append(defining)
    return owners


# ---------------------------------------------------------------------------------------------
# Classes


def describe_class(module_name, name, cls, stubs):
    raw = _getdoc(cls)
    parsed = parse_docstring(raw)
    stub_class = None
    for owner in _stub_owners(module_name, cls):
        found = stubs.lookup(owner, getattr(cls, "__name__", name))
        if isinstance(found, ast.ClassDef):
            stub_class = found
            break
    constraints = constraints_types(cls)

    def stub_methods(method_name):
        return _stub_functions(_stub_method_defs(stubs, stub_class, method_name, 0), True)

    init_doc = parsed
    constructor = describe_callable(
        name,
        cls,
        {
            "raw_doc": raw,
            "doc": init_doc,
            "stub": stub_methods("__init__") or stub_methods("__new__"),
            "constraints": constraints,
        },
    )
    constructor.pop("doc", None)
    constructor["returns"] = {"type": "Self", "source": "class"}

    methods, properties, attributes, skipped = [], [], [], []
    for attr in sorted(dir(cls)):
        if attr.startswith("_"):
            continue
        try:
            static = inspect.getattr_static(cls, attr)
        except AttributeError:
            continue
        owner = next((k for k in inspect.getmro(cls) if attr in vars(k)), None)
        if owner is object:
            continue
        defined_in = f"{owner.__module__}.{owner.__qualname__}" if owner else None
        if isinstance(static, property):
            properties.append(_describe_property(attr, static, defined_in))
            continue
        if (
            isinstance(static, (staticmethod, classmethod))
            or inspect.isroutine(static)
            or inspect.ismethoddescriptor(static)
        ):
            try:
                bound = getattr(cls, attr)
            except Exception as exc:
                skipped.append({"name": attr, "reason": f"getattr failed: {type(exc).__name__}"})
                continue
            method_raw = _getdoc(bound)
            is_static = isinstance(static, staticmethod)
            is_class = isinstance(static, classmethod)
            context = {
                "raw_doc": method_raw,
                "doc": parse_docstring(method_raw),
                "stub": stub_methods(attr),
                "strip_first": not (is_static or is_class),
            }
            if is_class or is_static:
                context["strip_first"] = False
            entry = describe_callable(attr, bound, context)
            entry["definedIn"] = defined_in
            entry["binding"] = "static" if is_static else "class" if is_class else "instance"
            methods.append(entry)
            continue
        if inspect.isdatadescriptor(static) or inspect.isgetsetdescriptor(static):
            properties.append(_describe_property(attr, static, defined_in))
            continue
        if isinstance(static, type):
            skipped.append({"name": attr, "reason": "nested class"})
            continue
        attributes.append(
            {
                "name": attr,
                "source": "class",
                "type": _value_type(static),
                "typeSource": "value",
                "definedIn": defined_in,
            }
        )
    known = (
        {m["name"] for m in methods}
        | {p["name"] for p in properties}
        | {a["name"] for a in attributes}
    )
    for item in (parsed or {}).get("attributes", []):
        attr_name = item["name"].strip()
        if attr_name in known or not re.match(r"^[A-Za-z_]\w*$", attr_name):
            continue
        known.add(attr_name)
        attributes.append(
            {
                "name": attr_name,
                "source": "numpydoc",
                "type": _numpydoc_type(item.get("type")),
                "typeSource": "numpydoc" if item.get("type") else None,
                "doc": item.get("description") or None,
            }
        )
    attributes.sort(key=lambda a: a["name"])
    bases = [f"{b.__module__}.{b.__qualname__}" for b in cls.__mro__[1:] if b is not object]
    return {
        "name": name,
        "qualname": "{}.{}".format(getattr(cls, "__module__", module_name), cls.__qualname__),
        "doc": parsed,
        "deprecated": _deprecation(cls, raw),
        "constructor": constructor,
        "methods": methods,
        "properties": properties,
        "attributes": attributes,
        "bases": bases,
        "skipped": skipped,
    }


def _stub_method_defs(stubs, stub_class, method_name, depth):
    """A method's stub definitions on a stub class or, failing that, on its stub bases."""
    if stub_class is None or depth > 10:
        return None
    defs = [
        n
        for n in stub_class.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method_name
    ]
    if defs:
        return defs
    for base in stub_class.bases:
        while isinstance(base, ast.Subscript):
            base = base.value
        name = _dotted(base)
        if not name or "." in name or name in ("Generic", "Protocol", "object"):
            continue
        found = stubs.lookup(getattr(stub_class, "sb_module", ""), name)
        if isinstance(found, ast.ClassDef):
            defs = _stub_method_defs(stubs, found, method_name, depth + 1)
            if defs:
                return defs
    return None


def _describe_property(name, prop, defined_in):
    fget = getattr(prop, "fget", None)
    type_text, source = None, None
    if fget is not None:
        try:
            type_text = _annotation_text(inspect.signature(fget).return_annotation)
            source = "annotation" if type_text else None
        except (TypeError, ValueError):
            pass
    raw = _own_doc(prop)
    parsed = parse_docstring(raw)
    if type_text is None and parsed and parsed.get("returns") and parsed["returns"][0].get("type"):
        type_text, source = _numpydoc_type(parsed["returns"][0]["type"]), "numpydoc"
    return {
        "name": name,
        "type": type_text,
        "typeSource": source,
        "doc": parsed,
        "writable": getattr(prop, "fset", None) is not None,
        "definedIn": defined_in,
    }


def _value_type(value):
    t = type(value)
    if t in (bool, int, float, str, bytes, type(None)):
        return "None" if value is None else t.__name__
    return f"{t.__module__}.{t.__qualname__}"


# ---------------------------------------------------------------------------------------------
# Modules


def public_names(module):
    names = getattr(module, "__all__", None)
    if isinstance(names, (list, tuple)):
        return sorted(set(n for n in names if isinstance(n, str))), "__all__"
    out = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name, None)
        if inspect.ismodule(value):
            continue
        defining = getattr(value, "__module__", None)
        if (inspect.isclass(value) or inspect.isroutine(value)) and defining not in (
            None,
            module.__name__,
        ):
            continue  # imported from elsewhere
        out.append(name)
    return sorted(out), "dir"


def describe_module(module_name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = importlib.import_module(module_name)
        return _describe_module(module_name, module)


def _describe_module(module_name, module):
    stubs = Stubs()
    names, names_source = public_names(module)
    functions, classes, attributes, submodules, skipped = [], [], [], [], []
    for name in names:
        try:
            value = getattr(module, name)
        except Exception as exc:
            skipped.append({"name": name, "reason": f"getattr failed: {type(exc).__name__}"})
            continue
        try:
            if inspect.ismodule(value):
                submodules.append(name)
            elif inspect.isclass(value):
                classes.append(describe_class(module_name, name, value, stubs))
            elif callable(value):
                entry = describe_callable(
                    name, value, _function_context(module_name, name, value, stubs)
                )
                functions.append(entry)
            else:
                attributes.append(
                    {
                        "name": name,
                        "type": _value_type(value),
                        "typeSource": "value",
                        "repr": _clean_repr(value),
                    }
                )
        except Exception as exc:  # one broken member never loses the module
            skipped.append(
                {
                    "name": name,
                    "reason": "{}: {}".format(type(exc).__name__, _ADDRESS.sub("", str(exc))[:200]),
                }
            )
    manifest = {
        "manifestVersion": MANIFEST_VERSION,
        "module": module_name,
        "python": "{}.{}".format(*sys.version_info[:2]),
        "package": _package_info(module_name),
        "namesFrom": names_source,
        "doc": parse_docstring(_own_doc(module)),
        "functions": functions,
        "classes": classes,
        "attributes": attributes,
        "submodules": submodules,
        "skipped": skipped,
    }
    manifest["summary"] = summarize(manifest)
    return manifest


def _package_info(module_name):
    root = module_name.split(".")[0]
    if root in getattr(sys, "stdlib_module_names", ()) or _is_stdlib(root):
        return {"name": root, "stdlib": True, "version": None}
    version = None
    try:
        from importlib import metadata

        names = metadata.packages_distributions().get(root, [root])
        version = metadata.version(names[0])
    except Exception:
        version = getattr(sys.modules.get(root), "__version__", None)
    return {"name": root, "stdlib": False, "version": version}


def _is_stdlib(root):
    module = sys.modules.get(root)
    path = getattr(module, "__file__", None)
    if path is None:
        return root in sys.builtin_module_names
    stdlib = os.path.dirname(os.__file__)
    return (
        os.path.realpath(path).startswith(os.path.realpath(stdlib) + os.sep)
        and "site-packages" not in path
    )


def _all_callables(manifest):
    for fn in manifest["functions"]:
        yield "function", fn
    for cls in manifest["classes"]:
        yield "constructor", cls["constructor"]
        for method in cls["methods"]:
            yield "method", method


def summarize(manifest):
    summary = {}
    for role, fn in _all_callables(manifest):
        bucket = summary.setdefault(
            role,
            {
                "callables": 0,
                "exact": 0,
                "bySignatureSource": {},
                "parameters": 0,
                "typed": 0,
                "byTypeSource": {},
                "returnsTyped": 0,
                "documented": 0,
            },
        )
        bucket["callables"] += 1
        bucket["exact"] += 1 if fn["exact"] else 0
        source = fn["signatureSource"]
        bucket["bySignatureSource"][source] = bucket["bySignatureSource"].get(source, 0) + 1
        for p in fn["parameters"]:
            if p["kind"] in ("var-positional", "var-keyword"):
                continue
            bucket["parameters"] += 1
            if p.get("typeSource"):
                bucket["typed"] += 1
                s = p["typeSource"]
                bucket["byTypeSource"][s] = bucket["byTypeSource"].get(s, 0) + 1
        bucket["returnsTyped"] += 1 if fn["returns"].get("type") else 0
        bucket["documented"] += 1 if fn.get("doc") or role == "constructor" else 0
    return summary


def dumps(manifest):
    return json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write a JSON manifest per Python module.")
    parser.add_argument("--out", help="directory for <module>.json (default: stdout)")
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        help="a directory to import from first (repeatable), e.g. the project's",
    )
    parser.add_argument("modules", nargs="+")
    options = parser.parse_args(argv)
    sys.path[:0] = [os.path.abspath(p) for p in options.path]
    failed = 0
    for module_name in options.modules:
        try:
            text = dumps(describe_module(module_name))
        except Exception as exc:  # ImportError and anything the module raises on import
            sys.stderr.write(f"introspect: {module_name}: {type(exc).__name__}: {exc}\n")
            failed += 1
            continue
        if options.out:
            os.makedirs(options.out, exist_ok=True)
            path = os.path.join(options.out, module_name + ".json")
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
