"""Java callbacks: Python calling functions the JVM passed in (WIRE-PROTOCOL §5.4).

`sbw.callback(callback_id, name)` decodes to a JavaCallback. Calling it sends a CALLBACK frame
and waits for the JVM's CALLBACK_RESULT or CALLBACK_ERROR. Meanwhile the Java function may call
Python again: those nested CALLs run on a thread that is waiting for a callback, on top of the
call that waits, to any depth.

Who waits how
-------------
* The main thread (a call's own code called the proxy) serves the input itself while it waits
  (Worker.serve_until): it reads frames as in the idle loop, answers PING, applies CANCEL and
  RELEASE, and runs nested CALLs inline. Its call is suspended meanwhile (see control's block
  comment): the control thread neither takes the input nor interrupts main, and a CANCEL for
  the suspended call ends the wait with Cancelled instead.
* Any other thread (a thread pool of the user's, say) waits on the input control's condition.
  Whoever reads the input (the control thread, or main if it is waiting too) hands it the
  answer. A nested CALL that arrives while main is busy is run by such a thread, because main
  may be blocked on exactly that thread (`executor.map(callback, ...)`).

Lifetime: a proxy belongs to the session of the CALL that passed it, or, for a CALL without a
session, to that CALL alone (a CallScope that ends with it). It can only be called while a CALL
runs (else no JVM thread would read the CALLBACK), never from the control thread (which must
stay free to read the answer), never while its thread is encoding a value (the encoder is
in use) or is itself waiting for an answer outside a nested call, never from a child process,
and, from threads other than main, not after SHUTDOWN (the control thread stops reading then).
Each of these raises RuntimeError saying why.
"""

import itertools
import os
import threading

from snakebridge_worker import Cancelled, JavaError, ProtocolError, codec, frames
from snakebridge_worker.sessions import Session

CALLBACK_ID_BIT = 1 << 63
"""Set in every CALLBACK frame id, so worker-chosen ids never collide with the JVM's."""

_frame_ids = itertools.count(1)


class CallScope:
    """Owns the proxies passed by a CALL without a session: they work until that CALL ends."""

    __slots__ = ("alive",)

    def __init__(self):
        self.alive = True


class JavaCallback:
    """A Java function as a Python callable. `__name__` is the name the JVM gave it, so code
    that labels things by function name (pandas' `agg`, say) shows something meaningful."""

    def __init__(self, callback_id, name, channel):
        self.callback_id = callback_id
        self.__name__ = self.__qualname__ = name
        self.owner = None  # set once the value that carried it is decoded (refs.Seen.bind)
        self._channel = channel

    def __call__(self, *args, **kwargs):
        return self._channel.invoke(self, list(args), kwargs)

    def __repr__(self):
        return f"<Java callback {self.__name__!r} #{self.callback_id}>"

    def check_valid(self):
        owner = self.owner
        if owner is not None and owner.alive:
            return
        if isinstance(owner, Session):
            why = f"its session {owner.session_id!r} was released"
        else:
            why = "the call that passed it has ended (pass it within a session to keep it longer)"
        raise RuntimeError(
            f"the Java callback {self.__name__!r} (id {self.callback_id}) can no "
            f"longer be called: {why}"
        )


class Waiter:
    """One CALLBACK awaiting its answer. `outcome` is (frame kind, body) once it has come."""

    __slots__ = ("call_id", "cancelled", "counted", "frame_id", "outcome", "suspended", "thread")

    def __init__(self, frame_id, call_id, thread):
        self.frame_id = frame_id
        self.call_id = call_id
        self.thread = thread
        self.outcome = None
        self.cancelled = False
        self.suspended = False  # its thread runs call_id, which is suspended while it waits
        self.counted = False  # counted among the waiting threads other than main

    @property
    def done(self):
        return self.outcome is not None or self.cancelled


class Channel:
    """Sends CALLBACK frames and waits for their answers; one per worker."""

    def __init__(self, worker):
        self._worker = worker
        self._pid = os.getpid()

    def invoke(self, proxy, args, kwargs):
        proxy.check_valid()
        if os.getpid() != self._pid:
            raise RuntimeError(
                f"the Java callback {proxy.__name__!r} cannot be called from a "
                "child process: only the worker itself talks to the JVM"
            )
        worker = self._worker
        control = worker.input
        thread = threading.get_ident()
        call_id = control.callback_call_id(thread)
        codecs = worker.codecs(thread)
        if codec.encoding_in_progress():
            raise RuntimeError(
                f"the Java callback {proxy.__name__!r} cannot be called while "
                "the worker encodes a value (from a __reduce__, utcoffset() or "
                "finalizer run by the encoder)"
            )
        owner = proxy.owner
        session = owner if isinstance(owner, Session) else None
        batch = None if session is None else session.batch()
        frame_id = CALLBACK_ID_BIT | next(_frame_ids)
        frame = worker.value_frame(
            frames.CALLBACK,
            frame_id,
            (proxy.callback_id, args, kwargs, call_id),
            codecs.encoder,
            batch,
        )
        waiter = Waiter(frame_id, call_id, thread)
        try:
            # Registered before the frame goes out, so an answer that comes at once is kept.
            control.begin_wait(waiter)
            if not waiter.cancelled:
                if batch is not None:
                    batch.commit()
                worker.send(frame)
                worker.wait_for(waiter)
        finally:
            control.end_wait(waiter)
        if waiter.cancelled:
            raise Cancelled
        return _answer(waiter, owner, codecs)


def _answer(waiter, owner, codecs):
    """The value of a CALLBACK_RESULT, or the JavaError of a CALLBACK_ERROR. References in it
    must belong to the proxy's session; callbacks in it get the proxy's owner."""
    kind, body = waiter.outcome
    value = codecs.decoder.decode(*frames.split_value_section(body))
    if kind == frames.CALLBACK_ERROR:
        if (
            type(value) is dict
            and len(value) == 3
            and type(value.get("type")) is str
            and type(value.get("message")) is str
            and type(value.get("error_id")) is int
        ):
            raise JavaError(value["type"], value["message"], value["error_id"])
        raise ProtocolError(
            "a CALLBACK_ERROR value must be {'type': str, 'message': str, "
            f"'error_id': int}}, got {value!r:.200}",
            waiter.frame_id,
        )
    seen = codecs.resolver.seen
    if seen is not None:
        seen.check(owner if isinstance(owner, Session) else None)
        seen.bind(owner)
    return value
