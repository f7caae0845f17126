"""Runs one claimed batch job: the model loaded and verified as serving loads it, the
dataset's Parquet read, scored and written chunk by chunk (memory bounded by
``PHANTOM_BATCH_CHUNK_ROWS``, whatever the dataset's size), the output uploaded under the
tenant's key with its SHA-256, then recorded under the claim's fencing token. A
background heartbeat keeps the lease while a chunk (or the model's load) takes long;
cancels and lost leases are honoured between chunks."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from phantom.automl.engines.base import LoadedModel, Predictions, thresholded
from phantom.batch import runs
from phantom.batch.models import JobStatus
from phantom.batch.runs import Claim, Output, State
from phantom.batch.service import missing_features, missing_message
from phantom.config import settings
from phantom.kit.jobs import stopping
from phantom.kit.scratch import scratch
from phantom.kit.storage import get_store, tenant_key
from phantom.serving.cache import ArtifactError, load_verified, unload

log = logging.getLogger(__name__)


class DataProblem(Exception):
    """The data cannot be scored as it is: the job fails with this message, unretried."""


# --- the work on one chunk (in a thread) --------------------------------------------------


def _array(values: np.ndarray[Any, Any]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: as text, never lost
        return pa.array([None if v is None else str(v) for v in values.tolist()])


def prediction_columns(predicted: Predictions) -> dict[str, pa.Array]:
    """``prediction``, then ``probability_<class>`` per class (classifiers) or
    ``anomaly_score`` (anomaly detection)."""
    columns = {"prediction": _array(predicted.labels)}
    if predicted.probabilities is not None and predicted.classes is not None:
        for index, name in enumerate(predicted.classes):
            columns[f"probability_{name}"] = pa.array(
                predicted.probabilities[:, index], type=pa.float64()
            )
    if predicted.scores is not None:
        columns["anomaly_score"] = pa.array(predicted.scores, type=pa.float64())
    return columns


def score_batch(
    model: LoadedModel,
    batch: pa.RecordBatch,
    features: list[str],
    threshold: float | None = None,
) -> tuple[pa.Table, float]:
    """The chunk's own columns, untouched, plus the prediction columns; and the seconds
    the model took. ``threshold``: a binary classifier's serving threshold, as predict."""
    frame: pd.DataFrame = batch.select(features).to_pandas()
    started = time.perf_counter()
    predicted = thresholded(model.predict(frame), threshold)
    seconds = time.perf_counter() - started
    added = prediction_columns(predicted)
    clashes = [name for name in batch.schema.names if name in added]
    if clashes:
        raise DataProblem(
            f"The dataset already has column(s) {', '.join(clashes)[:500]}, which the output "
            "adds; rename them first."
        )
    table = pa.Table.from_batches([batch])
    for name, values in added.items():
        table = table.append_column(name, values)
    return table, seconds


@dataclass
class Scorer:
    """Reads, scores and writes one chunk per ``step``; never holds more than a chunk."""

    model: LoadedModel
    source: Path
    target: Path
    chunk_rows: int
    threshold: float | None = None  # a binary classifier's serving threshold
    features: list[str] = field(default_factory=list)
    rows_total: int = 0
    rows: int = 0
    predict_seconds: float = 0.0
    _batches: Iterator[pa.RecordBatch] | None = None
    _writer: pq.ParquetWriter | None = None
    _file: pq.ParquetFile | None = None

    def open(self, feature_names: list[str]) -> None:
        self._file = pq.ParquetFile(self.source)
        missing = missing_features(
            [{"name": n} for n in feature_names], self._file.schema_arrow.names
        )
        if missing:
            raise DataProblem(missing_message(missing))
        self.features = feature_names
        self.rows_total = self._file.metadata.num_rows
        self._batches = self._file.iter_batches(batch_size=self.chunk_rows)

    def step(self) -> bool:
        """One chunk; False when there is none left."""
        if self._batches is None:
            raise RuntimeError("open() first")
        batch = next(self._batches, None)
        if batch is None:
            return False
        table, seconds = score_batch(self.model, batch, self.features, self.threshold)
        self.predict_seconds += seconds
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.target, table.schema, compression="zstd")
        else:
            table = table.cast(self._writer.schema)
        self._writer.write_table(table)
        self.rows += batch.num_rows
        return True

    def close(self) -> None:
        if self._writer is None and self._file is not None:  # an empty dataset: empty output
            self._writer = pq.ParquetWriter(self.target, self._file.schema_arrow)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class ForecastScorer(Scorer):
    """A FORECASTING version's batch job: the dataset is history (time, series id,
    target), forecast whole, since a series cannot be split across chunks. The output
    holds ``horizon`` steps per series after its history: series, time, mean, lower,
    upper (the version's interval level). The history is bounded as training's is (at
    most ``MAX_SERIES`` series), and only its three columns are read."""

    def open(self, feature_names: list[str]) -> None:
        super().open(feature_names)
        self._batches = None

    def step(self) -> bool:
        if self._file is None:
            raise RuntimeError("open() first")
        if self.rows:
            return False
        from phantom.automl.forecasting import ForecastDataError

        history = self._file.read(columns=self.features).to_pandas()
        forecast: Any = getattr(self.model, "forecast")  # noqa: B009 - the forecaster's own
        started = time.perf_counter()
        try:
            answer = forecast(history)
        except ForecastDataError as error:
            raise DataProblem(str(error)) from None
        self.predict_seconds += time.perf_counter() - started
        table = pa.Table.from_pandas(answer, preserve_index=False)
        self._writer = pq.ParquetWriter(self.target, table.schema, compression="zstd")
        self._writer.write_table(table)
        self.rows = max(len(history), 1)
        return True


def _download(key: str, target: Path) -> None:
    with get_store().open(key) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}", path.stat().st_size


def _upload(key: str, source: Path) -> None:
    with source.open("rb") as stream:
        get_store().write(key, stream)


# --- the job -------------------------------------------------------------------------------


class Heartbeat:
    """Extends the lease every ``TRAINING_HEARTBEAT_SECONDS`` while the job works; its
    ``state`` turns 'cancel' or 'lost' when the database says so."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.state: State = "ok"
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while self.state == "ok":
            await asyncio.sleep(settings.TRAINING_HEARTBEAT_SECONDS)
            try:
                self.state = await runs.heartbeat(self.claim)
            except Exception:  # a database blip: the next beat tries again
                log.exception("batch heartbeat failed", extra={"job_id": str(self.claim.job_id)})

    def __enter__(self) -> Heartbeat:
        self._task = asyncio.ensure_future(self._beat())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()


@dataclass
class Timings:
    """Seconds per phase of one run (logged with the job; the benchmark prints them)."""

    download: float = 0.0
    load: float = 0.0
    score: float = 0.0  # reading, scoring and writing every chunk, with progress writes
    predict: float = 0.0  # of which the model's own calls
    store: float = 0.0

    def phase(self, name: str, started: float) -> None:
        setattr(self, name, getattr(self, name) + time.perf_counter() - started)


async def run(claim: Claim, chunk_rows: int | None = None) -> Timings:
    """The ``batch.score`` actor's body after a successful claim; ``chunk_rows`` defaults
    to ``PHANTOM_BATCH_CHUNK_ROWS``."""
    timings = Timings()
    async with scratch("batch", claim.job_id) as work:
        with Heartbeat(claim) as beat:
            await _run(claim, work, beat, chunk_rows or settings.BATCH_CHUNK_ROWS, timings)
    log.info(
        "batch job ran",
        extra={"job_id": str(claim.job_id), **{k: round(v, 3) for k, v in vars(timings).items()}},
    )
    return timings


async def _fail(claim: Claim, code: str, message: str) -> None:
    await runs.finish(claim, JobStatus.FAILED, code, message)


async def _run(
    claim: Claim, work: Path, beat: Heartbeat, chunk_rows: int, timings: Timings
) -> None:
    if claim.version is None:
        await _fail(claim, "model_error", "The model version was deleted before scoring.")
        return
    if claim.dataset_path is None:
        await _fail(claim, "data_error", "The dataset was deleted before scoring started.")
        return
    source = work / "data.parquet"
    started = time.perf_counter()
    try:
        await asyncio.to_thread(_download, claim.dataset_path, source)
    except FileNotFoundError:
        await _fail(claim, "data_error", "The dataset's file is missing from the store.")
        return
    timings.phase("download", started)
    started = time.perf_counter()
    try:
        model, directory = await asyncio.to_thread(load_verified, claim.version)
    except ArtifactError as error:
        await _fail(claim, "model_error", str(error))
        return
    timings.phase("load", started)
    threshold = claim.version.threshold if claim.version.task_type == "BINARY" else None
    kind = ForecastScorer if claim.version.task_type == "FORECASTING" else Scorer
    scorer = kind(model, source, work / "predictions.parquet", chunk_rows, threshold)
    started = time.perf_counter()
    try:
        output = await _score(claim, scorer, beat)
    finally:
        scorer.close()
        await asyncio.to_thread(unload, model, directory)
    timings.phase("score", started)
    timings.predict = scorer.predict_seconds
    if output is not None:
        started = time.perf_counter()
        await _store(claim, output)
        timings.phase("store", started)


async def _score(claim: Claim, scorer: Scorer, beat: Heartbeat) -> Path | None:
    """The scored file, or None when the job ended otherwise (failed, cancelled, lost)."""
    version = claim.version
    if version is None:
        raise RuntimeError("checked by the caller")
    try:
        await asyncio.to_thread(scorer.open, [f["name"] for f in version.features])
        while True:
            if beat.state != "ok":
                await _stop(claim, beat.state)
                return None
            if stopping.is_set():  # the worker is stopping: another one scores it
                handed = await runs.hand_back(claim)
                log.info(
                    "worker stopping: batch job handed back" if handed else "lease lost",
                    extra={"job_id": str(claim.job_id), "rows_scored": scorer.rows},
                )
                return None
            if not await asyncio.to_thread(scorer.step):
                break
            state = await runs.progress(claim, scorer.rows, scorer.rows_total)
            if state != "ok":
                await _stop(claim, state)
                return None
    except DataProblem as problem:
        await _fail(claim, "data_error", str(problem))
        return None
    except (pa.ArrowException, ValueError, TypeError, KeyError) as error:
        log.exception("batch scoring failed", extra={"job_id": str(claim.job_id)})
        await _fail(claim, "scoring_error", f"The model could not score the data: {error}"[:2000])
        return None
    await asyncio.to_thread(scorer.close)
    return scorer.target


async def _stop(claim: Claim, state: State) -> None:
    if state == "cancel":
        await runs.finish(claim, JobStatus.CANCELLED, "cancelled", "Cancelled.")
    else:
        log.warning("lease lost; stopping the batch job", extra={"job_id": str(claim.job_id)})


async def _store(claim: Claim, path: Path) -> None:
    """Upload under a key unique to this attempt, then commit under the token; a lost
    claim deletes its upload, so no orphan output survives."""
    content_hash, size = await asyncio.to_thread(_digest, path)
    rows = await asyncio.to_thread(lambda: pq.ParquetFile(path).metadata.num_rows)
    key = tenant_key(claim.tenant_id, "predictions", uuid.uuid4(), ".parquet")
    await asyncio.to_thread(_upload, key, path)
    try:
        stored = await runs.succeed(claim, Output(key, content_hash, size, rows))
    except BaseException:
        # the commit may have landed (an after-commit step raised, or its answer was lost):
        # the output stays, since a SUCCEEDED job must never lose it (logged)
        log.warning("batch output kept: its result may not be recorded", extra={"key": key})
        raise
    if not stored:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(get_store().delete, key)
