"""Registered model versions without a training job: a real (tiny, in-process) anomaly
fit, archived and stored exactly as the training worker does, then registered."""

from __future__ import annotations

import pickle
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.anomaly import ARTIFACT, AnomalyEngine
from phantom.automl.engines.base import FitSpec, LeaderboardRow
from phantom.automl.supervisor import _archive, _upload
from phantom.automl.tasks import TaskType
from phantom.db import transaction
from phantom.kit.storage import get_store, tenant_key
from phantom.registry.service import NewVersion, registry
from tests.automl.support import PREDICT

FEATURES = [
    {"name": "amount", "type": "NUMERIC", "dtype": "float64"},
    {"name": "hour", "type": "NUMERIC", "dtype": "float64"},
]
ROWS = [{"amount": 30.0, "hour": 14.0}, {"amount": 900.0, "hour": 3.0}]


def fit_model(root: Path) -> Path:
    """A real anomaly model directory (two numeric features, 200 rows: well under a second)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"amount": rng.lognormal(3.5, 0.4, 200), "hour": rng.normal(14, 3, 200)})
    model_dir, work_dir = root / "model", root / "work"
    model_dir.mkdir(parents=True)
    work_dir.mkdir()
    spec = FitSpec(
        task=TaskType.ANOMALY_DETECTION,
        target=None,
        metric="roc_auc",
        time_limit_seconds=5,
        deadline=time.time() + 5,
        num_cpus=1,
        memory_limit_mb=512,
        seed=0,
        model_dir=model_dir,
        work_dir=work_dir,
    )

    def report(message: str, leaderboard: list[LeaderboardRow]) -> None:
        pass

    AnomalyEngine().fit(frame, spec, report)
    return model_dir


def pack(model_dir: Path, target: Path) -> tuple[str, int]:
    """The training worker's own archive step: a tar.gz with ``model/`` and its hash."""
    return _archive(model_dir, target)


async def register(tenant_id: uuid.UUID, model_dir: Path, name: str = "fraud") -> uuid.UUID:
    """Store the packed model under the tenant and register a version of ``name``."""
    archive = model_dir.parent / f"{uuid.uuid4().hex}.tgz"
    content_hash, size = pack(model_dir, archive)
    key = tenant_key(tenant_id, "models", uuid.uuid4(), ".tgz")
    _upload(key, archive)
    async with transaction(tenant_id) as session:
        version = await registry.register(
            session,
            NewVersion(
                model_name=name,
                training_job_id=None,  # type: ignore[arg-type]  # no job: built by the test
                dataset_id=None,
                dataset_name="synthetic",
                dataset_content_hash="sha256:" + "0" * 64,
                engine="anomaly",
                task_type=TaskType.ANOMALY_DETECTION.value,
                target=None,
                metric="roc_auc",
                metrics={},
                best_model_name="Ensemble",
                features=FEATURES,
                classes=None,
                artifact_path=key,
                artifact_hash=content_hash,
                artifact_bytes=size,
                created_by=None,
            ),
        )
    return version.id


async def artifact_key(tenant_id: uuid.UUID, version_id: uuid.UUID) -> str:
    from phantom.registry.repository import VersionRepository

    async with transaction(tenant_id) as session:
        version = await VersionRepository(session).get(version_id)
        return version.artifact_path


class Planted:
    """Unpickling this runs code: here it only creates ``marker`` (the proof it ran)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        import os

        return (os.mkdir, (str(self.marker),))


def plant(path: Path, marker: Path) -> None:
    """Replace a model file with a pickle that runs code when loaded."""
    path.write_bytes(pickle.dumps(Planted(marker)))


def planted_archive(target: Path, marker: Path) -> None:
    """A packed model whose ``model/anomaly.joblib`` runs code when loaded."""
    evil = target.with_suffix(".joblib")
    plant(evil, marker)
    with tarfile.open(target, "w:gz") as bundle:
        bundle.add(evil, arcname=f"model/{ARTIFACT}")


def overwrite_stored(key: str, source: Path) -> None:
    with source.open("rb") as stream:
        get_store().write(key, stream)


def predict_variables(version_id: uuid.UUID) -> dict[str, Any]:
    return {"id": str(version_id), "rows": ROWS}


__all__ = ["PREDICT", "ROWS"]
