"""Loaded models per serving process: fetched from the store once, checked against the
hash recorded at registration (an artefact changed in the store is refused, never
unpickled), unpacked under ``var/models/<version id>``, kept warm (LRU)."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tarfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from phantom.automl.engines import get_engine
from phantom.automl.engines.base import LoadedModel
from phantom.config import settings
from phantom.kit.errors import PhantomError
from phantom.kit.storage import get_store
from phantom.registry.models import ModelVersion


class ArtifactError(PhantomError):
    """The stored model cannot be used (missing or changed): an operator's problem."""


@dataclass
class Served:
    model: LoadedModel
    lock: threading.Lock  # one prediction at a time per model (engines are not thread-safe)


def _fetch(version_id: uuid.UUID, key: str, expected_hash: str, engine: str) -> LoadedModel:
    root = settings.VAR_DIR / "models" / str(version_id)
    if not (root / "model").is_dir():
        staging = root.with_name(f"{version_id}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        archive = staging / "model.tgz"
        digest = hashlib.sha256()
        try:
            with get_store().open(key) as source, archive.open("wb") as sink:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    digest.update(chunk)
                    sink.write(chunk)
        except FileNotFoundError:
            shutil.rmtree(staging, ignore_errors=True)
            raise ArtifactError("The model's artefact is missing from the store.") from None
        if f"sha256:{digest.hexdigest()}" != expected_hash:
            shutil.rmtree(staging, ignore_errors=True)
            raise ArtifactError("The model's artefact does not match its recorded hash.")
        with tarfile.open(archive) as bundle:
            bundle.extractall(staging, filter="data")  # no absolute paths, links out, devices
        archive.unlink()
        shutil.rmtree(root, ignore_errors=True)
        staging.rename(root)
    return get_engine(engine).load(root / "model", num_cpus=1)


class ModelCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.loaded: OrderedDict[uuid.UUID, Served] = OrderedDict()
        self.loading: dict[uuid.UUID, asyncio.Lock] = {}

    async def get(self, version: ModelVersion) -> Served:
        served = self.loaded.get(version.id)
        if served is not None:
            self.loaded.move_to_end(version.id)
            return served
        lock = self.loading.setdefault(version.id, asyncio.Lock())
        async with lock:  # one load per version, however many requests wait for it
            served = self.loaded.get(version.id)
            if served is None:
                model = await asyncio.to_thread(
                    _fetch,
                    version.id,
                    version.artifact_path,
                    version.artifact_hash,
                    version.engine,
                )
                served = Served(model, threading.Lock())
                self.loaded[version.id] = served
                while len(self.loaded) > self.size:
                    _, evicted = self.loaded.popitem(last=False)
                    evicted.model.close()
        self.loading.pop(version.id, None)
        return served


models = ModelCache(settings.MODEL_CACHE_SIZE)
