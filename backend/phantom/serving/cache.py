"""Loaded models per serving process: fetched from the store at every load, checked
against the hash recorded at registration (an artefact changed in the store is refused,
never unpickled), unpacked into a directory of this load's own, kept warm (LRU).

A model is a pickle: unpacked files are never reused across loads (whoever could change
them on this host would run code at the next load), and a model's directory is deleted
when it leaves the cache. Directories left by processes that died are swept at the next
load."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import shutil
import tarfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from phantom.automl.engines import get_engine
from phantom.automl.engines.base import LoadedModel, Predictions
from phantom.config import settings
from phantom.explain.service import ModelExtras
from phantom.kit.errors import PhantomError
from phantom.kit.imports import IMPORTS
from phantom.kit.storage import get_store
from phantom.registry.service import ServableVersion
from phantom.serving.batching import MicroBatcher
from phantom.serving.fastpath import stacked, verified_matrix_scorer
from phantom.serving.rows import frame

log = logging.getLogger(__name__)


class ArtifactError(PhantomError):
    """The stored model cannot be used (missing or changed): an operator's problem."""


@dataclass
class Served:
    model: LoadedModel
    lock: threading.Lock  # one prediction at a time per model (engines are not thread-safe)
    directory: Path  # this load's unpacked copy, deleted with it
    extras: ModelExtras  # the inputs' profile (warnings) and the background (explanations)
    batcher: MicroBatcher = field(init=False)

    def score(self, frame: pd.DataFrame) -> Predictions:
        with self.lock:
            return self.model.predict(frame)


def models_root() -> Path:
    return settings.VAR_DIR / "models"


def _owner_alive(directory: Path) -> bool:
    """Directories are named ``<version id>.<pid>.<random>``; any other name is stale."""
    parts = directory.name.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def sweep_stale() -> None:
    """Delete unpacked models of processes that are gone (killed, crashed, old versions)."""
    root = models_root()
    if not root.is_dir():
        return
    for directory in root.iterdir():
        if not _owner_alive(directory):
            shutil.rmtree(directory, ignore_errors=True)


def _download_verified(key: str, expected_hash: str, archive: Path) -> None:
    digest = hashlib.sha256()
    try:
        with get_store().open(key) as source, archive.open("wb") as sink:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                digest.update(chunk)
                sink.write(chunk)
    except FileNotFoundError:
        raise ArtifactError("The model's artefact is missing from the store.") from None
    if f"sha256:{digest.hexdigest()}" != expected_hash:
        raise ArtifactError("The model's artefact does not match its recorded hash.")


def _fetch(
    version_id: uuid.UUID, key: str, expected_hash: str, engine: str, num_cpus: int = 1
) -> tuple[LoadedModel, Path]:
    """Download, verify, unpack into a fresh directory, load. Nothing is unpickled unless
    the packed bytes match the registry's hash."""
    sweep_stale()
    directory = models_root() / f"{version_id}.{os.getpid()}.{uuid.uuid4().hex[:12]}"
    directory.mkdir(mode=0o700, parents=True)
    try:
        archive = directory / "model.tgz"
        _download_verified(key, expected_hash, archive)
        with tarfile.open(archive) as bundle:
            bundle.extractall(directory, filter="data")  # no absolute paths, links out, devices
        archive.unlink()
        with IMPORTS:  # unpickling imports modules: never beside another import
            return get_engine(engine).load(directory / "model", num_cpus=num_cpus), directory
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def load_verified(version: ServableVersion, num_cpus: int = 1) -> tuple[LoadedModel, Path]:
    """A load of one's own, outside the cache (batch scoring holds a model for a whole
    job): verified and unpacked exactly as serving's; ``unload`` it after."""
    return _fetch(
        version.id, version.artifact_path, version.artifact_hash, version.engine, num_cpus
    )


def unload(model: LoadedModel, directory: Path) -> None:
    try:
        model.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _retire(served: Served) -> None:
    """Close an evicted model once no prediction uses it, then delete its files."""
    with served.lock:
        try:
            served.model.close()
        finally:
            shutil.rmtree(served.directory, ignore_errors=True)


def settle_heap(evicted: bool) -> None:
    """Keeps a loaded model out of the collector's full passes, as start-up's modules are
    (``app.py``): a model is a graph of hundreds of thousands of objects, and left
    collectable, every full pass walked it (55-160 ms each, every few seconds under load:
    serving's p99, docs/benchmarks.md). Frozen objects are still freed by reference
    counting, but cycles among them would stay: so when a model was evicted, everything
    is thawed and collected once (a pause, at a rare event) before freezing again."""
    if evicted:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


class ModelCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.loaded: OrderedDict[uuid.UUID, Served] = OrderedDict()
        self.loading: dict[uuid.UUID, asyncio.Lock] = {}

    async def get(self, version: ServableVersion) -> Served:
        served = self.loaded.get(version.id)
        if served is not None:
            self.loaded.move_to_end(version.id)
            return served
        lock = self.loading.setdefault(version.id, asyncio.Lock())
        async with lock:  # one load per version, however many requests wait for it
            served = self.loaded.get(version.id)
            if served is None:
                model, directory = await asyncio.to_thread(
                    _fetch,
                    version.id,
                    version.artifact_path,
                    version.artifact_hash,
                    version.engine,
                )
                extras = await asyncio.to_thread(ModelExtras.load, directory / "model")
                served = Served(model, threading.Lock(), directory, extras)
                features = version.features
                scorer = await asyncio.to_thread(
                    lambda: verified_matrix_scorer(model, features, extras.background())
                )
                if scorer is not None:
                    log.info("version %s is scored as a matrix (serving/fastpath.py)", version.id)
                served.batcher = MicroBatcher(
                    build=stacked if scorer else lambda parts: frame(parts, features),
                    score=scorer or model.predict,
                    lock=served.lock,
                    max_rows=settings.PREDICT_BATCH_MAX_ROWS,
                    wait_seconds=settings.PREDICT_BATCH_WAIT_MS / 1000,
                    timeout_seconds=settings.PREDICT_TIMEOUT_SECONDS,
                    inline_seconds=settings.PREDICT_INLINE_MS / 1000,
                )
                self.loaded[version.id] = served
                evicted_any = False
                while len(self.loaded) > self.size:
                    _, evicted = self.loaded.popitem(last=False)
                    evicted_any = True
                    try:
                        await asyncio.to_thread(_retire, evicted)
                    except Exception:  # the new model is loaded: answer, but say so
                        log.exception("could not retire an evicted model")
                settle_heap(evicted_any)
        self.loading.pop(version.id, None)
        return served


models = ModelCache(settings.MODEL_CACHE_SIZE)
