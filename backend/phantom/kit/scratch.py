"""A job's scratch directory on the worker's disk, and the sweep that removes the ones a
killed worker left behind.

A worker that ends normally deletes its job's directory; one killed outright (SIGKILL, the
kernel's OOM killer, a host's crash) cannot, and a training job's copy of its data set
and model would stay on the disk for good. Each directory's name carries the process that
made it (``phantom-<kind>-<job id>-<pid>-<random>``), so the next job on the host removes
those whose process is gone. The fault drill (``bench/fault_drill.py``) found them.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


def scratch_dir(kind: str, job_id: uuid.UUID) -> Path:
    """A new directory for one attempt of a job, owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"phantom-{kind}-{job_id}-{os.getpid()}-"))


def _owner(path: Path, kind: str) -> int | None:
    """The pid in the directory's name; None for a name not made by ``scratch_dir``."""
    rest = path.name.removeprefix(f"phantom-{kind}-")
    try:
        uuid.UUID(rest[:36])
        return int(rest[37:].split("-", 1)[0])
    except ValueError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_abandoned(kind: str, root: Path | None = None) -> list[Path]:
    """Remove the ``kind`` directories whose process is gone; what was removed. A pid
    reused by another process keeps its directory until that process ends too. Only real
    directories of this user are touched (``/tmp`` is shared: a planted symlink or
    another user's directory is left alone), and nothing here ever fails a job."""
    removed = []
    for path in Path(root or tempfile.gettempdir()).glob(f"phantom-{kind}-*"):
        owner = _owner(path, kind)
        if owner is None or owner == os.getpid() or _alive(owner):
            continue
        try:
            found = path.lstat()
            if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
                continue
            shutil.rmtree(path)
        except FileNotFoundError:  # another sweeper was quicker
            continue
        except OSError as error:
            log.warning("scratch directory not removed: %s (%s)", path, error)
            continue
        removed.append(path)
    return removed
