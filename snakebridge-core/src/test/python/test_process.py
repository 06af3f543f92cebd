"""The worker as a process: its own process group, its parent-death signal, no orphans."""

import math
import os
import signal
import sys
import threading
import time
import unittest

import support
from snakebridge_worker import frames

LINUX = sys.platform.startswith("linux")

# Runs a worker as its child over the test's own pipes, then waits: killing this process is
# the worker's parent dying while its input stays open (the test holds the write end).
INTERMEDIATE = (
    "import subprocess, sys\n"
    "subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2]]).wait()\n"
)


def state(pid):
    """A process's state letter from /proc, or None once it is gone (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return None


def alive(pid):
    """Whether a process runs; a zombie (dead, not yet reaped by init) does not."""
    if LINUX:
        return state(pid) not in (None, "Z")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def assert_all_gone(pids):
    """Waits until none of `pids` is alive; they go at once, the ceiling only bounds a failure."""
    try:
        support.wait_until(lambda: not any(alive(pid) for pid in pids), f"{pids} to end")
    except AssertionError as e:
        raise AssertionError(f"{e}: {[(pid, state(pid)) for pid in pids]}") from None


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.worker = support.WorkerProcess(paths=[support.HERE])
        self.addCleanup(self.worker.release)

    def test_the_worker_leads_its_own_process_group_in_the_jvms_session(self):
        # Its own group, so a terminal's Ctrl-C (sent to the foreground group) misses it; the
        # JVM's session, so it shares the JVM's scheduler autogroup (see process.py).
        pid = self.worker.process.pid
        self.assertEqual(
            self.worker.call("sample_process_code", "ids"), ("result", (pid, pid, os.getsid(0)))
        )

    def test_sigint_runs_the_workers_handler(self):
        self.assertEqual(
            self.worker.call("sample_process_code", "sigint_handler_name"), ("result", "_on_wake")
        )

    @unittest.skipUnless(LINUX, "prctl is Linux only")
    def test_the_parent_death_signal_is_sigint(self):
        self.assertEqual(
            self.worker.call("sample_process_code", "parent_death_signal"),
            ("result", int(signal.SIGINT)),
        )


@unittest.skipUnless(LINUX, "reads /proc to tell a zombie from a live process")
class NoOrphansTest(unittest.TestCase):
    """Every way the worker leaves kills the processes its user code started."""

    def start(self, **kwargs):
        worker = support.WorkerProcess(paths=[support.HERE], **kwargs)
        self.addCleanup(worker.release)
        return worker

    def children(self, worker):
        """A direct child and an orphan that only stayed in the worker's process group."""
        pids = [
            worker.call("sample_process_code", "start_sleeper")[1],
            worker.call("sample_process_code", "start_orphan_sleeper")[1],
        ]
        for pid in pids:
            self.addCleanup(_kill_quietly, pid)
            self.assertTrue(alive(pid))
        return pids

    def test_shutdown(self):
        worker = self.start()
        pids = self.children(worker)
        worker.send(frames.SHUTDOWN, 0)
        self.assertEqual(worker.wait(), 0)
        assert_all_gone(pids)

    def test_end_of_input(self):
        worker = self.start()
        pids = self.children(worker)
        self.assertEqual(worker.close(), 0)
        assert_all_gone(pids)

    def test_end_of_input_during_a_call(self):
        worker = self.start()
        pids = self.children(worker)
        worker.start_running("sample_process_code", "sleep", 600)
        self.assertEqual(worker.close(), 0)
        assert_all_gone(pids)

    def test_protocol_error(self):
        worker = self.start()
        pids = self.children(worker)
        worker.send_raw(frames.HEADER.pack(12, 99, 0, 0, 5))
        self.assertEqual(worker.wait(), 3)
        assert_all_gone(pids)

    def test_sigterm(self):
        worker = self.start()
        pids = self.children(worker)
        worker.process.terminate()
        self.assertEqual(worker.wait(), -signal.SIGTERM)  # still "killed by SIGTERM"
        assert_all_gone(pids)

    def test_sigterm_during_a_blocking_call(self):
        worker = self.start()
        pids = self.children(worker)
        worker.start_running("sample_process_code", "sleep", 600)
        worker.process.terminate()
        self.assertEqual(worker.wait(), -signal.SIGTERM)
        assert_all_gone(pids)

    def test_parent_death_with_the_input_still_open(self):
        # The worker's parent is INTERMEDIATE; the test keeps the worker's pipes open, so only
        # the parent-death signal (or the getppid poll) can tell the worker.
        worker = self.start(args=["-c", INTERMEDIATE, support.ENTRY_POINT, support.PACKAGE_ROOT])
        worker_pid = worker.call("os", "getpid")[1]
        self.addCleanup(_kill_quietly, worker_pid)
        pids = self.children(worker)
        worker.send(frames.PING, 1)
        self.assertEqual(worker.read_frame(), (frames.PONG, 1, b""))
        worker.kill()  # SIGKILL to the intermediate parent
        assert_all_gone([worker_pid, *pids])

    def test_parent_death_during_a_blocking_call(self):
        worker = self.start(args=["-c", INTERMEDIATE, support.ENTRY_POINT, support.PACKAGE_ROOT])
        worker_pid = worker.call("os", "getpid")[1]
        self.addCleanup(_kill_quietly, worker_pid)
        pids = self.children(worker)
        worker.start_running("sample_process_code", "sleep", 600)
        worker.kill()
        assert_all_gone([worker_pid, *pids])

    def stuck_worker_loses_its_parent(self, stick):
        """The worker's parent dies while `stick(worker, worker_pid)` keeps the worker from
        running any Python code: only the watchdog can act (process.py)."""
        worker = self.start(args=["-c", INTERMEDIATE, support.ENTRY_POINT, support.PACKAGE_ROOT])
        worker_pid = worker.call("os", "getpid")[1]
        self.addCleanup(_kill_quietly, worker_pid)
        pids = self.children(worker)
        stick(worker, worker_pid)
        worker.kill()  # SIGKILL to the intermediate parent, the JVM's stand-in
        assert_all_gone([worker_pid, *pids])

    def test_parent_death_while_the_worker_holds_the_gil_in_c(self):
        def hold_the_gil(worker, worker_pid):
            worker.start_call("sample_process_code", "hold_the_gil")
            worker.stderr_text(wait_for="holding the GIL")

        self.stuck_worker_loses_its_parent(hold_the_gil)

    def test_parent_death_while_the_worker_is_stopped(self):
        self.stuck_worker_loses_its_parent(
            lambda worker, worker_pid: os.kill(worker_pid, signal.SIGSTOP)
        )

    def test_a_worker_outlives_the_thread_that_started_it(self):
        # Linux sends the parent-death signal when the *thread* that forked the worker ends;
        # the JVM starts workers from pool threads that end after a few idle seconds.
        started = []
        starter = threading.Thread(target=lambda: started.append(self.start()))
        starter.start()
        starter.join()
        worker = started[0]
        time.sleep(0.3)
        self.assertEqual(worker.call("math", "sqrt", 16), ("result", 4.0))
        self.assertIsNone(worker.process.poll())


@unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
class ForkTest(unittest.TestCase):
    """A child forked by user code never talks to the JVM, however it comes back into the
    worker's loop, and the worker's own calls go on as before."""

    def fork(self, delay=0.0, outcome="return", **hello):
        worker = support.WorkerProcess(paths=[support.HERE], **hello)
        self.addCleanup(worker.release)
        kind, child = worker.call("sample_process_code", "fork", delay, outcome)
        self.assertEqual(kind, "result", child)
        self.addCleanup(_kill_quietly, child)
        # Calls while the delayed child is still away, then after it came back and ended:
        # each reply must be the next frame, so a stray one from the child fails the test.
        self.assertEqual(worker.call("math", "sqrt", 16), ("result", 4.0))
        status = worker.call("sample_process_code", "reap", child)
        for number in range(20):
            self.assertEqual(
                worker.call("math", "factorial", number), ("result", math.factorial(number))
            )
        worker.send(frames.PING, 99)
        self.assertEqual(worker.read_frame(), (frames.PONG, 99, b""))
        self.assertIsNone(worker.process.poll())
        return worker, status

    def test_a_child_that_returns_at_once(self):
        worker, status = self.fork()
        self.assertEqual(status, ("result", 0))
        self.assertEqual(worker.close(), 0)

    def test_a_child_that_returns_later(self):
        worker, status = self.fork(delay=1.0)
        self.assertEqual(status, ("result", 0))
        self.assertEqual(worker.close(), 0)

    def test_a_child_that_raises_exits_1_with_its_traceback(self):
        worker, status = self.fork(outcome="raise")
        self.assertEqual(status, ("result", 1))
        self.assertIn(
            "ValueError: raised in the forked child",
            worker.stderr_text(wait_for="raised in the forked child"),
        )

    def test_a_child_that_calls_sys_exit_exits_with_its_code(self):
        self.assertEqual(self.fork(delay=0.5, outcome="exit")[1], ("result", 7))

    def test_a_child_forked_on_a_call_thread(self):
        self.assertEqual(self.fork(delay=0.5, threads=2)[1], ("result", 0))


def _kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


if __name__ == "__main__":
    unittest.main()
