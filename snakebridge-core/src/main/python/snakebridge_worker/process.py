"""The worker process's own life (WIRE-PROTOCOL §1, docs/LIFECYCLE.md, "The worker process").

* Its own process group: `isolate()` makes the worker a process group leader (setpgid), so a
  terminal's signals (Ctrl-C, Ctrl-Z), which go to the terminal's foreground group, reach only
  the JVM, and every process that user code starts belongs to the worker's group unless it
  leaves it on purpose. Not a session of its own (setsid): Linux puts each session in its own
  scheduler autogroup, and a worker in another autogroup than the JVM's answered calls markedly
  slower on a busy machine (measured: 28 -> 44 us per round trip, 2 CPUs).
* Nothing outlives it: every way out (`exit_now`, SIGTERM) first kills the other processes of
  that group, so a `subprocess.Popen('sleep 1000')` left behind by user code dies with it.
* It follows its parent: on Linux the parent-death signal (prctl PR_SET_PDEATHSIG) wakes the
  main thread when the JVM dies; a thread that polls `os.getppid()` is the fallback (other
  systems, or a main thread that cannot run Python code), and so is the end of the protocol
  input, which the server treats as an order to leave.
* A watchdog for when it cannot follow (Linux): all of the above need the worker to run Python
  code, which a worker stopped by SIGSTOP, or stuck in a C call that holds the GIL
  (`sum(range(10**12))`, a huge regex match), does not. So the worker also starts a tiny
  watchdog process (`_WATCHDOG`, a stdlib-only `python -S`) that waits, in the kernel, for
  either the JVM or the worker to exit (pidfds; a 0.5 s poll where there are none). If the
  JVM goes first, the watchdog SIGKILLs the worker's whole process group, itself included:
  SIGKILL needs nothing from its target, stopped or stuck. If the worker goes first, the
  watchdog just exits. It is started through a double fork, so it is no child of the worker
  (user code that waits for "any child" never meets it), it stays in the worker's group (so
  every way out of the worker takes it along, and the JVM finds it as it finds the worker's
  other processes), and it holds none of the worker's pipes (its stdio is /dev/null), so the
  JVM's end of file on the worker's stderr comes when the worker's does.

The wake-up signal
------------------
SIGINT is the worker's wake-up call for its main thread. Outside the terminal's foreground
group no terminal sends it, so only the worker itself does: the control thread, to interrupt a
call main runs (CANCEL, see control.py), and the kernel, as the parent-death signal. The
handler carries no meaning of its own: it looks at the state and acts on what it finds. The
parent changed: leave. A cancel is pending for the call main runs: raise Cancelled (the
`on_wake` hook, set by control.py). Else nothing, so a late or spurious signal is harmless.
Spurious ones do come: Linux sends the parent-death signal when the *thread* that started the
worker ends, and the JVM starts workers from pool threads that end after a few idle seconds. A
signal rather than only PyThreadState_SetAsyncExc because a signal also ends a blocking system
call (time.sleep, os.read, Event.wait, select, socket.recv) with EINTR, after which Python runs
the handler and the exception it raises replaces the call's result.

In a process forked from the worker (multiprocessing's fork start method) the handlers act as
Python's defaults would: SIGINT raises KeyboardInterrupt, SIGTERM terminates.

Forked children
---------------
A child forked by user code (`os.fork()`, multiprocessing's fork start method) starts as a
copy of the worker, protocol pipes and serve loop included. Were it to return into that loop
it would answer the call a second time and read frames meant for the worker, which breaks
the protocol for everyone. So the child loses the protocol at once: `forget_protocol_at_fork`
points both protocol descriptors at /dev/null in the child (a stray write goes nowhere, a
read sees the end of input) and sets `forked`; a child whose call returns, or raises, into
the worker's loop leaves through `leave_forked_child` before anything else happens
(server.Worker._execute). The parent's calls never notice.
"""

import os
import signal
import sys
import threading
import time

PARENT_POLL_SECONDS = 0.5
WAKE_SIGNAL = signal.SIGINT
_PR_SET_PDEATHSIG = 1

_pid = os.getpid()
_parent = None  # the parent's pid when the worker started; None until follow_parent()
on_wake = None  # set by control.py: raises Cancelled if a cancel is pending for main's call
_exiting = False
forked = False  # True in a process forked from the worker: it must never serve the protocol


def isolate():
    """Makes the worker a process group leader, and installs the SIGINT and SIGTERM handlers;
    call first thing on the main thread, before anything of the user's runs."""
    global _pid
    _pid = os.getpid()
    try:
        os.setpgid(0, 0)
    except (AttributeError, OSError):
        pass  # a session leader already (started so on purpose), or not POSIX
    signal.signal(WAKE_SIGNAL, _on_wake)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _on_terminate)


def follow_parent(parent):
    """Exits when the parent process is no longer `parent` (its pid taken at start-up): a
    SIGKILLed JVM must leave no worker behind, even one whose input pipe is still held open by
    some other process. The parent-death signal reacts at once; the poll is the fallback."""
    global _parent
    _parent = parent
    if sys.platform.startswith("linux"):
        _set_parent_death_signal()
        _start_watchdog(parent)
    if os.getppid() != parent:  # it died before the signal was armed
        exit_now(0)

    def poll():
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                exit_now(0)

    threading.Thread(target=poll, name="snakebridge-parent-watch", daemon=True).start()


# The watchdog's program: `python -S -c _WATCHDOG <jvm pid> <worker pid>` (see the module doc).
# It drops the working directory from sys.path before importing anything not yet loaded.
_WATCHDOG = """# snakebridge watchdog: kills its worker's process group once the JVM is gone
import sys
del sys.path[:sys.path[:1] == ['']]
import os, select, signal, time
jvm, worker, leader = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == 'group'
# When the JVM dies, the worker's group may become an orphaned group with a stopped member
# (a SIGSTOPped worker); the kernel then sends it SIGHUP, which must not end the watchdog.
signal.signal(signal.SIGHUP, signal.SIG_IGN)

def leave(jvm_gone):
    if jvm_gone:
        try:
            if leader:
                os.killpg(worker, signal.SIGKILL)  # the watchdog too: it is in that group
            else:
                os.kill(worker, signal.SIGKILL)
        except OSError:
            pass  # the group is empty already
    os._exit(0)

def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except OSError:
        return True

try:
    watched = {}
    for pid in (jvm, worker):
        try:
            watched[pid] = os.pidfd_open(pid)
        except ProcessLookupError:
            leave(pid == jvm or not alive(jvm))
    poller = select.poll()
    for fd in watched.values():
        poller.register(fd, select.POLLIN)
    poller.poll()
    # The JVM first: once it is gone nobody else cleans up, whatever the worker did. A
    # worker that went first, with the JVM alive, is the JVM's to clean up after.
    jvm_gone = bool(select.select([watched[jvm]], [], [], 0)[0])
    leave(jvm_gone)
except (AttributeError, OSError):
    while True:  # no pidfds (Linux before 5.3): poll
        if not alive(jvm):
            leave(True)
        if not alive(worker):
            leave(not alive(jvm))
        time.sleep(0.5)
"""


def _start_watchdog(parent):
    """Starts the watchdog (see the module doc) through a double fork, on the main thread
    before any other thread exists, so forking is safe."""
    executable = sys.executable
    if not executable:
        return
    worker = os.getpid()
    leader = os.getpgrp() == worker  # isolate() made it its group's leader, as a rule
    try:
        child = os.fork()
    except OSError:
        return  # no watchdog: the other ways of following the parent still work
    if child == 0:
        try:
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.execv(
                    executable,
                    [
                        executable,
                        "-S",
                        "-c",
                        _WATCHDOG,
                        str(parent),
                        str(worker),
                        "group" if leader else "alone",
                    ],
                )
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def _set_parent_death_signal():
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(WAKE_SIGNAL), 0, 0, 0)
    except Exception:
        pass  # no prctl here (a libc without it, a sandbox): the poll still works


def forget_protocol_at_fork(*fds):
    """In every child forked from now on, replaces `fds` (the protocol pipes) with /dev/null
    and sets `forked` (see "Forked children" above)."""
    os.register_at_fork(after_in_child=lambda: _forget_protocol(fds))


def _forget_protocol(fds):
    global forked
    forked = True
    null = os.open(os.devnull, os.O_RDWR)
    for fd in fds:
        os.dup2(null, fd, inheritable=False)
    os.close(null)


def leave_forked_child(exc=None):
    """Ends a forked child that came back into the worker's loop: with its SystemExit's code,
    1 after another exception (printed on stderr, as Python would), else 0."""
    status = 0
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is not None and type(code) is not int:
            sys.stderr.write(f"{code}\n")
        status = code if type(code) is int else (0 if code is None else 1)
    elif exc is not None:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)
        status = 1
    _flush()
    os._exit(status & 0xFF)


def signal_is_ours():
    """Whether the wake-up signal still runs our handler (user code may have replaced it)."""
    try:
        return signal.getsignal(WAKE_SIGNAL) is _on_wake
    except Exception:
        return False


def _on_wake(signum, frame):
    if os.getpid() != _pid:
        raise KeyboardInterrupt  # a forked child: SIGINT means what it usually means
    if _parent is not None and os.getppid() != _parent:
        exit_now(0)
    hook = on_wake
    if hook is not None:
        hook()


def _on_terminate(signum, frame):
    """SIGTERM: the other processes of the worker's group die first, then the worker, of
    SIGTERM as before, so the JVM still sees "killed by signal 15"."""
    if os.getpid() == _pid and not _exiting:
        _flush()
        kill_group()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
    os._exit(128 + signal.SIGTERM)  # not reached: the signal is delivered first


def exit_now(status):
    """Leaves at once. Interpreter shutdown would wait for non-daemon threads that user code
    may have left running, and a worker whose JVM is gone must not linger. The processes user
    code started die first (kill_group)."""
    global _exiting
    _exiting = True
    _flush()
    if os.getpid() == _pid:
        kill_group()
    os._exit(status)


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def kill_group():
    """Kills every other process of the worker's process group (or session, if it leads one):
    the processes user code started, their children, and daemons that only left their parent.
    Processes that made a group or session of their own (setpgid, setsid,
    start_new_session=True, process_group=0) asked to be left alone and are.

    Linux: each one gets SIGKILL, found through /proc. Elsewhere: SIGTERM to the process group,
    which the worker itself survives (its SIGTERM handler is set and `_exiting` makes it idle).
    Never kills anything when the worker leads no session or group of its own.
    """
    pid = os.getpid()
    try:
        if sys.platform.startswith("linux"):
            for other in _group_members(pid):
                try:
                    os.kill(other, signal.SIGKILL)
                except OSError:
                    pass  # gone meanwhile
        elif os.getpgrp() == pid and signal.getsignal(signal.SIGTERM) is _on_terminate:
            os.killpg(pid, signal.SIGTERM)
    except Exception:
        pass  # leaving matters more than tidying up


def _group_members(pid):
    """Pids of the live processes, other than `pid`, whose session or process group is `pid`
    (/proc/N/stat: "N (comm) state ppid pgrp session ...")."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == pid:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if fields[0] != b"Z" and (int(fields[2]) == pid or int(fields[3]) == pid):
            members.append(int(name))
    return members
