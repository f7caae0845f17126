"""``phantom worker``'s supervisor (both queues on one host) forwards SIGTERM and waits
with a bound: a process tree that ignores the stop is killed whole once the bound has
passed, and a clean stop exits 0. Real processes: the supervisor runs in its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

# ignores SIGTERM, and so does the grandchild it starts (a stuck job with a helper)
STUBBORN = """
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(sys.argv[1], "w").write(f"{os.getpid()} {helper.pid}")
time.sleep(120)
"""
OBEDIENT = """
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stops cleanly, as Dramatiq does
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(120)
"""


def supervisor(commands: list[list[str]], bound: float) -> subprocess.Popen[bytes]:
    script = textwrap.dedent(
        f"""
        import sys
        from phantom.cli import supervise_workers
        sys.exit(supervise_workers([(c, {{}}) for c in {commands!r}], {bound}))
        """
    )
    return subprocess.Popen([sys.executable, "-c", script])


def pids_in(path: Path, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    return [int(p) for p in path.read_text().split()]


def gone(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def test_a_tree_that_ignores_sigterm_is_killed_once_the_bound_has_passed(tmp_path: Path) -> None:
    stubborn, obedient = tmp_path / "stubborn", tmp_path / "obedient"
    process = supervisor(
        [
            [sys.executable, "-c", STUBBORN, str(stubborn)],
            [sys.executable, "-c", OBEDIENT, str(obedient)],
        ],
        bound=2,
    )
    pids = pids_in(stubborn) + pids_in(obedient)
    stopped_at = time.monotonic()
    os.kill(process.pid, signal.SIGTERM)
    process.wait(15)
    took = time.monotonic() - stopped_at
    assert 2 <= took < 5, took
    assert all(gone(pid) for pid in pids), "a process outlived the supervisor's bound"
    assert process.returncode == signal.SIGKILL  # the stubborn child was killed


def test_a_clean_stop_exits_0(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    process = supervisor(
        [
            [sys.executable, "-c", OBEDIENT, str(first)],
            [sys.executable, "-c", OBEDIENT, str(second)],
        ],
        bound=30,
    )
    pids = pids_in(first) + pids_in(second)
    stopped_at = time.monotonic()
    os.kill(process.pid, signal.SIGTERM)
    process.wait(15)
    assert time.monotonic() - stopped_at < 2
    assert all(gone(pid) for pid in pids)
    assert process.returncode == 0
