"""A job's scratch directory on the worker's disk, and the sweep that removes the ones a
killed worker left behind.

A worker that ends normally deletes its job's directory; one killed outright (SIGKILL, the
kernel's OOM killer, a host's crash) cannot, and a training job's copy of its data set
and model would stay on the disk for good. The process using a directory holds an
exclusive lock on its ``.owner`` file for as long as it does; the kernel drops the lock
when the process dies, however it dies. The next job on the host removes the directories
whose lock it can take. A lock, not a pid: workers in other PID namespaces (containers
sharing ``/tmp``) see each other's pids as dead, never each other's locks as free. The
fault drill (``bench/fault_drill.py``) found the directories; an attack review, the pid
namespaces.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

log = logging.getLogger(__name__)
OWNER = ".owner"


@asynccontextmanager
async def scratch(kind: str, job_id: uuid.UUID) -> AsyncIterator[Path]:
    """A new directory for one attempt of a job, locked by this process until the end of
    the block, then deleted. Abandoned ones of the same kind are swept first."""
    await asyncio.to_thread(sweep_abandoned, kind)
    path = Path(tempfile.mkdtemp(prefix=f"phantom-{kind}-{job_id}-"))
    # locked before it has its name: a sweeper never sees an unlocked ``.owner``
    pending = path / ".owner-pending"
    lock = os.open(pending, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.rename(pending, path / OWNER)
        yield path
    finally:
        await asyncio.to_thread(shutil.rmtree, path, True)
        os.close(lock)


def _abandoned(path: Path) -> bool:
    """A real directory of this user whose owner's lock is free (its process is gone)."""
    found = path.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        return False
    try:
        lock = os.open(path / OWNER, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:  # not made by ``scratch`` (or not yet): leave it
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # alive
    finally:
        os.close(lock)
    return True


def sweep_abandoned(kind: str, root: Path | None = None) -> list[Path]:
    """Remove the ``kind`` directories whose owner is gone; what was removed. Only real
    directories of this user are touched (``/tmp`` is shared: a planted symlink or another
    user's directory is left alone), and nothing here ever fails a job."""
    removed = []
    for path in Path(root or tempfile.gettempdir()).glob(f"phantom-{kind}-*"):
        try:
            if not _abandoned(path):
                continue
            shutil.rmtree(path)
        except FileNotFoundError:  # another sweeper was quicker
            continue
        except OSError as error:
            log.warning("scratch directory not removed: %s (%s)", path, error)
            continue
        removed.append(path)
    return removed
