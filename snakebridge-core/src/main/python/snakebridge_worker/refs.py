"""What the JVM sends that is not a value: `sbw.ref` arguments and `sbw.callback` proxies
(WIRE-PROTOCOL §5.2, §5.4).

The unpickler meets a reference before it knows which call it is decoding: the CALL tuple, and
with it the call's session, is built only after its elements. So the Resolver looks each
reference up in the session the reference itself names and records what it met; once the value
is decoded, the caller checks those records against the call's session (`Seen.check`) and binds
the callback proxies to their owner (`Seen.bind`). Wherever the reference sat, however deep in
the arguments, it is reported the same way. Calls that carry neither pay one attribute store.
"""

from snakebridge_worker import RefNotFound, SessionMismatch
from snakebridge_worker.callbacks import JavaCallback
from snakebridge_worker.sbw import check_args, refuse_state
from snakebridge_worker.sessions import MISSING

_ABSENT = object()


def not_found(ref_id, session_id, call_session_id):
    """The RefNotFound for a reference its session does not (or no longer) hold."""
    return RefNotFound(
        f"reference {ref_id} is not registered in session {session_id!r} on this worker: it "
        "was released, expired or evicted, or never created here",
        ref_id,
        session_id,
        call_session_id,
    )


class Seen(list):
    """The references and callbacks met while decoding one value section: the list holds a
    (ref_id, session_id, found) per reference, in the order the pickle had them (a list, so
    the first reference's record costs one C-level construction on the hot path)."""

    callbacks = ()  # the callback proxies, a list once there is one

    def check(self, session):
        """Raises the error of the first reference that does not resolve in `session` (the
        call's Session, or None): SessionMismatch before RefNotFound for the same reference."""
        call_session_id = None if session is None else session.session_id
        if len(self) == 1:  # the usual case, kept short
            _, session_id, found = self[0]
            if found and session_id == call_session_id:
                return
        for ref_id, session_id, found in self:
            if session_id != call_session_id:
                where = (
                    "has no session"
                    if call_session_id is None
                    else f"runs in session {call_session_id!r}"
                )
                raise SessionMismatch(
                    f"reference {ref_id} belongs to session {session_id!r}, but the call {where}",
                    ref_id,
                    session_id,
                    call_session_id,
                )
            if not found:
                raise not_found(ref_id, session_id, call_session_id)

    def bind(self, owner):
        """Gives the decoded callback proxies their owner: a Session or a CallScope."""
        for proxy in self.callbacks:
            proxy.owner = owner


class Resolver:
    """Provides `sbw.ref` and `sbw.callback` to one decoder (so to one thread). `seen` holds what
    the last decoded value met, or None if it met nothing."""

    __slots__ = ("_channel", "_resolve", "seen")

    def __init__(self, registry, channel):
        self.seen = None
        self._resolve = registry.resolve
        self._channel = channel

    def ref(self, ref_id=_ABSENT, session_id=_ABSENT, *more):
        if type(ref_id) is not str or type(session_id) is not str or more:
            args = tuple(arg for arg in (ref_id, session_id) if arg is not _ABSENT) + more
            check_args("ref", args, "ss")  # raises, naming what is wrong
        obj = self._resolve(session_id, ref_id)
        record = (ref_id, session_id, obj is not MISSING)
        seen = self.seen
        if seen is None:
            self.seen = Seen((record,))
        else:
            seen.append(record)
        return None if obj is MISSING else obj  # the call fails in Seen.check before any use

    def callback(self, *args):
        check_args("callback", args, "is")
        proxy = JavaCallback(args[0], args[1], self._channel)
        seen = self.seen
        if seen is None:
            seen = self.seen = Seen()
        if seen.callbacks:
            seen.callbacks.append(proxy)
        else:
            seen.callbacks = [proxy]
        return proxy

    # The unpickler hands out these bound methods as `sbw.ref` and `sbw.callback`; a bound
    # method's attributes are its function's, so BUILD on them is refused too (sbw.py).
    ref.__setstate__ = callback.__setstate__ = refuse_state
