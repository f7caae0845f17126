"""The prediction log: every scored row kept, written in batches off the request path.

A call hands its rows here (``prediction_log.record``) and returns; once a second
(``PHANTOM_PREDICTION_LOG_FLUSH_SECONDS``) each model version's pending rows become one
Parquet object in the store (inputs, outputs, prediction id, time, credential, channel,
latency), one ``prediction_batches`` row with the object's SHA-256, and one audit event
naming that digest, so the log is tamper-evident without one chain append per call
(``phantom audit verify`` re-hashes the objects). Monitoring's window aggregates are
merged in the same transaction.

- At most ``PHANTOM_PREDICTION_LOG_MAX_PENDING_ROWS`` rows, and at most
  ``PHANTOM_PREDICTION_LOG_MAX_PENDING_MB`` of them (text by its length: a row may carry
  10,000 characters per feature), wait in memory per process; past either, callers
  wait for the next flush (back-pressure, never loss). One tenant
  holds at most ``TENANT_SHARE`` of each: past its share only its own callers wait, so
  one organization's flood never stalls the others' predictions.
- A flush that fails (database or store down) keeps its rows for the next one.
- Shutdown flushes everything (``close``). A crash (SIGKILL, power loss) loses at most
  the rows of the last flush interval.
- Raw rows live in the object store, partitioned by tenant and day; PostgreSQL holds
  one row per batch and the per-window aggregates. Objects older than the retention are
  deleted by housekeeping (``expire``); the aggregates stay.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import io
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.audit.checks import RecordsChecked
from phantom.audit.service import recorded_details
from phantom.automl.engines.base import Predictions
from phantom.config import settings
from phantom.db import transaction
from phantom.kit.errors import Unavailable
from phantom.kit.ids import uuid7_time
from phantom.kit.rows import utcnow
from phantom.kit.storage import delete_after_commit, get_store, tenant_key
from phantom.monitoring import windows
from phantom.monitoring.models import PredictionBatch
from phantom.monitoring.repository import RetentionRepository
from phantom.monitoring.types import LoggedBatch, LoggedPrediction, ServedRequest
from phantom.registry.service import ServableVersion
from phantom.serving.rows import Columns, frame

log = logging.getLogger(__name__)

LOGGED_ACTION = "predictions.logged"
ROWS_ERASED_ACTION = "predictions.rows_erased"  # a batch rewritten without a subject's rows
BATCH_RESOURCE = "prediction_batch"
INPUT_PREFIX = "input."
PROBABILITY_PREFIX = "probability."
MAX_LOOKUP_IDS = 10_000
TENANT_SHARE = 0.5  # of the pending rows one tenant may hold (plus one call)


@dataclass(frozen=True, slots=True)
class ScoredCall:
    """One predict call as the log keeps it; ``predicted`` is None when it failed."""

    tenant_id: uuid.UUID
    version: ServableVersion
    at: datetime
    prediction_ids: list[str]
    columns: Columns | None  # None when it failed
    rows: int
    predicted: Predictions | None
    latency_ms: float
    credential_id: uuid.UUID | None
    channel: str


@dataclass
class _Pending:
    calls: list[ScoredCall] = field(default_factory=list)
    rows: int = 0
    bytes: int = 0


def weight(call: ScoredCall) -> int:
    """About what a call's rows hold in memory: text by its length, other cells 8 bytes."""
    if call.columns is None:
        return 64
    size = call.columns.numbers.nbytes
    for values in call.columns.others.values():
        for value in values:
            size += len(value) if isinstance(value, str) else 8
    return size + 64 * call.rows


def _table(calls: list[ScoredCall], version: ServableVersion) -> tuple[pa.Table, LoggedBatch]:
    """The batch's Parquet table, and the same rows as monitoring reads them."""
    scored = [c for c in calls if c.predicted is not None and c.columns is not None]
    inputs = (
        frame([c.columns for c in scored if c.columns is not None], version.features)
        if scored
        else pd.DataFrame()
    )
    ids = [i for c in scored for i in c.prediction_ids]
    times = [c.at for c in scored for _ in range(c.rows)]
    outputs = [c.predicted for c in scored if c.predicted is not None]
    labels = [v for p in outputs for v in p.labels.tolist()]
    probabilities = None
    classes = outputs[0].classes if outputs else None
    if outputs and outputs[0].probabilities is not None:
        probabilities = np.concatenate([p.probabilities for p in outputs])
    scores = None
    if outputs and outputs[0].scores is not None:
        scores = [float(v) for p in outputs for v in p.scores]  # type: ignore[union-attr]

    def per_row(values: list[object], kind: pa.DataType) -> pa.Array:
        return pa.array(
            [v for c, v in zip(scored, values, strict=True) for _ in range(c.rows)], kind
        )

    columns: dict[str, pa.Array] = {
        "prediction_id": pa.array(ids, pa.string()),
        "scored_at": pa.array(times, pa.timestamp("ms", tz="UTC")),
        "credential_id": per_row([str(c.credential_id) for c in scored], pa.string()),
        "channel": per_row([c.channel for c in scored], pa.string()),
        "latency_ms": per_row([c.latency_ms for c in scored], pa.float32()),
    }
    for name in inputs.columns:
        columns[INPUT_PREFIX + name] = pa.array(inputs[name], from_pandas=True)
    columns["prediction"] = pa.array(labels, from_pandas=True)
    if probabilities is not None and classes is not None:
        for index, label in enumerate(classes):
            columns[f"{PROBABILITY_PREFIX}{label}"] = pa.array(probabilities[:, index])
    if scores is not None:
        columns["anomaly_score"] = pa.array(scores, pa.float64())
    batch = LoggedBatch(
        tenant_id=calls[0].tenant_id,
        model_version_id=version.id,
        batch_id=uuid.uuid4(),
        prediction_ids=ids,
        times=times,
        features=inputs,
        labels=labels,
        probabilities=probabilities,
        classes=[str(c) for c in classes] if classes is not None else None,
        scores=scores,
        requests=[ServedRequest(c.at, c.latency_ms, c.rows, c.predicted is None) for c in calls],
    )
    return pa.table(columns), batch


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _digest(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


class PredictionLog:
    def __init__(self) -> None:
        self.pending: dict[tuple[uuid.UUID, uuid.UUID], _Pending] = {}
        self.pending_rows = 0
        self.pending_bytes = 0
        self.tenant_rows: dict[uuid.UUID, int] = {}  # pending rows per tenant
        self.tenant_bytes: dict[uuid.UUID, int] = {}
        self.flushing = asyncio.Lock()
        self.flusher: asyncio.Task[None] | None = None
        self.max_pending_rows = settings.PREDICTION_LOG_MAX_PENDING_ROWS
        self.max_pending_bytes = settings.PREDICTION_LOG_MAX_PENDING_MB * 1024 * 1024

    async def record(self, call: ScoredCall) -> None:
        """Keep one call's rows for the next flush. While the log is full the caller waits;
        if it stays full (the database is down), the call is refused UNAVAILABLE before
        its answer is sent: a prediction is never answered without being logged."""
        deadline = time.monotonic() + settings.PREDICT_TIMEOUT_SECONDS
        while self._full(call.tenant_id):
            self._ensure_flusher()
            if time.monotonic() > deadline:
                log.error("prediction log full (%d rows pending); refusing", self.pending_rows)
                raise Unavailable("The prediction log cannot keep up; retry later.")
            await asyncio.sleep(0.01)
        group = self.pending.setdefault((call.tenant_id, call.version.id), _Pending())
        group.calls.append(call)
        size = weight(call)
        group.rows += call.rows
        group.bytes += size
        self.pending_rows += call.rows
        self.pending_bytes += size
        self.tenant_rows[call.tenant_id] = self.tenant_rows.get(call.tenant_id, 0) + call.rows
        self.tenant_bytes[call.tenant_id] = self.tenant_bytes.get(call.tenant_id, 0) + size
        self._ensure_flusher()

    def _full(self, tenant_id: uuid.UUID) -> bool:
        """The process's bounds, or the tenant's share of them."""
        return (
            self.pending_rows >= self.max_pending_rows
            or self.pending_bytes >= self.max_pending_bytes
            or self.tenant_rows.get(tenant_id, 0) >= self.max_pending_rows * TENANT_SHARE
            or self.tenant_bytes.get(tenant_id, 0) >= self.max_pending_bytes * TENANT_SHARE
        )

    def _ensure_flusher(self) -> None:
        """One flushing task per process, restarted if its event loop went away (tests
        run one loop per test; the rows it left behind are still here)."""
        task = self.flusher
        loop = asyncio.get_running_loop()
        if task is None or task.done() or task.get_loop() is not loop:
            self.flusher = loop.create_task(self._flush_periodically())

    async def _flush_periodically(self) -> None:
        task = asyncio.current_task()
        while self.pending:
            if task is not None and task.cancelling():  # never outlive a closing loop
                raise asyncio.CancelledError
            await asyncio.sleep(settings.PREDICTION_LOG_FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> int:
        """Write every pending batch now; returns the rows written. Batches that fail stay
        pending for the next flush."""
        async with self.flushing:
            taken, self.pending = self.pending, {}
            written = 0
            for key, group in taken.items():
                try:
                    await self._write(group.calls)
                    written += group.rows
                except Exception:
                    log.exception("could not write %d prediction log rows; will retry", group.rows)
                    kept = self.pending.setdefault(key, _Pending())
                    kept.calls[:0] = group.calls
                    kept.rows += group.rows
                    kept.bytes += group.bytes
                    continue
                self.pending_rows -= group.rows
                self.pending_bytes -= group.bytes
                _release(self.tenant_rows, key[0], group.rows)
                _release(self.tenant_bytes, key[0], group.bytes)
            return written

    async def close(self) -> None:
        """At shutdown: flush everything, retrying a few times (nothing is lost on a
        graceful stop unless the database stays down)."""
        for attempt in range(5):
            await self.flush()
            if not self.pending:
                return
            await asyncio.sleep(0.5 * (attempt + 1))
        log.error("prediction log: %d rows could not be written at shutdown", self.pending_rows)

    async def _write(self, calls: list[ScoredCall]) -> None:
        version = calls[0].version
        tenant_id = calls[0].tenant_id
        table, batch = await asyncio.to_thread(_table, calls, version)
        data = await asyncio.to_thread(_parquet, table)
        digest = _digest(data)
        first_at = min(c.at for c in calls)
        key = tenant_key(tenant_id, "prediction_logs", batch.batch_id, ".parquet", first_at.date())
        await asyncio.to_thread(get_store().write, key, io.BytesIO(data))
        try:
            async with transaction(tenant_id) as session:
                session.add(
                    PredictionBatch(
                        id=batch.batch_id,
                        tenant_id=tenant_id,
                        model_version_id=version.id,
                        rows=len(batch.prediction_ids),
                        calls=len(calls),
                        first_at=first_at,
                        last_at=max(c.at for c in calls),
                        storage_key=key,
                        sha256=digest,
                        bytes=len(data),
                    )
                )
                await audit.record(
                    session,
                    actor=audit.Actor.system("serving.prediction_log"),
                    action=LOGGED_ACTION,
                    resource=(BATCH_RESOURCE, batch.batch_id),
                    details={
                        "model_version_id": str(version.id),
                        "rows": len(batch.prediction_ids),
                        "calls": len(calls),
                        "failed_calls": sum(1 for c in calls if c.predicted is None),
                        "sha256": digest,
                        "storage_key": key,
                    },
                )
                await windows.observe(session, batch)  # the aggregates charts and drift read
        except BaseException:
            await asyncio.to_thread(get_store().delete, key)
            raise


def _release(usage: dict[uuid.UUID, int], tenant_id: uuid.UUID, amount: int) -> None:
    left = usage.get(tenant_id, 0) - amount
    if left > 0:
        usage[tenant_id] = left
    else:
        usage.pop(tenant_id, None)


prediction_log = PredictionLog()


# --- reading it back --------------------------------------------------------------------


def _read_rows(key: str, wanted: set[str]) -> pd.DataFrame:
    with get_store().open(key) as source:
        table = pq.read_table(source)
    ids = table.column("prediction_id").to_pylist()
    keep = [i for i, value in enumerate(ids) if value in wanted]
    return table.take(pa.array(keep, pa.int64())).to_pandas() if keep else pd.DataFrame()


async def find_predictions(
    session: AsyncSession, version_id: uuid.UUID, prediction_ids: list[uuid.UUID]
) -> dict[uuid.UUID, LoggedPrediction]:
    """The logged predictions of these ids (of this version, in the session's tenant);
    ids not found are absent. The ids' own timestamps (UUIDv7) narrow the search to the
    batches written around them: no full scan, however large the log."""
    if len(prediction_ids) > MAX_LOOKUP_IDS:
        raise ValueError(f"at most {MAX_LOOKUP_IDS} prediction ids per lookup")
    stamped = {i: t for i in prediction_ids if (t := uuid7_time(i)) is not None}
    if not stamped:
        return {}
    earliest = min(stamped.values()) - timedelta(milliseconds=1)
    latest = max(stamped.values()) + timedelta(milliseconds=1)
    batches = (
        await session.scalars(
            select(PredictionBatch).where(
                PredictionBatch.model_version_id == version_id,
                PredictionBatch.first_at <= latest,
                PredictionBatch.last_at >= earliest,
            )
        )
    ).all()
    stamps = sorted(stamped.values())
    candidates = [b for b in batches if _any_between(stamps, b.first_at, b.last_at)]
    wanted = {str(i) for i in stamped}
    found: dict[uuid.UUID, LoggedPrediction] = {}
    for batch in candidates:
        rows = await asyncio.to_thread(_read_rows, batch.storage_key, wanted)
        for record in rows.to_dict("records"):
            probabilities = {
                name[len(PROBABILITY_PREFIX) :]: float(value)
                for name, value in record.items()
                if name.startswith(PROBABILITY_PREFIX)
            }
            prediction_id = uuid.UUID(record["prediction_id"])
            found[prediction_id] = LoggedPrediction(
                prediction_id=prediction_id,
                at=pd.Timestamp(record["scored_at"]).to_pydatetime(),
                label=_plain(record["prediction"]),
                probabilities=probabilities or None,
                score=float(record["anomaly_score"]) if "anomaly_score" in record else None,
            )
    return found


def _any_between(stamps: list[datetime], first: datetime, last: datetime) -> bool:
    """Whether a sorted id time falls in a batch's span (ids carry milliseconds)."""
    index = bisect.bisect_left(stamps, first - timedelta(milliseconds=1))
    return index < len(stamps) and stamps[index] <= last + timedelta(milliseconds=1)


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


# --- verification and retention ---------------------------------------------------------


async def verify(session: AsyncSession) -> RecordsChecked:
    """Every batch the chain recorded is stored with the digest the chain names, and
    every stored batch row agrees (``phantom audit verify``). Batches deleted by the
    retention are recorded by their own event and not expected."""
    expired: set[str] = set()
    async for _, details in recorded_details(session, EXPIRED_ACTION, "model_version"):
        expired.update((details or {}).get("batch_ids", []))
    rewritten: dict[str, str | None] = {}  # batch id -> the digest of its latest rewrite
    async for batch_id, details in recorded_details(session, ROWS_ERASED_ACTION, BATCH_RESOURCE):
        rewritten[batch_id] = (details or {}).get("sha256")
    rows = {str(b.id): b for b in (await session.scalars(select(PredictionBatch))).all()}
    problems: list[str] = []
    checked = counted = 0
    async for batch_id, details in recorded_details(session, LOGGED_ACTION, BATCH_RESOURCE):
        if batch_id in expired:
            continue
        checked += 1
        if details is None:
            problems.append(f"batch {batch_id}: its audit details are unreadable")
            continue
        stored = rows.pop(batch_id, None)
        if stored is None:
            problems.append(f"batch {batch_id}: recorded by the chain but missing from the log")
            continue
        counted += stored.rows
        expected = rewritten[batch_id] if batch_id in rewritten else details.get("sha256")
        if stored.sha256 != expected:
            problems.append(f"batch {batch_id}: its recorded digest was changed")
            continue
        try:
            actual = await asyncio.to_thread(_stored_digest, stored.storage_key)
        except FileNotFoundError:
            problems.append(f"batch {batch_id}: its object is missing from the store")
            continue
        if actual != expected:
            problems.append(f"batch {batch_id}: its object does not match the chain's SHA-256")
    for batch_id in rows:
        problems.append(f"batch {batch_id}: in the log but never recorded by the chain")
    return RecordsChecked(f"{checked:,} batches, {counted:,} rows", problems)


def _stored_digest(key: str) -> str:
    digest = hashlib.sha256()
    with get_store().open(key) as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


EXPIRED_ACTION = "predictions.expired"


async def retention_days(session: AsyncSession) -> int:
    """The session's tenant's retention of raw rows: its own, or the deployment's."""
    own = await RetentionRepository(session).current()
    return own.days if own is not None else settings.PREDICTION_LOG_RETENTION_DAYS


async def expire(session: AsyncSession, now: datetime | None = None) -> int:
    """Delete the tenant's batches older than its retention (rows, then objects once
    committed), with one audit event per model version naming them. Returns the batches
    deleted."""
    days = await retention_days(session)
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = list(
        (
            await session.scalars(
                select(PredictionBatch).where(PredictionBatch.last_at < cutoff).limit(10_000)
            )
        ).all()
    )
    by_version: dict[uuid.UUID, list[PredictionBatch]] = {}
    for batch in old:
        by_version.setdefault(batch.model_version_id, []).append(batch)
    for version_id, batches in by_version.items():
        await audit.record(
            session,
            actor=audit.Actor.system("serving.prediction_log"),
            action=EXPIRED_ACTION,
            resource=("model_version", version_id),
            details={
                "batch_ids": [str(b.id) for b in batches],
                "rows": sum(b.rows for b in batches),
                "retention_days": days,
            },
        )
    if old:
        await session.execute(
            delete(PredictionBatch).where(PredictionBatch.id.in_([b.id for b in old]))
        )
        await delete_after_commit(session, [b.storage_key for b in old])  # rows, then files
    return len(old)
