"""References and sessions through a real worker (WIRE-PROTOCOL §5.1-§5.3)."""

import os
import re
import tempfile
import unittest

import support
from support import PyRef, StreamRef, session


class ReferenceTest(unittest.TestCase):
    """One worker serves all these tests, as a pool slot would; each test has its own session."""

    @classmethod
    def setUpClass(cls):
        cls.worker = support.WorkerProcess(paths=[support.HERE])

    @classmethod
    def tearDownClass(cls):
        status = cls.worker.close()
        cls.worker.release()
        assert status == 0, status

    def setUp(self):
        self.session = session(self.id())

    def result(self, request):
        kind, value = self.worker.ask(request)
        self.assertEqual(kind, "result", value)
        return value

    def error(self, request):
        kind, value = self.worker.ask(request)
        self.assertEqual(kind, "error", value)
        return value

    def call(self, module, function, *args, **kwargs):
        return self.result(("call", self.session, module, function, list(args), kwargs))

    def method(self, target, name, *args, **kwargs):
        return self.result(("call_method", self.session, target, name, list(args), kwargs))

    def attr(self, target, name):
        return self.result(("get_attr", self.session, target, name))

    def live(self):
        return self.result(("sessions", None)).get(self.session[0], 0)

    def assert_ref(self, value, type_name, module, kind=PyRef):
        self.assertIs(type(value), kind, value)
        self.assertEqual(
            (value.session_id, value.type_name, value.module), (self.session[0], type_name, module)
        )
        self.assertRegex(value.ref_id, r"^[0-9a-f]{8}-\d+$")

    def test_values_without_a_mapping_become_references(self):
        path = self.call("pathlib", "Path", "/tmp/some/file.txt")
        self.assert_ref(
            path, support.codec.sbw.qualified_name(type(__import__("pathlib").Path())), "pathlib"
        )
        self.assertEqual(self.method(path, "as_posix"), "/tmp/some/file.txt")
        self.assertEqual(self.attr(path, "name"), "file.txt")
        self.assertEqual(self.attr(path, "parent.name"), "some")
        self.assert_ref(self.call("builtins", "object"), "builtins.object", "builtins")
        point = self.call("sample_objects", "Point", 1, 2)
        self.assert_ref(point, "sample_objects.Point", "sample_objects")
        self.assertEqual((self.attr(point, "x"), self.attr(point, "y")), (1, 2))
        iterator = self.call("builtins", "iter", [7, 8])
        self.assert_ref(iterator, "builtins.list_iterator", "builtins", StreamRef)
        self.assertEqual(self.method(iterator, "__next__"), 7)

    def test_a_container_keeps_its_shape_around_a_reference(self):
        value = self.call("sample_objects", "socket_in_dict")
        self.assertEqual(list(value), ["socket", "port"])
        self.assertEqual(value["port"], 0)
        self.assert_ref(value["socket"], "socket.socket", "socket")
        self.assertEqual(self.method(value["socket"], "close"), None)
        self.assertEqual(self.method(value["socket"], "fileno"), -1)

    def test_plain_subclasses_still_cross_by_value(self):
        self.assertEqual(self.call("collections", "Counter", "abca"), {"a": 2, "b": 1, "c": 1})

    def test_call_class_always_returns_a_reference(self):
        counter = self.result(("call_class", self.session, "collections", "Counter", ["aab"], {}))
        self.assert_ref(counter, "collections.Counter", "collections")
        self.assertEqual(self.method(counter, "most_common", 1), [("a", 2)])
        items = self.result(("call_class", self.session, "builtins", "list", [[1, 2, 3]], {}))
        self.assert_ref(items, "builtins.list", "builtins")
        self.assertEqual(self.method(items, "__len__"), 3)
        error = self.error(("call_class", None, "builtins", "list", [[1]], {}))
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "builtins.list"))
        self.assertIn("needs a session", error["message"])

    def test_compiled_pattern_methods_and_attributes(self):
        pattern = self.call("re", "compile", r"(\w+)@(\w+)")
        self.assert_ref(pattern, support.codec.sbw.qualified_name(re.Pattern), "re")
        self.assertEqual(self.attr(pattern, "pattern"), r"(\w+)@(\w+)")
        match = self.method(pattern, "match", "anna@example")
        self.assert_ref(match, support.codec.sbw.qualified_name(re.Match), "re")
        self.assertEqual(self.method(match, "groups"), ("anna", "example"))
        self.assertIsNone(self.method(pattern, "match", "nothing here"))

    def test_the_same_object_keeps_its_reference(self):
        first, second, inner = self.call("sample_objects", "same_twice")
        self.assertEqual(first, second)
        self.assertEqual(inner["again"], first)
        self.assertEqual(
            self.call("sample_objects", "shared"), self.call("sample_objects", "shared")
        )
        distinct = self.call("sample_objects", "objects", 3)
        self.assertEqual(len({ref.ref_id for ref in distinct}), 3)
        self.assertNotIn(first.ref_id, {ref.ref_id for ref in distinct})
        self.assertEqual(self.call("sample_user_code", "echo", first), first)

    def test_references_resolve_as_arguments_at_any_depth(self):
        thing = self.call("builtins", "object")
        path = self.call("pathlib", "Path", "/tmp")
        value = [thing, {"k": (path, [thing])}]
        self.assertEqual(
            self.call("sample_objects", "type_names", value),
            ["builtins.object", {"k": (path.type_name, ["builtins.object"])}],
        )
        self.assertEqual(self.call("sample_user_code", "echo", value), value)

    def test_ref_method_and_ref_attr_name_their_target_by_id(self):
        pattern = self.call("re", "compile", "a+")
        self.assertEqual(self.result(("ref_attr", self.session, pattern.ref_id, "pattern")), "a+")
        self.assertEqual(
            self.result(
                ("ref_method", self.session, pattern.ref_id, "sub", ["b", "caab"], {"count": 1})
            ),
            "cbb",
        )
        self.assertEqual(
            self.result(("ref_method", self.session, pattern.ref_id, "pattern.upper", [], {})), "A+"
        )
        items = self.result(("call_class", self.session, "builtins", "list", [], {}))
        # With a reference among the arguments, the general path runs the same op.
        self.assertIsNone(
            self.result(("ref_method", self.session, items.ref_id, "append", [pattern], {}))
        )
        self.assertEqual(self.method(items, "__len__"), 1)
        self.assertEqual(self.call("operator", "getitem", items, 0), pattern)

    def test_ref_ops_report_an_unknown_id_and_need_a_session(self):
        for request in (
            ("ref_method", self.session, "00000000-9", "x", [], {}),
            ("ref_attr", self.session, "00000000-9", "x"),
        ):
            with self.subTest(request[0]):
                error = self.error(request)
                self.assertEqual(
                    (
                        error["kind"],
                        error["type"],
                        error["ref_id"],
                        error["session_id"],
                        error["call_session_id"],
                    ),
                    (
                        "ref_not_found",
                        "snakebridge_worker.RefNotFound",
                        "00000000-9",
                        self.session[0],
                        self.session[0],
                    ),
                )
        for request in (
            ("ref_attr", None, "00000000-9", "x"),
            ("ref_attr", self.session, 5, "x"),
            ("ref_method", self.session, "00000000-9", "x", (), {}),
        ):
            with self.subTest(request):
                self.assertEqual(self.error(request)["kind"], "protocol")

    def test_set_attr(self):
        point = self.call("sample_objects", "Point", 1, 2)
        self.assertIsNone(self.result(("set_attr", self.session, point, "x", 41)))
        self.assertEqual(self.attr(point, "x"), 41)
        holder = self.call("types", "SimpleNamespace", inner=point)
        self.assertIsNone(self.result(("set_attr", self.session, holder, "inner.y", 7)))
        self.assertEqual(self.attr(point, "y"), 7)

    def test_context_manager_through_enter_and_exit(self):
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "out.txt")
            file = self.call("builtins", "open", name, "w")
            self.assertEqual(self.method(file, "__enter__"), file)
            self.assertEqual(self.method(file, "write", "written through a reference"), 27)
            self.assertFalse(self.method(file, "__exit__", None, None, None))
            self.assertTrue(self.attr(file, "closed"))
            with open(name) as written:
                self.assertEqual(written.read(), "written through a reference")

    def test_release_refs(self):
        kept, released = self.call("sample_objects", "objects", 2)
        self.assertEqual(self.live(), 2)
        self.assertEqual(self.result(("release_refs", self.session, [released.ref_id, "nope"])), 1)
        self.assertEqual(self.result(("release_refs", self.session, [released.ref_id])), 0)
        self.assertEqual(self.live(), 1)
        error = self.error(("call", self.session, "sample_user_code", "echo", [released], {}))
        self.assertEqual(
            (error["kind"], error["ref_id"], error["session_id"]),
            ("ref_not_found", released.ref_id, self.session[0]),
        )
        self.assertEqual(self.call("sample_user_code", "echo", kept), kept)

    def test_release_session(self):
        refs = self.call("sample_objects", "objects", 3)
        self.assertEqual(self.result(("release_session", self.session)), 3)
        self.assertNotIn(self.session[0], self.result(("sessions", None)))
        error = self.error(("call_method", self.session, refs[0], "__repr__", [], {}))
        self.assertEqual(
            (error["kind"], error["type"], error["ref_id"], error["call_session_id"]),
            ("ref_not_found", "snakebridge_worker.RefNotFound", refs[0].ref_id, self.session[0]),
        )
        self.assertIn("builtins.LookupError", error["mro"])

    def test_a_reference_of_another_session_is_a_mismatch(self):
        thing = self.call("builtins", "object")
        other = session(self.id() + "-other")
        for call_session, expected in ((other, other[0]), (None, None)):
            with self.subTest(call_session=expected):
                error = self.error(
                    ("call", call_session, "sample_user_code", "echo", [{"deep": [(1, thing)]}], {})
                )
                self.assertEqual(
                    (
                        error["kind"],
                        error["type"],
                        error["ref_id"],
                        error["session_id"],
                        error["call_session_id"],
                    ),
                    (
                        "session_mismatch",
                        "snakebridge_worker.SessionMismatch",
                        thing.ref_id,
                        self.session[0],
                        expected,
                    ),
                )
        stale = PyRef("00000000-1", self.session[0], "builtins.object", "builtins")
        error = self.error(
            ("call", self.session, "sample_user_code", "echo", [[thing, {"k": stale}]], {})
        )
        self.assertEqual((error["kind"], error["ref_id"]), ("ref_not_found", "00000000-1"))

    def test_max_refs_evicts_the_least_recently_used_of_that_session_only(self):
        bystander = session(self.id() + "-bystander", max_refs=2)
        other = self.result(("call", bystander, "builtins", "object", [], {}))
        self.session = session(self.id(), max_refs=3)
        first, second, third = [self.call("builtins", "object") for _ in range(3)]
        self.call("sample_user_code", "echo", first)  # now second is the least recently used
        fourth = self.call("builtins", "object")
        self.assertEqual(self.live(), 3)
        error = self.error(("call", self.session, "sample_user_code", "echo", [second], {}))
        self.assertEqual((error["kind"], error["ref_id"]), ("ref_not_found", second.ref_id))
        for ref in (first, third, fourth):
            self.assertEqual(self.call("sample_user_code", "echo", ref), ref)
        self.assertEqual(
            self.result(("call", bystander, "sample_user_code", "echo", [other], {})), other
        )

    def test_a_value_needing_more_than_max_refs_fails_and_registers_nothing(self):
        self.session = session(self.id(), max_refs=3)
        error = self.error(("call", self.session, "sample_objects", "objects", [4], {}))
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "builtins.object"))
        self.assertIn("more than 3 references", error["message"])
        self.assertEqual(self.live(), 0)
        self.assertEqual(len(self.call("sample_objects", "objects", 3)), 3)

    def test_a_failed_encoding_registers_nothing(self):
        error = self.error(
            ("call", self.session, "sample_objects", "object_then_too_deep", [100000], {})
        )
        self.assertEqual((error["kind"], error["python_type"]), ("conversion", "builtins.list"))
        self.assertEqual(self.live(), 0)

    def test_idle_references_expire(self):
        # One reference is used again and again, with no pause, until the other has expired:
        # only a busy machine that stops this process for longer than the time to live (1.5 s)
        # could let the used one expire too.
        self.session = session(self.id(), ttl=1.5)
        idle, used = self.call("sample_objects", "objects", 2)

        def idle_expired():
            self.assertEqual(self.call("sample_user_code", "echo", used), used)
            return self.live() == 1

        support.wait_until(idle_expired, "the unused reference to expire")
        error = self.error(("call", self.session, "sample_user_code", "echo", [idle], {}))
        self.assertEqual((error["kind"], error["ref_id"]), ("ref_not_found", idle.ref_id))
        self.assertEqual(self.call("sample_user_code", "echo", used), used)
        support.wait_until(lambda: self.live() == 0, "the other one to expire once unused")

    def test_sessions_counts_return_to_zero(self):
        other = session(self.id() + "-2")
        mine = self.call("sample_objects", "objects", 2)
        theirs = self.result(("call", other, "sample_objects", "objects", [3], {}))
        counts = self.result(("sessions", None))
        self.assertEqual((counts[self.session[0]], counts[other[0]]), (2, 3))
        self.assertEqual(
            self.result(("release_refs", self.session, [ref.ref_id for ref in mine])), 2
        )
        self.assertEqual(self.result(("release_session", other)), 3)
        counts = self.result(("sessions", None))
        self.assertEqual((counts.get(self.session[0]), counts.get(other[0])), (0, None))
        self.assertEqual(len(theirs), 3)

    def test_malformed_sessions_fail_only_that_call(self):
        for bad in [("s",), ("s", 0, 1.0), ("s", 10, 0.0), ("s", 10, 5), (1, 10, 1.0), "s"]:
            with self.subTest(repr(bad)):
                error = self.error(("call", bad, "math", "sqrt", [4], {}))
                self.assertEqual(error["kind"], "protocol")
        self.assertEqual(self.call("math", "sqrt", 4), 2.0)


class ReleaseFrameTest(unittest.TestCase):
    """RELEASE (§5.6): fire and forget, counted in handouts."""

    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(self.worker.release)
        self.session = session("released")

    def ask(self, *request):
        kind, value = self.worker.ask(request)
        self.assertEqual(kind, "result", value)
        return value

    def release(self, counts, session_id="released"):
        self.worker.send_value(support.frames.RELEASE, 0, (session_id, counts))

    def live(self):
        return self.ask("sessions", None).get("released", 0)

    def test_release_between_calls(self):
        kept, released = self.ask("call", self.session, "sample_objects", "objects", [2], {})
        self.release({released.ref_id: 1, "unknown": 3})
        self.release({kept.ref_id: 1}, session_id="no such session")
        self.assertEqual(self.live(), 1)
        kind, error = self.worker.ask(
            ("call", self.session, "sample_user_code", "echo", [released], {})
        )
        self.assertEqual((kind, error["kind"]), ("error", "ref_not_found"))

    def test_a_reference_handed_out_twice_needs_both_handouts_released(self):
        # The JVM may release the first handout while the second is on its way (§5.6).
        first = self.ask("call", self.session, "sample_objects", "shared", [], {})
        second = self.ask("call", self.session, "sample_objects", "shared", [], {})
        self.assertEqual(first, second)
        self.release({first.ref_id: 1})
        self.assertEqual(
            self.ask("call", self.session, "sample_objects", "type_names", [first], {}),
            "builtins.object",
        )  # still registered
        self.release({first.ref_id: 1})
        self.assertEqual(self.live(), 0)

    def test_release_during_a_long_call_is_applied_by_the_control_thread(self):
        tracked = self.ask("call", self.session, "sample_objects", "tracked", [], {})
        waiting = self.worker.start_running(
            "sample_objects", "wait_for_collection", support.TIMEOUT
        )
        self.release({tracked.ref_id: 1})  # the control thread reads it during the call
        self.assertEqual(self.worker.reply(waiting), ("result", True))
        self.assertEqual(self.live(), 0)

    def test_a_malformed_release_breaks_the_protocol(self):
        self.release({"some-ref": "not a count"})
        kind, _request_id, error = self.worker.read_value()
        self.assertEqual((kind, error["kind"]), (support.frames.ERROR, "protocol"))
        self.assertIn("RELEASE", error["message"])
        self.assertEqual(self.worker.wait(), 3)


if __name__ == "__main__":
    unittest.main()
