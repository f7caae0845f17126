"""Per-hour window aggregates: the prediction log's batches merged into mergeable counts.

``observe`` is called by the prediction log writer in the same transaction as each
flushed batch (so a batch counts once, or not at all). Everything stored is a count or a
sum: two hours merge into a day by addition, and any window's p50/p99, drift and CBPE
come from these numbers alone.

Latency: calls per fixed log-spaced bin (10 per decade from 0.1 ms to 100 s, open-ended
at both ends); a quantile is read as the geometric centre of its bin (within ±12 %).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.rows import utcnow
from phantom.monitoring import reference as ref
from phantom.monitoring.models import MonitoringWindow
from phantom.monitoring.repository import WindowRepository
from phantom.monitoring.types import LoggedBatch, ServedRequest
from phantom.registry.service import registry

log = logging.getLogger(__name__)
LATENCY_EDGES = [round(10 ** (e / 10), 6) for e in range(-10, 51)]  # 0.1 ms .. 100 s
LATENCY_BINS = len(LATENCY_EDGES) + 1


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def latency_counts(latencies: Sequence[float]) -> list[int]:
    index = np.searchsorted(np.asarray(LATENCY_EDGES), np.asarray(latencies, dtype=float))
    return [int(c) for c in np.bincount(index, minlength=LATENCY_BINS)]


def latency_quantile(counts: Sequence[int], q: float) -> float | None:
    """The q-quantile of calls' latency in ms (geometric centre of its bin)."""
    total = sum(counts)
    if total == 0:
        return None
    position = int(np.searchsorted(np.cumsum(counts), q * total, side="left"))
    index = min(position, len(counts) - 1)
    if index == 0:
        return LATENCY_EDGES[0]
    if index >= len(LATENCY_EDGES):
        return LATENCY_EDGES[-1]
    return math.sqrt(LATENCY_EDGES[index - 1] * LATENCY_EDGES[index])


def add_lists(a: Sequence[float], b: Sequence[float]) -> list[Any]:
    if len(a) != len(b):  # a reference never changes; a mismatch is a bug, not data
        raise ValueError("merging counts over different bins")
    return [x + y for x, y in zip(a, b, strict=True)]


def merge_counts(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """Two ``{"counts": [...], "missing": n, ...}`` over the same bins, added."""
    if a is None:
        return b
    if b is None:
        return a
    merged: dict[str, Any] = {}
    for key in a.keys() | b.keys():
        x, y = a.get(key), b.get(key)
        if isinstance(x, list) and isinstance(y, list):
            merged[key] = add_lists(x, y)
        elif x is None or y is None:
            merged[key] = x if y is None else y
        else:
            merged[key] = x + y
    return merged


def merge_features(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {name: merge_counts(a.get(name), b.get(name)) for name in a.keys() | b.keys()}


def aggregate_rows(
    reference: dict[str, Any] | None, batch: LoggedBatch, mask: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Feature and prediction counts of the batch's rows selected by ``mask``."""
    if reference is None:
        return {}, None
    frame = batch.features if mask.all() else batch.features.loc[mask]
    features: dict[str, Any] = {}
    for spec in reference["features"]:
        if spec["kind"] == ref.SKIPPED:
            continue
        name = spec["name"]
        values = frame[name] if name in frame.columns else pd.Series([None] * len(frame))
        counts, missing = ref.count_feature(spec, values)
        features[name] = {"counts": counts, "missing": missing}
    labels = np.asarray(batch.labels, dtype=object)[mask]
    probabilities = batch.probabilities[mask] if batch.probabilities is not None else None
    scores = np.asarray(batch.scores, dtype=np.float64)[mask] if batch.scores is not None else None
    predictions = ref.count_predictions(reference["predictions"], labels, probabilities, scores)
    return features, predictions


def _requests_by_hour(requests: Sequence[ServedRequest]) -> dict[datetime, list[ServedRequest]]:
    grouped: dict[datetime, list[ServedRequest]] = {}
    for request in requests:
        grouped.setdefault(hour_of(request.at), []).append(request)
    return grouped


def hours_of_rows(
    times: Sequence[datetime],
) -> tuple[set[datetime], np.ndarray[Any, Any] | None]:
    """The hours the rows fall in, and each row's hour (None when all share one). Rows of
    one call share their time, so each distinct time is converted once: a pandas
    conversion of 5,000 datetimes costs more than all the counting."""
    hour_by_time: dict[datetime, datetime] = {}
    for moment in times:
        if moment not in hour_by_time:
            hour_by_time[moment] = hour_of(moment)
    starts = set(hour_by_time.values())
    if len(starts) <= 1:
        return starts, None
    return starts, np.array([hour_by_time[t] for t in times], dtype=object)


async def observe(session: AsyncSession, batch: LoggedBatch) -> None:
    """Merge one flushed batch into its hour windows (usually one, two across an hour).

    The counting runs before any write and a failure in it (a bug, a value no bin
    expected) is logged and costs only that batch's distributions: volume, latency and
    errors are still counted, and the prediction log, whose transaction this is, never
    stops on monitoring's account."""
    monitored = await registry.reference_of(session, batch.model_version_id)
    # in a thread: counting a second's rows of a busy model (tens of thousands) held the
    # event loop for tens of milliseconds, every second (serving's p99, docs/benchmarks.md)
    starts, requests, counted = await asyncio.to_thread(_count, monitored.reference, batch)
    repo = WindowRepository(session)
    for start in sorted(set(starts) | set(requests)):
        rows, features, predictions = counted.get(start, (0, {}, None))
        calls = requests.get(start, [])
        window = await repo.for_update(batch.model_version_id, start)
        if window is None:
            window = await repo.insert_or_lock(
                MonitoringWindow(
                    model_version_id=batch.model_version_id,
                    start=start,
                    rows=0,
                    calls=0,
                    failed_calls=0,
                    latency=[0] * LATENCY_BINS,
                    features={},
                    predictions=None,
                )
            )
        window.rows += rows
        window.calls += len(calls)
        window.failed_calls += sum(1 for c in calls if c.failed)
        window.latency = add_lists(window.latency, latency_counts([c.latency_ms for c in calls]))
        window.features = merge_features(window.features, features)
        window.predictions = merge_counts(window.predictions, predictions)
        window.updated_at = utcnow()
    await session.flush()


Counted = dict[datetime, tuple[int, dict[str, Any], dict[str, Any] | None]]


def _count(
    reference: dict[str, Any] | None, batch: LoggedBatch
) -> tuple[set[datetime], dict[datetime, list[ServedRequest]], Counted]:
    """The batch's hours, its calls per hour, and its rows' counts per hour."""
    starts, row_hours = hours_of_rows(batch.times)
    requests = _requests_by_hour(batch.requests)
    counted: Counted = {}
    for start in starts:
        mask = row_hours == start if row_hours is not None else np.ones(len(batch.times), bool)
        try:
            features, predictions = aggregate_rows(reference, batch, mask)
        except Exception:
            log.exception(
                "monitoring could not count a batch's distributions",
                extra={"model_version_id": str(batch.model_version_id)},
            )
            features, predictions = {}, None
        counted[start] = (int(mask.sum()), features, predictions)
    return starts, requests, counted


def merge_windows(windows: Sequence[MonitoringWindow], start: datetime) -> MonitoringWindow:
    """A longer window (a day) as the sum of its hours, not stored."""
    merged = MonitoringWindow(
        model_version_id=windows[0].model_version_id,
        start=start,
        rows=0,
        calls=0,
        failed_calls=0,
        latency=[0] * LATENCY_BINS,
        features={},
        predictions=None,
    )
    for window in windows:
        merged.rows += window.rows
        merged.calls += window.calls
        merged.failed_calls += window.failed_calls
        merged.latency = add_lists(merged.latency, window.latency)
        merged.features = merge_features(merged.features, window.features)
        merged.predictions = merge_counts(merged.predictions, window.predictions)
    return merged
