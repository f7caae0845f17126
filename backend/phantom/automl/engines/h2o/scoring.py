"""Loaded models: their binary models on a scoring node per process.

- The leader is saved as an H2O **binary model**, not a MOJO: the h2o 3.46.0.12 client
  refuses MOJO and POJO export ("requires H2O-3 Secure", a commercial tier), and this engine
  does not work around that. A binary model loads only into an H2O of the same version,
  and scoring needs a JVM: ``load`` starts one local scoring node per process, shared by
  every H2O model the process holds and stopped when the last one is closed (the shared
  cluster is for fits only). A StackedEnsemble's binary carries its base models and
  metalearner: identical predictions after loading into a fresh node (tested).
- Scoring goes straight to the REST API (upload a CSV, ``Parse`` with ``blocking``, the
  synchronous ``/3/Predictions``, download the CSV), StackedEnsemble leader: median
  0.06 s for 1 row, 0.11 s for 1,000 rows, 0.35 s for 10,000 rows (loaded machine: 0.09-0.14
  s and 0.17-0.19 s); the h2o client's ``H2OFrame``/``predict`` path polls with 0.2 s
  sleeps and takes 0.5 s at any size. The first ``load`` in a process starts the node
  (4.4 s; 6.6-10.6 s loaded), a further model on the same node loads in 0.07 s.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import Predictions
from phantom.automl.engines.h2o.connection import (
    connect,
    delete_key,
    disconnect,
    h2o_version,
    predict_frame,
    upload,
)
from phantom.automl.engines.h2o.encoding import (
    META_FILE,
    META_FORMAT,
    Feature,
    anomaly_scores,
    encode_features,
    label_array,
)
from phantom.automl.engines.h2o.node import Jvm, heap_mb
from phantom.automl.tasks import TaskType


@dataclass(frozen=True, slots=True)
class _Artifact:
    path: Path
    model_id: str
    keys: tuple[str, ...]
    digest: str


class _ScoringNode:
    def __init__(self, num_cpus: int, max_mem: str) -> None:
        self.jvm = Jvm(num_cpus, heap_mb(max_mem, None), None)
        try:
            self.connection = connect(self.jvm.url, global_client=False)
        except BaseException:
            self.jvm.stop()
            raise
        self.held: dict[str, tuple[str, int]] = {}  # model key -> (file digest, users)

    def fits(self, artifacts: Sequence[_Artifact]) -> bool:
        """AutoML names models by algorithm and start second, so two jobs' models can share
        a key: such models must not share a node."""
        return all(
            self.held.get(key, (a.digest, 0))[0] == a.digest for a in artifacts for key in a.keys
        )

    def stop(self) -> None:
        disconnect(self.connection)
        self.jvm.stop()


class ScoringPool:
    """The process's scoring nodes: one in practice; another only for a model whose keys
    clash with one already loaded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nodes: list[_ScoringNode] = []

    def acquire(self, artifacts: Sequence[_Artifact], num_cpus: int, max_mem: str) -> _ScoringNode:
        with self._lock:
            node = next((n for n in self._nodes if n.fits(artifacts)), None)
            if node is None:
                node = _ScoringNode(num_cpus, max_mem)
                self._nodes.append(node)
            held: list[_Artifact] = []
            try:
                for artifact in artifacts:
                    if artifact.model_id not in node.held:
                        _upload_model(node.connection, artifact)
                    for key in artifact.keys:
                        digest, users = node.held.get(key, (artifact.digest, 0))
                        node.held[key] = (digest, users + 1)
                    held.append(artifact)
            except BaseException:
                self._release(node, held)
                raise
            return node

    def release(self, node: _ScoringNode, artifacts: Sequence[_Artifact]) -> None:
        with self._lock:
            self._release(node, artifacts)

    def _release(self, node: _ScoringNode, artifacts: Sequence[_Artifact]) -> None:
        for artifact in artifacts:
            for key in artifact.keys:
                digest, users = node.held.get(key, (artifact.digest, 1))
                if users > 1:
                    node.held[key] = (digest, users - 1)
                else:
                    node.held.pop(key, None)
                    delete_key(node.connection, key, cascade=False)
        if not node.held and node in self._nodes:
            self._nodes.remove(node)
            node.stop()

    def nodes(self) -> int:
        return len(self._nodes)


POOL = ScoringPool()


def _upload_model(connection: Any, artifact: _Artifact) -> None:
    raw = connection.request("POST /3/PostFile.bin", filename=str(artifact.path))
    connection.request("POST /99/Models.upload.bin/", data={"dir": raw["destination_frame"]})


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


class H2OModel:
    """A loaded H2O model: its binary models on this process's scoring node."""

    def __init__(self, model_dir: Path, num_cpus: int, max_mem: str) -> None:
        meta = json.loads((model_dir / META_FILE).read_text())
        if meta.get("format") != META_FORMAT:
            raise ValueError(f"unknown H2O model format {meta.get('format')!r}")
        if meta["h2o_version"] != h2o_version():
            raise RuntimeError(
                f"this model was trained with H2O {meta['h2o_version']} and binary models "
                f"load only into the same version (installed: {h2o_version()})"
            )
        self.meta = meta
        self.task = TaskType(meta["task"])
        self.features = [Feature(name, kind) for name, kind in meta["features"]]
        self._artifacts = [
            _Artifact(
                model_dir / m["file"],
                m["model_id"],
                tuple(m["keys"]),
                _digest(model_dir / m["file"]),
            )
            for m in meta["members"]
        ]
        self._node: _ScoringNode | None = POOL.acquire(self._artifacts, num_cpus, max_mem)
        try:
            self.predict(pd.DataFrame({f.name: [None] for f in self.features}))  # warm-up
        except BaseException:
            self.close()
            raise

    def raw(self, frame: pd.DataFrame) -> list[pd.DataFrame]:
        """H2O's own output, one frame per member model."""
        node = self._node
        if node is None:
            raise RuntimeError("the model is closed")
        encoded = encode_features(frame, self.features)
        key = upload(node.connection, encoded, [f.h2o_type for f in self.features], None)
        try:
            return [predict_frame(node.connection, a.model_id, key) for a in self._artifacts]
        finally:
            delete_key(node.connection, key)

    def predict(self, frame: pd.DataFrame) -> Predictions:
        if len(frame) == 0:
            return self._empty()
        outputs = self.raw(frame)
        if self.task == TaskType.ANOMALY_DETECTION:
            scores = np.mean(
                np.vstack(
                    [
                        (anomaly_scores(out) - m["mean"]) / m["std"]
                        for out, m in zip(outputs, self.meta["members"], strict=True)
                    ]
                ),
                axis=0,
            )
            return Predictions(labels=scores > self.meta["threshold"], scores=scores)
        out = outputs[0]
        if self.task == TaskType.REGRESSION:
            return Predictions(labels=out["predict"].to_numpy(dtype=np.float64))
        classes: list[Any] = self.meta["classes"]
        proba = out[self.meta["codes"]].to_numpy(dtype=np.float64)
        proba = proba / proba.sum(axis=1, keepdims=True)
        if self.task == TaskType.BINARY:
            index = (proba[:, 1] >= 0.5).astype(int)
        else:
            index = proba.argmax(axis=1)
        labels = label_array(classes)[index]
        return Predictions(labels=labels, probabilities=proba, classes=list(classes))

    def _empty(self) -> Predictions:
        if self.task == TaskType.ANOMALY_DETECTION:
            return Predictions(labels=np.zeros(0, dtype=bool), scores=np.zeros(0))
        if self.task == TaskType.REGRESSION:
            return Predictions(labels=np.zeros(0))
        classes = list(self.meta["classes"])
        return Predictions(
            labels=label_array(classes)[:0],
            probabilities=np.zeros((0, len(classes))),
            classes=classes,
        )

    def close(self) -> None:
        node, self._node = self._node, None
        if node is not None:
            POOL.release(node, self._artifacts)
