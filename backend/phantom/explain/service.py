"""Per-prediction explanations for serving: after a call's rows were scored, their SHAP
values, answered per row as {baseValue, output, explained, method, contributions}.

Bounded: at most ``PHANTOM_EXPLAIN_MAX_ROWS`` rows per call (checked before scoring) and
``PHANTOM_EXPLAIN_TIMEOUT_SECONDS`` of work after scoring. The work runs in a thread, off
the event loop, and takes the model's lock only around each call into the model, so the
micro-batcher keeps scoring other callers' rows in between; past the time the caller gets
UNAVAILABLE at once, and the thread stops at its next call into the model."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import LoadedModel
from phantom.config import settings
from phantom.explain.errors import ExplanationTimedOut, NotExplainable
from phantom.explain.shapley import (
    Explained,
    OutOfTime,
    Subject,
    deadline_in,
    explain,
    load_shap,
    typed,
)
from phantom.explain.summary import BACKGROUND_FILE
from phantom.registry.service import ServableVersion
from phantom.serving.rows import Columns, frame

log = logging.getLogger(__name__)


@dataclass
class ModelExtras:
    """What the artefact holds beside the model: the training inputs' profile (read at
    load: small) and the background sample (read at the first explained call)."""

    model_dir: Path
    inputs: dict[str, Any] | None = None
    _background: pd.DataFrame | None = field(default=None, repr=False)
    _read: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, model_dir: Path) -> ModelExtras:
        inputs = None
        try:
            described = json.loads((model_dir / "phantom-model.json").read_text())
            inputs = described.get("inputs")
        except (OSError, ValueError):
            log.warning("no readable phantom-model.json in %s", model_dir)
        return cls(model_dir, inputs)

    def background(self) -> pd.DataFrame | None:
        with self._lock:
            if not self._read:
                path = self.model_dir / BACKGROUND_FILE
                self._background = pd.read_parquet(path) if path.is_file() else None
                self._read = True
            return self._background


def check_rows(count: int) -> None:
    if count > settings.EXPLAIN_MAX_ROWS:
        raise NotExplainable(
            f"At most {settings.EXPLAIN_MAX_ROWS} rows per call with explain; got {count}. "
            "Send fewer rows, or ask without explain."
        )


def _value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def answer(done: Explained, columns: Columns) -> list[dict[str, Any]]:
    rows = []
    for i in range(len(done.output)):
        contributions = [
            {
                "feature": name,
                "value": _value(columns[name][i]),
                "contribution": float(done.values[i, j]),
            }
            for j, name in enumerate(done.features)
        ]
        contributions.sort(key=lambda c: -abs(c["contribution"]))
        rows.append(
            {
                "baseValue": float(done.base[i]),
                "output": float(done.output[i]),
                "explained": done.explained[i],
                "method": done.method,
                "contributions": contributions,
            }
        )
    return rows


def _run(
    model: LoadedModel,
    lock: threading.Lock,
    extras: ModelExtras,
    version: ServableVersion,
    columns: Columns,
    deadline: float,
) -> Explained:
    rows = frame([columns], version.features)
    background = extras.background()
    reference = typed(background, version.features) if background is not None else None
    subject = Subject(version.task_type, version.target, version.classes)
    try:
        return explain(model, subject, version.features, rows, reference, deadline, lock)
    except LookupError:
        raise NotExplainable(
            "This version was trained before explanations existed and its model needs the "
            "background sample stored at training: retrain it to explain its predictions."
        ) from None


async def explanations(
    model: LoadedModel,
    lock: threading.Lock,
    extras: ModelExtras,
    version: ServableVersion,
    columns: Columns,
) -> list[dict[str, Any]]:
    # a process's first explanation imports shap first (seconds, once): not the
    # explanation's time, which the bound is about
    await asyncio.to_thread(load_shap)
    seconds = settings.EXPLAIN_TIMEOUT_SECONDS
    deadline = deadline_in(seconds)
    work = asyncio.to_thread(_run, model, lock, extras, version, columns, deadline)
    try:
        done = await asyncio.wait_for(work, seconds)
    except (TimeoutError, OutOfTime):
        raise ExplanationTimedOut(
            f"The explanation did not finish within {seconds:g} s "
            "(PHANTOM_EXPLAIN_TIMEOUT_SECONDS): explain fewer rows, or ask without explain."
        ) from None
    return answer(done, columns)
