"""Tests of the introspection program (introspect.py) on the standard library, on docstrings of
each style and, with $SNAKEBRIDGE_SCIENCE_PYTHON (a venv with numpy, pandas and scikit-learn),
on those libraries in a subprocess."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(
    HERE, "..", "..", "main", "resources", "io", "snakebridge", "codegen", "introspect.py"
)
_spec = importlib.util.spec_from_file_location("sb_introspect", SCRIPT)
introspect = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(introspect)


def by_name(items, name):
    matches = [item for item in items if item["name"] == name]
    if not matches:
        raise AssertionError("{} not among {}".format(name, [item["name"] for item in items]))
    return matches[0]


def params(callable_entry):
    return [(p["name"], p["kind"], p["hasDefault"]) for p in callable_entry["parameters"]]


def run_program(python, modules, extra_env=None):
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, **(extra_env or {}))
        subprocess.run(
            [python, SCRIPT, "--out", out, *modules], check=True, env=env, capture_output=True
        )
        result = {}
        for module in modules:
            with open(os.path.join(out, module + ".json"), "rb") as handle:
                result[module] = handle.read()
        return result


class StdlibTest(unittest.TestCase):
    def test_math_positional_only_and_docstring_signature(self):
        manifest = introspect.describe_module("math")
        sqrt = by_name(manifest["functions"], "sqrt")
        self.assertEqual([("x", "positional-only", False)], params(sqrt))
        self.assertEqual("signature", sqrt["signatureSource"])
        self.assertTrue(sqrt["exact"])
        # hypot has no runtime signature; its docstring's first line gives one
        hypot = by_name(manifest["functions"], "hypot")
        self.assertEqual("docstring", hypot["signatureSource"])
        self.assertEqual("var-positional", hypot["parameters"][0]["kind"])
        self.assertFalse(hypot["exact"])
        pi = by_name(manifest["attributes"], "pi")
        self.assertEqual("float", pi["type"])
        self.assertIn("sqrt", {f["name"] for f in manifest["functions"]})
        self.assertEqual("dir", manifest["namesFrom"])
        self.assertTrue(manifest["package"]["stdlib"])

    def test_statistics_functions_classes_properties(self):
        manifest = introspect.describe_module("statistics")
        self.assertEqual("__all__", manifest["namesFrom"])
        mean = by_name(manifest["functions"], "mean")
        self.assertEqual([("data", "positional-or-keyword", False)], params(mean))
        normal = by_name(manifest["classes"], "NormalDist")
        self.assertEqual(
            [("mu", "positional-or-keyword", True), ("sigma", "positional-or-keyword", True)],
            params(normal["constructor"]),
        )
        self.assertEqual("0.0", normal["constructor"]["parameters"][0]["defaultRepr"])
        self.assertFalse(normal["constructor"]["parameters"][0]["sentinel"])
        cdf = by_name(normal["methods"], "cdf")  # self dropped
        self.assertEqual([("x", "positional-or-keyword", False)], params(cdf))
        self.assertEqual("instance", cdf["binding"])
        self.assertEqual("class", by_name(normal["methods"], "from_samples")["binding"])
        self.assertIn("stdev", {p["name"] for p in normal["properties"]})
        self.assertIsInstance(manifest["doc"]["summary"], str)

    def test_json_keyword_only_and_var_keyword(self):
        manifest = introspect.describe_module("json")
        dumps = by_name(manifest["functions"], "dumps")
        kinds = {p["name"]: p["kind"] for p in dumps["parameters"]}
        self.assertEqual("positional-or-keyword", kinds["obj"])
        self.assertEqual("keyword-only", kinds["indent"])
        self.assertEqual("var-keyword", kinds["kw"])
        self.assertFalse(dumps["exact"])
        decoder = by_name(manifest["classes"], "JSONDecoder")
        self.assertIn("decode", {m["name"] for m in decoder["methods"]})

    def test_re_module(self):
        manifest = introspect.describe_module("re")
        compile_ = by_name(manifest["functions"], "compile")
        self.assertEqual(
            [("pattern", "positional-or-keyword", False), ("flags", "positional-or-keyword", True)],
            params(compile_),
        )
        self.assertIn("Pattern", {c["name"] for c in manifest["classes"]})
        summary = manifest["summary"]["function"]
        self.assertEqual(summary["callables"], len(manifest["functions"]))

    def test_defaults_are_documentation_only(self):
        manifest = introspect.describe_module("json")
        for fn in manifest["functions"]:
            for p in fn["parameters"]:
                self.assertEqual(p["hasDefault"], "defaultRepr" in p, (fn["name"], p))
                self.assertNotIn("default", p)

    def test_output_is_deterministic_across_processes_and_hash_seeds(self):
        first = run_program(
            sys.executable, ["statistics", "re", "json", "math"], {"PYTHONHASHSEED": "1"}
        )
        second = run_program(
            sys.executable, ["statistics", "re", "json", "math"], {"PYTHONHASHSEED": "2"}
        )
        self.assertEqual(first, second)
        self.assertNotIn(b" at 0x", first["re"])
        manifest = json.loads(first["statistics"].decode("utf-8"))
        names = [f["name"] for f in manifest["functions"]]
        self.assertEqual(sorted(names), names)

    def test_unknown_module_fails_with_message(self):
        result = subprocess.run([sys.executable, SCRIPT, "no_such_module_xyz"], capture_output=True)
        self.assertEqual(1, result.returncode)
        self.assertIn(b"no_such_module_xyz", result.stderr)


class DocstringTest(unittest.TestCase):
    def test_numpydoc(self):
        doc = introspect.parse_docstring(
            textwrap.dedent("""\
            Add things.

            Longer text.

            Parameters
            ----------
            a : int
                First.
            b : {'x', 'y'}, default='x'
                Second.

            Returns
            -------
            float
                The sum.

            Raises
            ------
            ValueError
                When bad.

            Attributes
            ----------
            coef_ : ndarray of shape (n,)
                Fitted.

            Examples
            --------
            >>> add(1, 'x')
            2.0
            """)
        )
        self.assertEqual("numpydoc", doc["style"])
        self.assertEqual("Add things.", doc["summary"])
        self.assertEqual("Longer text.", doc["description"])
        self.assertEqual(
            [("a", "int"), ("b", "{'x', 'y'}, default='x'")],
            [(p["name"], p["type"]) for p in doc["params"]],
        )
        self.assertEqual("First.", doc["params"][0]["description"])
        self.assertEqual("float", doc["returns"][0]["type"])
        self.assertEqual("ValueError", doc["raises"][0]["type"])
        self.assertEqual("coef_", doc["attributes"][0]["name"])
        self.assertEqual([">>> add(1, 'x')\n2.0"], doc["examples"])
        self.assertEqual("{'x', 'y'}", introspect._numpydoc_type(doc["params"][1]["type"]))
        self.assertEqual("int", introspect._numpydoc_type("int, optional"))

    def test_google(self):
        doc = introspect.parse_docstring(
            textwrap.dedent("""\
            Fetch rows.

            Args:
                table (str): The table.
                keys: The keys,
                    over two lines.

            Returns:
                dict: Rows by key.

            Raises:
                IOError: On failure.
            """)
        )
        self.assertEqual("google", doc["style"])
        self.assertEqual(
            [("table", "str"), ("keys", None)], [(p["name"], p["type"]) for p in doc["params"]]
        )
        self.assertIn("over two lines", doc["params"][1]["description"])
        self.assertEqual("dict", doc["returns"][0]["type"])
        self.assertEqual("IOError", doc["raises"][0]["type"])

    def test_sphinx(self):
        doc = introspect.parse_docstring(
            textwrap.dedent("""\
            Send a message.

            :param str sender: Who sends.
            :param recipient: Who receives.
            :type recipient: str
            :returns: The id.
            :rtype: int
            :raises ValueError: If empty.
            """)
        )
        self.assertEqual("sphinx", doc["style"])
        self.assertEqual(
            [("sender", "str"), ("recipient", "str")],
            [(p["name"], p["type"]) for p in doc["params"]],
        )
        self.assertEqual("int", doc["returns"][0]["type"])
        self.assertEqual("ValueError", doc["raises"][0]["type"])

    def test_deprecation(self):
        def old(x):
            """Old thing.

            .. deprecated:: 1.2
                Use `new` instead.
            """

        entry = introspect.describe_callable("old", old, {"raw_doc": old.__doc__})
        self.assertIn("1.2", entry["deprecated"]["message"])
        self.assertIn("Use `new` instead.", entry["deprecated"]["message"])

        def marked(x):
            pass

        marked.__deprecated__ = "gone in 3.0"
        entry = introspect.describe_callable("marked", marked, {})
        self.assertEqual(
            {"message": "gone in 3.0", "source": "__deprecated__"}, entry["deprecated"]
        )

    def test_type_sources_in_order(self):
        def f(a: int, b, c, d, e=None):
            pass

        context = {
            "doc": {
                "params": [
                    {"name": "b", "type": "float"},
                    {"name": "c", "type": "str"},
                    {"name": "a", "type": "bool"},
                ]
            },
            "stub": {"params": {"b": ["SupportsFloat"], "a": ["bool"]}},
            "constraints": {"c": "Literal['x']", "b": "float"},
        }
        entry = introspect.describe_callable("f", f, context)
        got = {p["name"]: (p["type"], p["typeSource"]) for p in entry["parameters"]}
        self.assertEqual(("int", "annotation"), got["a"])
        self.assertEqual(("SupportsFloat", "stub"), got["b"])
        self.assertEqual(("Literal['x']", "constraints"), got["c"])
        self.assertEqual((None, None), got["d"])
        self.assertTrue(entry["exact"])

    def test_signature_from_text(self):
        got = introspect._signature_from_text("f", "f(a, b=1, /, *c, d, e=None, **k) -> int")
        self.assertEqual("int", got[1])
        self.assertEqual(
            [
                ("a", "positional-only", False),
                ("b", "positional-only", True),
                ("c", "var-positional", False),
                ("d", "keyword-only", False),
                ("e", "keyword-only", True),
                ("k", "var-keyword", False),
            ],
            [(p["name"], p["kind"], p["hasDefault"]) for p in got[0]],
        )
        self.assertIsNone(introspect._signature_from_text("f", "Return the thing."))
        self.assertIsNone(introspect._signature_from_text("f", "f((a1, a2, ...), axis=0)"))

    def test_union_members(self):
        self.assertEqual(
            ["A", "B[C | D]", "None"], introspect._union_members("A | B[C | D] | None")
        )


SCIENCE = os.environ.get("SNAKEBRIDGE_SCIENCE_PYTHON")


@unittest.skipUnless(SCIENCE, "SNAKEBRIDGE_SCIENCE_PYTHON not set")
class ScienceTest(unittest.TestCase):
    manifests = None

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(SCIENCE):
            raise AssertionError(f"SNAKEBRIDGE_SCIENCE_PYTHON={SCIENCE} does not exist")
        raw = run_program(SCIENCE, ["numpy", "pandas", "sklearn.linear_model"])
        cls.manifests = {name: json.loads(data.decode("utf-8")) for name, data in raw.items()}

    def test_numpy_types_from_stubs_with_overloads_merged(self):
        numpy = self.manifests["numpy"]
        linspace = by_name(numpy["functions"], "linspace")
        types = {p["name"]: (p["type"], p["typeSource"]) for p in linspace["parameters"]}
        self.assertEqual(("bool", "stub"), types["endpoint"])
        self.assertEqual(("SupportsIndex", "stub"), types["num"])
        self.assertGreater(linspace["stubOverloads"], 1)
        self.assertGreater(len(linspace["returns"]["overloadTypes"]), 1)  # retstep=True differs
        # a ufunc (a callable object) takes its types from its stub class's __call__
        add = by_name(numpy["functions"], "add")
        self.assertEqual("stub", add["parameters"][0]["typeSource"])
        # an alias in the stubs ("max = amax")
        self.assertEqual("stub", by_name(numpy["functions"], "max")["parameters"][0]["typeSource"])
        total = by_name(numpy["functions"], "sum")
        keepdims = by_name(total["parameters"], "keepdims")
        self.assertEqual("<no value>", keepdims["defaultRepr"])
        self.assertTrue(keepdims["sentinel"])
        functions = numpy["summary"]["function"]
        # 21 of numpy's 390 functions take *args or **kwargs (einsum, meshgrid, savez, ...)
        self.assertGreaterEqual(functions["exact"] / functions["callables"], 0.9)
        self.assertGreaterEqual(functions["typed"] / functions["parameters"], 0.9)
        # methods declared on a stub-only base class of ndarray
        ndarray = by_name(numpy["classes"], "ndarray")
        reshape = by_name(ndarray["methods"], "reshape")
        self.assertEqual("stub", by_name(reshape["parameters"], "order")["typeSource"])

    def test_sklearn_constraints_numpydoc_attributes_and_self(self):
        lm = self.manifests["sklearn.linear_model"]
        ridge = by_name(lm["classes"], "Ridge")
        parameters = ridge["constructor"]["parameters"]
        types = {p["name"]: (p["type"], p["typeSource"]) for p in parameters}
        self.assertEqual(("bool", "constraints"), types["fit_intercept"])
        self.assertEqual("constraints", types["solver"][1])
        self.assertTrue(types["solver"][0].startswith("Literal["), types["solver"])
        self.assertIn("'auto'", types["solver"][0])
        self.assertTrue(
            all(
                p["kind"] == "keyword-only"
                for p in ridge["constructor"]["parameters"]
                if p["name"] != "alpha"
            )
        )
        coef = by_name(ridge["attributes"], "coef_")
        self.assertEqual("numpydoc", coef["source"])
        self.assertIn("ndarray", coef["type"])
        self.assertEqual(
            {"type": "Self", "source": "numpydoc"}, by_name(ridge["methods"], "fit")["returns"]
        )
        constructors = lm["summary"]["constructor"]
        self.assertGreaterEqual(constructors["typed"] / constructors["parameters"], 0.9)

    def test_pandas_annotations(self):
        pandas = self.manifests["pandas"]
        frame = by_name(pandas["classes"], "DataFrame")
        merge = by_name(frame["methods"], "merge")
        how = by_name(merge["parameters"], "how")
        self.assertEqual("annotation", how["typeSource"])
        self.assertGreater(len(frame["methods"]), 150)
        self.assertIn(
            "columns",
            {p["name"] for p in frame["properties"]} | {a["name"] for a in frame["attributes"]},
        )


if __name__ == "__main__":
    unittest.main()
