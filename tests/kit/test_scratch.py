"""A killed worker's scratch directories are swept by the next job on the host; a live
process's never are (kit/scratch.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from phantom.kit.scratch import scratch_dir, sweep_abandoned


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_directories_of_ended_processes_are_removed(tmp_path: Path) -> None:
    job = uuid.uuid4()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        abandoned = tmp_path / f"phantom-train-{job}-{dead_pid()}-abc123"
        (abandoned / "model").mkdir(parents=True)
        (abandoned / "model" / "weights.bin").write_bytes(b"x" * 1000)
        others = [
            tmp_path / f"phantom-train-{job}-{sleeper.pid}-def456",  # another live worker
            tmp_path / f"phantom-train-{job}-{os.getpid()}-ghi789",  # this process
            tmp_path / f"phantom-batch-{job}-{dead_pid()}-jkl012",  # another kind
            tmp_path / "phantom-train-not-a-job",  # not made by scratch_dir
            tmp_path / f"phantom-train-{job}-xyz",  # an older name without a pid
        ]
        for path in others:
            path.mkdir()
        removed = sweep_abandoned("train", tmp_path)
        assert removed == [abandoned]
        assert not abandoned.exists()
        assert all(path.exists() for path in others)
    finally:
        sleeper.kill()
        sleeper.wait()
    # the live worker ended since: its directory goes too
    assert sweep_abandoned("train", tmp_path) == [others[0]]


def test_a_new_directory_names_its_job_and_process() -> None:
    job = uuid.uuid4()
    path = scratch_dir("batch", job)
    try:
        assert path.name.startswith(f"phantom-batch-{job}-{os.getpid()}-")
        assert sweep_abandoned("batch", path.parent) == []  # its owner is alive
        assert path.exists()
    finally:
        path.rmdir()


def test_a_planted_symlink_or_file_is_never_followed_nor_removed(tmp_path: Path) -> None:
    """``/tmp`` is shared: a name that looks abandoned but is a symlink (to a directory
    someone wants deleted) or a plain file is left alone, and the sweep does not fail."""
    job = uuid.uuid4()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data").write_text("keep me")
    link = tmp_path / f"phantom-train-{job}-{dead_pid()}-aaa111"
    link.symlink_to(precious, target_is_directory=True)
    plain = tmp_path / f"phantom-train-{job}-{dead_pid()}-bbb222"
    plain.write_text("not a directory")
    assert sweep_abandoned("train", tmp_path) == []
    assert (precious / "data").read_text() == "keep me"
    assert link.is_symlink()
    assert plain.exists()
