"""A killed worker's scratch directories are swept by the next job on the host; a live
process's never are, whichever PID namespace it runs in (kit/scratch.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from phantom.kit.scratch import OWNER, scratch, sweep_abandoned

HOLD = """
import asyncio, sys, time, uuid
from phantom.kit.scratch import scratch

async def main():
    async with scratch("train", uuid.uuid4()) as path:
        (path / "data.parquet").write_bytes(b"tenant data")
        print(path, flush=True)
        time.sleep(120)

asyncio.run(main())
"""


@contextmanager
def worker_holding(root: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another worker process, with a fit's directory under ``root``, until killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        env={**os.environ, "TMPDIR": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process, Path(process.stdout.readline().strip())
    finally:
        process.kill()
        process.communicate()  # reaps it and closes its pipe


def test_a_killed_worker_s_directory_is_swept_and_a_live_one_never(tmp_path: Path) -> None:
    with worker_holding(tmp_path) as (alive, kept), worker_holding(tmp_path) as (doomed, lost):
        assert sweep_abandoned("train", tmp_path) == []  # both alive
        doomed.send_signal(signal.SIGKILL)  # a host's OOM killer
        doomed.wait()
        assert sweep_abandoned("train", tmp_path) == [lost]
        assert not lost.exists()
        assert (kept / "data.parquet").read_bytes() == b"tenant data"
        assert alive.poll() is None
    # the live one was killed at the end of the block: its directory goes too
    assert sweep_abandoned("train", tmp_path) == [kept]


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0,
    reason="needs unshare and root for a PID namespace",
)
async def test_a_live_worker_in_another_pid_namespace_keeps_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers whose ``/tmp`` is shared but whose PID namespaces differ (two
    containers, a pod's shared emptyDir) see none of each other's pids; a pid test took
    the other's live fit directory for abandoned (attack review of issue 16)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    sweep = (
        "from pathlib import Path; from phantom.kit.scratch import sweep_abandoned;"
        f" print(sweep_abandoned('train', Path({str(tmp_path)!r})))"
    )
    async with scratch("train", uuid.uuid4()) as live:
        (live / "data.parquet").write_bytes(b"tenant data")
        swept = subprocess.run(
            ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", sweep],
            check=True,
            capture_output=True,
            text=True,
        )
        assert swept.stdout.strip() == "[]"
        assert (live / "data.parquet").exists(), "another namespace swept a live directory"
    assert not live.exists()  # deleted at the end of its block


def test_a_planted_symlink_a_file_or_a_foreign_directory_is_left_alone(
    tmp_path: Path,
) -> None:
    """``/tmp`` is shared: a name that looks abandoned but is a symlink (to a directory
    someone wants deleted), a plain file, or a directory without a lock file is left
    alone, and the sweep does not fail."""
    job = uuid.uuid4()
    precious = tmp_path / "precious"
    (precious / OWNER).parent.mkdir()
    (precious / OWNER).write_text("")  # unlocked: it would be taken for abandoned
    (precious / "data").write_text("keep me")
    link = tmp_path / f"phantom-train-{job}-aaa111"
    link.symlink_to(precious, target_is_directory=True)
    plain = tmp_path / f"phantom-train-{job}-bbb222"
    plain.write_text("not a directory")
    unlocked = tmp_path / f"phantom-train-{job}-ccc333"
    unlocked.mkdir()  # an older worker's name, or another program's: no lock file
    assert sweep_abandoned("train", tmp_path) == []
    assert (precious / "data").read_text() == "keep me"
    assert link.is_symlink()
    assert plain.exists()
    assert unlocked.exists()
