"""The session registry and reference encoding in process (§5.1, §5.2, §5.6), on a fake clock."""

import gc
import pathlib
import pickletools
import unittest
import weakref

import support
from snakebridge_worker import ConversionError, ProtocolError, codec, frames, sessions

MISSING = sessions.MISSING


class Thing:
    """An object with no mapping that can be watched with a weakref."""


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class RegistryTest(unittest.TestCase):
    def setUp(self):
        self.clock = FakeClock()
        self.registry = sessions.Registry(self.clock)

    def session(self, session_id="s", max_refs=10, ttl=60.0):
        return self.registry.session((session_id, max_refs, ttl))

    def hand_out(self, session, *objects):
        """Encodes `objects` as one value in `session` and commits it; the PyRefs."""
        batch = session.batch()
        section = codec.Encoder().encode(list(objects), batch)
        batch.commit()
        return decode(section)

    def test_refs_are_registered_only_on_commit(self):
        session = self.session()
        thing = object()
        batch = session.batch()
        ref = decode(codec.Encoder().encode(thing, batch))
        self.assertIs(self.registry.resolve("s", ref.ref_id), MISSING)
        batch.commit()
        self.assertIs(self.registry.resolve("s", ref.ref_id), thing)

    def test_the_same_object_keeps_its_id_and_is_written_once(self):
        session = self.session()
        thing = object()
        batch = session.batch()
        chunks, _, _ = codec.Encoder().encode([thing, {"k": thing}], batch)
        ops = [op.name for op, _, _ in pickletools.genops(b"".join(chunks))]
        self.assertEqual(ops.count("REDUCE"), 1)  # the second one is a memo lookup
        batch.commit()
        (first,) = self.hand_out(session, thing)
        (second,) = self.hand_out(session, thing)
        self.assertEqual(first.ref_id, second.ref_id)
        (other,) = self.hand_out(session, object())
        self.assertNotEqual(other.ref_id, first.ref_id)
        self.assertRegex(first.ref_id, r"^[0-9a-f]{8}-\d+$")

    def test_each_session_has_its_own_references(self):
        thing = object()
        (mine,) = self.hand_out(self.session("a"), thing)
        (theirs,) = self.hand_out(self.session("b"), thing)
        self.assertNotEqual(mine.ref_id, theirs.ref_id)
        self.assertIs(self.registry.resolve("b", mine.ref_id), MISSING)
        self.assertEqual(self.registry.live_counts(), {"a": 1, "b": 1})

    def test_release_needs_every_handout(self):
        session = self.session()
        thing = object()
        (ref,) = self.hand_out(session, thing)
        self.hand_out(session, thing)
        self.registry.release_handouts("s", {ref.ref_id: 1})
        self.assertIs(self.registry.resolve("s", ref.ref_id), thing)
        self.registry.release_handouts("s", {ref.ref_id: 1})
        self.assertIs(self.registry.resolve("s", ref.ref_id), MISSING)

    def test_a_release_that_crosses_a_handout_keeps_the_reference(self):
        # The JVM releases its only handout while a value carrying the ref is being encoded.
        session = self.session()
        thing = object()
        (ref,) = self.hand_out(session, thing)
        batch = session.batch()
        again = decode(codec.Encoder().encode(thing, batch))
        self.registry.release_handouts("s", {ref.ref_id: 1})
        self.assertIs(self.registry.resolve("s", ref.ref_id), MISSING)
        batch.commit()  # registered again under the id the frame carries
        self.assertEqual(again.ref_id, ref.ref_id)
        self.assertIs(self.registry.resolve("s", ref.ref_id), thing)

    def test_explicit_release_ignores_handouts(self):
        session = self.session()
        a, _b = self.hand_out(session, object(), object())
        self.hand_out(session, self.registry.resolve("s", a.ref_id))
        self.assertEqual(self.registry.release_refs(session, [a.ref_id, "x"]), 1)
        self.assertEqual(self.registry.release_session(session), 1)
        self.assertFalse(session.alive)
        self.assertEqual(self.registry.live_counts(), {})

    def test_least_recently_used_goes_first_but_never_one_of_the_committing_value(self):
        session = self.session(max_refs=3)
        objects = [object() for _ in range(4)]
        refs = [self.hand_out(session, thing)[0] for thing in objects[:3]]
        self.registry.resolve("s", refs[0].ref_id)  # used: refs[1] is now the oldest
        self.hand_out(session, objects[3])
        self.assertIs(self.registry.resolve("s", refs[1].ref_id), MISSING)
        self.assertEqual(self.registry.live_counts(), {"s": 3})
        three = self.hand_out(session, *[object() for _ in range(3)])
        self.assertEqual(
            [self.registry.resolve("s", ref.ref_id) is MISSING for ref in three], [False] * 3
        )

    def test_a_value_over_max_refs_is_refused_while_encoding(self):
        session = self.session(max_refs=2)
        with self.assertRaises(ConversionError) as caught:
            codec.Encoder().encode([object(), object(), object()], session.batch())
        self.assertIn("more than 2 references", str(caught.exception))
        self.assertEqual(self.registry.live_counts(), {"s": 0})

    def test_lowering_max_refs_evicts_at_once(self):
        session = self.session(max_refs=5)
        self.hand_out(session, *[object() for _ in range(5)])
        self.session(max_refs=2)
        self.assertEqual(self.registry.live_counts(), {"s": 2})

    def test_idle_references_expire(self):
        session = self.session(ttl=10.0)
        idle, used = self.hand_out(session, object(), object())
        self.clock.now += 6
        self.registry.resolve("s", used.ref_id)
        self.clock.now += 6
        self.assertIs(self.registry.resolve("s", idle.ref_id), MISSING)
        self.assertIsNot(self.registry.resolve("s", used.ref_id), MISSING)
        self.assertEqual(self.registry.live_counts(), {"s": 1})

    def test_an_infinite_ttl_never_expires(self):
        # SessionOptions.NO_TTL travels as float('inf').
        session = self.session(ttl=float("inf"))
        (ref,) = self.hand_out(session, object())
        self.clock.now += 1e12
        self.registry.sweep()
        self.assertIsNot(self.registry.resolve("s", ref.ref_id), MISSING)
        self.assertEqual(self.registry.live_counts(), {"s": 1})
        self.session(ttl=10.0)  # a finite ttl set later applies from then on
        self.clock.now += 11
        self.assertIs(self.registry.resolve("s", ref.ref_id), MISSING)

    def watched(self, session):
        """Hands out a Thing that only the registry holds; a weakref to it."""
        thing = Thing()
        self.hand_out(session, thing)
        watch = weakref.ref(thing)
        del thing
        gc.collect()
        return watch

    def test_resolving_never_drops_an_object(self):
        session = self.session(ttl=10.0)
        watch = self.watched(session)
        ref_id = self.hand_out(session, watch())[0].ref_id
        self.clock.now += 11
        self.assertIs(self.registry.resolve("s", ref_id), MISSING)
        self.assertIsNotNone(watch())  # left for the sweep, not dropped mid-decode
        self.registry.sweep()
        self.assertIsNone(watch())

    def test_sweeps_at_most_once_a_second_and_says_when_to_wake(self):
        session = self.session(ttl=0.5)
        self.assertIsNone(self.registry.sweep_interval())
        watch = self.watched(session)
        self.assertEqual(self.registry.sweep_interval(), sessions.SWEEP_SECONDS)
        self.registry.sweep()
        self.clock.now += 0.6
        self.registry.sweep()  # too soon after the last one
        self.assertIsNotNone(watch())
        self.clock.now += 0.5
        self.registry.sweep()
        self.assertIsNone(watch())
        self.assertIsNone(self.registry.sweep_interval())

    def test_malformed_session_elements(self):
        for spec in [
            ("s", 1),
            ("s", 0, 1.0),
            ("s", 1, -1.0),
            ("s", 1, float("nan")),
            ("s", True, 1.0),
            ("s", 1, 1),
            [("s", 1, 1.0)],
        ]:
            with self.subTest(spec), self.assertRaises(ProtocolError):
                self.registry.session(spec)
        self.assertEqual(self.registry.session(("s", 1, float("inf"))).ttl, float("inf"))

    def test_a_checked_element_finds_its_session_but_an_equal_malformed_one_does_not(self):
        session = self.registry.session(("s", 1, 1.0))
        self.assertIs(self.registry.session(("s", 1, 1.0)), session)
        # Equal to the checked element (and hashed alike), still malformed:
        for spec in [("s", True, 1.0), ("s", 1, 1)]:
            with self.subTest(spec), self.assertRaises(ProtocolError):
                self.registry.session(spec)

    def test_an_element_with_new_limits_updates_the_session_it_names(self):
        session = self.session(max_refs=5, ttl=10.0)
        self.hand_out(session, *[object() for _ in range(5)])
        self.assertIs(self.session(max_refs=2, ttl=20.0), session)
        self.assertEqual((session.max_refs, session.ttl), (2, 20.0))
        self.assertEqual(self.registry.live_counts(), {"s": 2})
        self.assertIs(self.session(max_refs=5, ttl=10.0), session)  # and back
        self.assertEqual((session.max_refs, session.ttl), (5, 10.0))

    def test_a_released_session_is_not_found_again_by_its_element(self):
        session = self.session()
        self.registry.release_session(session)
        again = self.session()
        self.assertIsNot(again, session)
        self.assertTrue(again.alive)
        self.assertFalse(session.alive)

    def test_a_failed_encoding_leaves_nothing_behind(self):
        session = self.session()
        value = [object(), pathlib.PurePosixPath("/")]
        nested = value
        for _ in range(100000):
            nested = [nested]
        batch = session.batch()
        with self.assertRaises(ConversionError):
            codec.Encoder().encode(nested, batch)
        self.assertEqual(self.registry.live_counts(), {"s": 0})


class EncodingWithoutSessionTest(unittest.TestCase):
    def test_a_value_without_mapping_names_its_type_and_the_missing_session(self):
        with self.assertRaises(ConversionError) as caught:
            codec.Encoder().encode({"k": [object()]})
        self.assertEqual(caught.exception.python_type, "builtins.object")
        self.assertIn("needs a session", str(caught.exception))

    def test_as_ref_needs_a_session(self):
        with self.assertRaises(ConversionError) as caught:
            codec.Encoder().encode(codec.AsRef([1]))
        self.assertIn("call_class returns its builtins.list as a reference", str(caught.exception))


def decode(encoded):
    chunks, length, buffers = encoded
    frame = frames.value_frame(0, 0, chunks, length, buffers)
    return support.decode_as_jvm(b"".join(bytes(part) for part in frame.parts)[16:])


if __name__ == "__main__":
    unittest.main()
