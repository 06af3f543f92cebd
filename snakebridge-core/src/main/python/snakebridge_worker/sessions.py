"""Sessions and the references registered in them (WIRE-PROTOCOL §5.1, §5.2, §5.6).

A reference is an entry `ref_id -> object` in the session of the CALL that handed the object
to the JVM. Each session has its own limits: past `max_refs` entries the least recently used
one is dropped, and an entry unused for `ttl_seconds` expires. `_refs` is an OrderedDict in
order of last use, so both limits act on its front.

Handouts and RELEASE
--------------------
RELEASE is fire and forget, so it can cross a value section that hands the same reference out
again: the JVM releases ref X (its handles became unreachable) while the worker is already
sending a RESULT that contains X. Dropping X on that RELEASE would leave the JVM a dangling
handle. So every entry counts its handouts (value sections that carried it), and RELEASE
carries the number of handouts the JVM received; the entry goes only when all are released.
The explicit `release_refs` and `release_session` operations are what the user asked for and
drop entries whatever their counts.

Encoding never changes the registry
-----------------------------------
A Batch collects the references of one outgoing value section while the C pickler writes it.
It only reads the registry: an object already registered keeps its ref_id, a new one gets a
fresh id. `commit`, called once the frame is built and nothing can interrupt the thread any
more (main: after call_finished; a callback: after its thread suspended its call), registers
the new entries, touches the old ones and counts the handouts. So a failed encoding (a value
with no mapping, RecursionError, a frame over max_frame) leaves nothing behind, and an entry
released, expired or evicted between encoding and commit is registered again under the id the
frame carries. The price: two threads that hand out the same new object at the same moment
(a callback's arguments on one, a result on the other) give it two ids, both valid.

Concurrency
-----------
The registry is shared by the main thread (calls), the control thread (RELEASE during a long
call, the periodic expiry sweep) and threads that call Java callbacks. One lock guards every
session's dicts. Entries removed under it are collected in a list that outlives the critical
section, so objects die (and finalizers run) only after the lock is released. Lookups made
while encoding read without the lock: each dict read is atomic under the GIL, and the commit
re-checks everything. Code on main can still be interrupted between two bytecodes by a
CANCEL, for instance inside the `release_refs` operation; entries therefore enter `_refs`
before `_by_object` and leave `_by_object` first, so `_by_object` never names an entry that
`_refs` lacks, and every read checks that anyway.

Resolving an argument never drops an object: it runs while a CALL is being decoded, where a
finalizer calling back into the worker must not run. An expired entry met there is reported
as not found and left for the next sweep or commit.
"""

import collections
import itertools
import os
import threading
import time

from snakebridge_worker import ConversionError, ProtocolError
from snakebridge_worker.sbw import qualified_name

SWEEP_SECONDS = 1.0
"""Least time between two expiry sweeps of all sessions (§5.1)."""

MISSING = object()
"""What `resolve` returns for a reference that is not (or no longer) registered."""

_PREFIX = os.urandom(4).hex()
_counter = itertools.count(1)


def new_ref_id():
    """A ref id unique to this process: a random per-process prefix and a counter."""
    return f"{_PREFIX}-{next(_counter)}"


class _Entry:
    # `pending`: for a stream (WIRE-PROTOCOL §6.3), None, an exception its iterator raised
    # after a batch's items were taken (raised by the next batch), or streams.EXHAUSTED once a
    # cancelled batch closed it. It goes with the entry, so a released stream leaves nothing.
    __slots__ = ("handouts", "last_used", "obj", "pending", "ref_id")

    def __init__(self, ref_id, obj, now):
        self.ref_id = ref_id
        self.obj = obj
        self.last_used = now
        self.handouts = 0
        self.pending = None


class Session:
    """One session's references and limits. `alive` turns false when it is released, which also
    ends the Java callbacks bound to it."""

    def __init__(self, registry, session_id, max_refs, ttl):
        self.session_id = session_id
        self.max_refs = max_refs
        self.ttl = ttl
        self.alive = True
        self.registry = registry
        self.spec = None  # the `session` element that finds it in Registry._by_spec
        self._refs = collections.OrderedDict()  # ref_id -> _Entry, least recently used first
        self._by_object = {}  # id(obj) -> _Entry: the same object keeps its ref_id

    def batch(self):
        return Batch(self)

    def _registered(self, obj):
        entry = self._by_object.get(id(obj))
        if entry is not None and entry.obj is obj and self._refs.get(entry.ref_id) is entry:
            return entry
        return None

    # The methods below run under the registry lock and append what they remove to `dropped`.

    def _remove(self, entry, dropped):
        key = id(entry.obj)
        if self._by_object.get(key) is entry:
            del self._by_object[key]
        if self._refs.get(entry.ref_id) is entry:
            del self._refs[entry.ref_id]
        dropped.append(entry)

    def _expire(self, now, dropped):
        deadline = now - self.ttl
        refs = self._refs
        while refs:
            entry = next(iter(refs.values()))
            if entry.last_used > deadline:
                return
            self._remove(entry, dropped)

    def _evict(self, keep, dropped):
        """Drops least recently used entries past max_refs, never those whose ids are in `keep`."""
        excess = len(self._refs) - self.max_refs
        if excess <= 0:
            return
        victims = []
        for entry in self._refs.values():
            if entry.ref_id not in keep:
                victims.append(entry)
                if len(victims) == excess:
                    break
        for entry in victims:
            self._remove(entry, dropped)


class Batch:
    """The references one outgoing value section uses (see the module doc)."""

    __slots__ = ("_errors", "_objects", "session")

    def __init__(self, session):
        self.session = session
        self._objects = {}  # id(obj) -> (obj, ref_id); holding obj keeps its id() stable
        self._errors = None  # id(obj) -> the exception its stream keeps (codec.AsStream)

    def ref_args(self, obj):
        """The `sbw.ref` arguments for `obj`: (ref_id, session_id, type_name, module).

        Raises ConversionError when the value would need more references than the session's
        max_refs: they could not all stay registered until the JVM reads them.
        """
        known = self._objects.get(id(obj))
        session = self.session
        if known is None:
            if len(self._objects) >= session.max_refs:
                name = qualified_name(type(obj))
                raise ConversionError(
                    f"the value needs more than {session.max_refs} references, the max_refs of "
                    f"session {session.session_id!r}; raise max_refs or return fewer objects",
                    name,
                )
            entry = session._registered(obj)
            known = self._objects[id(obj)] = (obj, new_ref_id() if entry is None else entry.ref_id)
        kind = type(obj)
        module = getattr(kind, "__module__", None)
        top = module.partition(".")[0] if type(module) is str else "builtins"
        return known[1], session.session_id, qualified_name(kind), top

    def keep_error(self, obj, error):
        """Registers `error` with the stream `obj` (already in the batch) at commit."""
        if self._errors is None:
            self._errors = {}
        self._errors[id(obj)] = error

    def commit(self):
        """Registers and counts the batch's references; call it once the frame will be sent."""
        if self._objects:
            self.session.registry.commit(self.session, self._objects.values(), self._errors)


class Registry:
    """Every session of this worker, by id. `clock` is injectable so tests need not sleep."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions = {}
        self._by_spec = {}  # a `session` element already checked -> its live Session
        self._next_sweep = 0.0

    def session(self, spec):
        """The session a CALL's `session` element names, created or with its limits updated.

        Every call of a session comes here, so a known session with unchanged limits is found
        by its element, without the lock; expiry is checked where references are looked up or
        counted.
        """
        try:
            session = self._by_spec.get(spec)
        except TypeError:  # unhashable: malformed, said below
            session = None
        # Equal is not enough: (id, True, 1.0) equals (id, 1, 1.0) but is malformed.
        if session is not None and type(spec[1]) is int and type(spec[2]) is float:
            return session
        if (
            type(spec) is not tuple
            or len(spec) != 3
            or type(spec[0]) is not str
            or type(spec[1]) is not int
            or type(spec[2]) is not float
            or spec[1] < 1
            or not spec[2] > 0
        ):
            raise ProtocolError(
                "a CALL's session must be None or (session_id: str, max_refs: "
                f"int >= 1, ttl_seconds: float > 0), got {spec!r}"
            )
        session_id, max_refs, ttl = spec
        dropped = []
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                session = self._sessions[session_id] = Session(self, session_id, max_refs, ttl)
            elif session.max_refs != max_refs or session.ttl != ttl:
                session.max_refs = max_refs
                session.ttl = ttl
                session._evict((), dropped)
            self._by_spec.pop(session.spec, None)
            session.spec = spec
            self._by_spec[spec] = session
        return session

    def resolve(self, session_id, ref_id):
        """The object registered as `ref_id` in that session, touched; MISSING if there is none
        or it has expired (see the module doc on why nothing is dropped here)."""
        session = self._sessions.get(session_id)
        if session is None:
            return MISSING
        now = self._clock()
        with self._lock:
            entry = session._refs.get(ref_id)
            if entry is None or entry.last_used <= now - session.ttl:
                return MISSING
            session._refs.move_to_end(ref_id)
            entry.last_used = now
            return entry.obj

    def commit(self, session, objects, errors=None):
        """Registers or touches each (obj, ref_id) and counts one handout for each; `errors`
        maps id(obj) of streams to the exception each keeps (Entry.pending)."""
        now = self._clock()
        dropped = []
        with self._lock:
            if not session.alive:
                return  # released while the value was being encoded: its references went too
            session._expire(now, dropped)
            refs, by_object = session._refs, session._by_object
            for obj, ref_id in objects:
                entry = refs.get(ref_id)
                if entry is None:
                    entry = refs[ref_id] = _Entry(ref_id, obj, now)
                    if session._registered(obj) is None:
                        by_object[id(obj)] = entry
                else:
                    refs.move_to_end(ref_id)
                    entry.last_used = now
                entry.handouts += 1
                if errors:
                    error = errors.get(id(obj))
                    if error is not None:
                        entry.pending = error
            if len(refs) > session.max_refs:
                session._evict({ref_id for _, ref_id in objects}, dropped)

    def release_refs(self, session, ref_ids):
        """Drops those references of the session whatever their handouts; the number dropped."""
        dropped = []
        with self._lock:
            for ref_id in ref_ids:
                entry = session._refs.get(ref_id)
                if entry is not None:
                    session._remove(entry, dropped)
        return len(dropped)

    def entry_of(self, session, obj, ref_ids):
        """The live entry of `obj` in the session (None if there is none): the one its
        `_by_object` names, else one of `ref_ids` (what the call's arguments used) holding it.
        A lookup without the lock, like those made while encoding (see the module doc)."""
        if session is None:
            return None
        entry = session._registered(obj)
        if entry is None:
            for ref_id in ref_ids:
                candidate = session._refs.get(ref_id)
                if candidate is not None and candidate.obj is obj:
                    return candidate
        return entry

    def release_object(self, session, obj, ref_ids):
        """Drops the entries of `obj`, whatever their handouts: the one `_by_object` names and
        those of `ref_ids` that hold it; the number dropped (`stream_close`, §6.2)."""
        dropped = []
        with self._lock:
            entry = session._registered(obj)
            if entry is not None:
                session._remove(entry, dropped)
            for ref_id in ref_ids:
                entry = session._refs.get(ref_id)
                if entry is not None and entry.obj is obj:
                    session._remove(entry, dropped)
        return len(dropped)

    def release_session(self, session):
        """Drops every reference of the session and forgets it; the number dropped."""
        with self._lock:
            session.alive = False
            if self._sessions.get(session.session_id) is session:
                del self._sessions[session.session_id]
            if self._by_spec.get(session.spec) is session:
                del self._by_spec[session.spec]
            session._by_object.clear()
            dropped = list(session._refs.values())
            session._refs.clear()
        return len(dropped)

    def release_handouts(self, session_id, counts):
        """RELEASE (§5.6): `counts` maps ref_id to the handouts the JVM has let go of."""
        session = self._sessions.get(session_id)
        if session is None:
            return
        dropped = []
        with self._lock:
            for ref_id, count in counts.items():
                entry = session._refs.get(ref_id)
                if entry is not None:
                    entry.handouts -= count
                    if entry.handouts <= 0:
                        session._remove(entry, dropped)

    def live_counts(self):
        """{session_id: number of live references} for every session, expired ones dropped."""
        now = self._clock()
        dropped = []
        with self._lock:
            for session in self._sessions.values():
                session._expire(now, dropped)
            return {
                session_id: len(session._refs) for session_id, session in self._sessions.items()
            }

    def sweep(self):
        """Expires idle references in every session, at most once per SWEEP_SECONDS; the control
        thread calls it between calls, so memory is given back also when no call comes."""
        now = self._clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_SECONDS
        dropped = []
        with self._lock:
            for session in self._sessions.values():
                session._expire(now, dropped)

    def sweep_interval(self):
        """How long an idle worker may wait before the next sweep: None while nothing can expire."""
        with self._lock:
            if any(session._refs for session in self._sessions.values()):
                return SWEEP_SECONDS
        return None
