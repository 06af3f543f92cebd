"""The Python half of SnakeBridge: a worker process that runs calls for the JVM.

The JVM starts one process per pool slot and speaks the protocol of docs/WIRE-PROTOCOL.md over
the process's stdin and stdout (see `server`). Importing this package has no side effects; only
`server.main()` touches file descriptors and threads.

The exception classes live here so that their qualified names, which cross the wire in ERROR
frames, are short and stable (`snakebridge_worker.Cancelled`), whatever module raises them.
"""

__version__ = "0.1.0"

PROTOCOL_VERSION = 1
"""Highest protocol version this worker speaks."""

MIN_PROTOCOL = 1
"""Lowest protocol version this worker accepts."""


class Cancelled(BaseException):
    """Raised inside a running call when the JVM cancels it.

    A BaseException, like KeyboardInterrupt, so that user code's `except Exception` does not
    swallow the interruption.
    """

    def __str__(self):
        return super().__str__() or "the call was cancelled by the caller"


class ConversionError(TypeError):
    """A result (or part of it) has no mapping to a Java value (WIRE-PROTOCOL §3.4)."""

    def __init__(self, message, python_type):
        super().__init__(message)
        self.python_type = python_type


class ProtocolError(Exception):
    """A frame or value section that breaks WIRE-PROTOCOL; `request_id` is 0 when unknown."""

    def __init__(self, message, request_id=0):
        super().__init__(message)
        self.request_id = request_id


class ResultTooLarge(Exception):
    """A result whose frame would exceed the JVM's `max_frame`."""


class RefError(LookupError):
    """A reference argument that does not resolve in the call's session (WIRE-PROTOCOL §5.2).

    `kind` is the ERROR kind the JVM turns into its own exception; the ids tell it which
    reference and which sessions were involved.
    """

    kind = "ref_not_found"

    def __init__(self, message, ref_id, session_id, call_session_id):
        super().__init__(message)
        self.ref_id = ref_id
        self.session_id = session_id
        self.call_session_id = call_session_id


class RefNotFound(RefError):
    """The reference was released, expired, evicted, or never known to this worker."""

    kind = "ref_not_found"


class SessionMismatch(RefError):
    """The reference belongs to another session than the call's."""

    kind = "session_mismatch"


class HelperNotFound(LookupError):
    """A helper name that names no function of a module under the helper folders (§5.5)."""

    kind = "helper_not_found"


class JavaError(Exception):
    """Raised where Python called a Java callback and the Java function threw (§5.4).

    An Exception, so user code may catch it like any other error. If it escapes, the JVM finds
    `error_id` at this exception's level of the ERROR dict and attaches the original Java
    exception there.
    """

    def __init__(self, java_type, java_message, error_id):
        super().__init__(f"{java_type}: {java_message}")
        self.java_type = java_type
        self.java_message = java_message
        self.error_id = error_id
