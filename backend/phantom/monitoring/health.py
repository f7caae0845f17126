"""A model version's health from its window aggregates: volume, latency, error rate,
drift per feature and of the predictions, realized and estimated performance, per window.

Everything here reads aggregates (``monitoring_windows``) and outcomes; nothing reads
the prediction log. ``signals`` turns the latest complete-enough window into the figures
alert rules judge (``phantom.monitoring.types.Signal``), and ``refresh`` hands them to
the alerts domain: the one place monitoring calls alerts.
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.alerts import service as alerts
from phantom.automl.tasks import Outcome, TaskType, score_all
from phantom.config import settings
from phantom.monitoring import cbpe
from phantom.monitoring import drift as d
from phantom.monitoring import reference as ref
from phantom.monitoring.models import MonitoringWindow, PredictionOutcome
from phantom.monitoring.repository import OutcomeRepository, SettingsRepository, WindowRepository
from phantom.monitoring.types import Signal, SignalKind
from phantom.monitoring.windows import latency_quantile, merge_windows
from phantom.registry.service import MonitoredVersion, registry

MAX_HOUR_WINDOWS = 24 * 31
MAX_DAY_WINDOWS = 366


class HealthWindow(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"


@dataclass(frozen=True, slots=True)
class Bin:
    label: str
    reference: float  # share of the reference rows
    current: float  # share of the window's rows


@dataclass(frozen=True, slots=True)
class FeatureDrift:
    feature: str
    kind: str  # numeric, categorical, skipped (datetime), or for predictions their kind
    psi: float | None
    distance: float | None
    distance_name: str | None  # "ks" (numbers), "jensen_shannon" (categories)
    status: d.DriftStatus
    importance: float | None
    rows: int
    bins: list[Bin] = field(default_factory=list)
    p_value: float | None = None  # chi-squared test of the two distributions (drift.py)

    @property
    def evident(self) -> bool:
        """Enough rows, and a difference noise does not explain: a figure to judge."""
        return (
            self.psi is not None
            and self.status not in (d.DriftStatus.INSUFFICIENT_DATA, d.DriftStatus.NO_REFERENCE)
            and self.p_value is not None
            and self.p_value < d.NOISE_SIGNIFICANCE
        )


@dataclass(frozen=True, slots=True)
class WindowHealth:
    start: datetime
    end: datetime
    predictions: int
    calls: int
    failed: int
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    drift: list[FeatureDrift]
    prediction_drift: FeatureDrift | None
    status: d.DriftStatus
    outcomes: int
    performance: dict[str, float]
    estimated_performance: dict[str, float]

    @property
    def error_rate(self) -> float | None:
        return self.failed / self.calls if self.calls else None


@dataclass(frozen=True, slots=True)
class Health:
    model_version_id: uuid.UUID
    window: HealthWindow
    since: datetime
    has_reference: bool
    thresholds: d.Thresholds
    predictions: int
    status: d.DriftStatus
    latest: WindowHealth | None  # the latest window with enough rows (else the latest)
    windows: list[WindowHealth]
    performance: dict[str, float]  # realized, over every outcome since ``since``
    estimated_performance: dict[str, float]  # CBPE, over every prediction since ``since``
    reference_performance: dict[str, float]  # the holdout's
    outcomes: int
    metric: str

    @property
    def drift(self) -> list[FeatureDrift]:
        return self.latest.drift if self.latest is not None else []

    @property
    def prediction_drift(self) -> FeatureDrift | None:
        return self.latest.prediction_drift if self.latest is not None else None


# --- thresholds -------------------------------------------------------------------------


async def thresholds_of(session: AsyncSession) -> d.Thresholds:
    """The session tenant's thresholds, or the deployment's defaults."""
    row = await SettingsRepository(session).current()
    if row is None:
        return d.Thresholds(
            psi_warn=settings.MONITORING_PSI_WARN,
            psi_alert=settings.MONITORING_PSI_ALERT,
            min_rows=settings.MONITORING_MIN_ROWS,
        )
    return d.Thresholds(psi_warn=row.psi_warn, psi_alert=row.psi_alert, min_rows=row.min_rows)


# --- drift of one window ----------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.4g}"


def bin_labels(spec: dict[str, Any]) -> list[str]:
    """Readable bins for the drill-down, in the order counts are stored, then missing."""
    if "categories" in spec:
        return [*spec["categories"], "other", "missing"]
    edges = spec.get("edges", [])
    if spec.get("kind") == "probability":
        pairs = [0.0, *edges[1::2], 1.0]
        return [f"{_number(a)} to {_number(b)}" for a, b in itertools.pairwise(pairs)] + ["missing"]
    if not edges:
        return ["all", "missing"]
    labels = [f"≤ {_number(edges[0])}"]
    labels += [f"{_number(a)} to {_number(b)}" for a, b in itertools.pairwise(edges)]
    labels.append(f"> {_number(edges[-1])}")
    return [*labels, "missing"]


def _vector(spec: dict[str, Any], counts: dict[str, Any] | None) -> list[float]:
    """Counts with missing as the last bin; probability bins merged in pairs (deciles):
    20 fixed bins serve CBPE, 10 are enough for drift and halve its small-sample noise."""
    size = len(spec["counts"])
    values = list(counts["counts"]) if counts is not None else [0] * size
    if spec.get("kind") == "probability":
        values = list(np.asarray(values, dtype=np.float64).reshape(-1, 2).sum(axis=1))
    missing = counts.get("missing", 0) if counts is not None else 0
    return [*values, missing]


def compare(
    name: str,
    spec: dict[str, Any],
    current: dict[str, Any] | None,
    importance: float | None,
    thresholds: d.Thresholds,
    detail: bool = True,
) -> FeatureDrift:
    """PSI, the chi-squared p-value and the status; with ``detail`` also the distance and
    both distributions (the drill-down: only the window ``drift`` describes needs them,
    and a month of hours times every feature should not pay for them)."""
    reference = _vector(spec, {"counts": spec["counts"], "missing": spec.get("missing", 0)})
    window = _vector(spec, current)
    rows = int(sum(window))
    psi = d.psi(reference, window) if rows else None
    p = d.p_value(reference, window) if rows else None
    numeric = "categories" not in spec
    distance = None
    bins: list[Bin] = []
    if rows and detail:
        distance = (
            d.ks_binned(reference[:-1], window[:-1])
            if numeric
            else d.js_distance(reference, window)
        )
    if detail:
        ref_shares, cur_shares = d.shares(reference), d.shares(window)
        bins = [
            Bin(label=label, reference=float(r), current=float(c))
            for label, r, c in zip(bin_labels(spec), ref_shares, cur_shares, strict=True)
        ]
    return FeatureDrift(
        feature=name,
        kind=spec.get("kind", ref.NUMERIC),
        psi=psi,
        distance=distance,
        distance_name="ks" if numeric else "jensen_shannon",
        status=d.status_of(psi, rows, thresholds, 1.0 if p is None else p)
        if rows
        else d.DriftStatus.INSUFFICIENT_DATA,
        importance=importance,
        rows=rows,
        p_value=p,
        bins=bins,
    )


def window_drift(
    reference: dict[str, Any] | None,
    window: MonitoringWindow,
    thresholds: d.Thresholds,
    detail: bool = True,
) -> tuple[list[FeatureDrift], FeatureDrift | None, d.DriftStatus]:
    if reference is None:
        return [], None, d.DriftStatus.NO_REFERENCE
    features = []
    for spec in reference["features"]:
        if spec["kind"] == ref.SKIPPED:
            features.append(
                FeatureDrift(
                    feature=spec["name"],
                    kind=ref.SKIPPED,
                    psi=None,
                    distance=None,
                    distance_name=None,
                    status=d.DriftStatus.NO_REFERENCE,
                    importance=spec.get("importance"),
                    rows=0,
                )
            )
            continue
        features.append(
            compare(
                spec["name"],
                spec,
                window.features.get(spec["name"]),
                spec.get("importance"),
                thresholds,
                detail,
            )
        )
    predictions = compare(
        "prediction", reference["predictions"], window.predictions, None, thresholds, detail
    )
    # a PSI that noise explains (drift.py: the chi-squared gate) counts as none here too
    measured = [(_significant(f), f.importance) for f in features if f.psi is not None]
    prediction_psi = _significant(predictions) if predictions.psi is not None else None
    status = d.summary_status(measured, prediction_psi, window.rows, thresholds)
    return features, predictions, status


def _significant(drift: FeatureDrift) -> float:
    significant = drift.p_value is not None and drift.p_value < d.NOISE_SIGNIFICANCE
    return drift.psi if drift.psi is not None and significant else 0.0


# --- realized performance ---------------------------------------------------------------


def realized(version: MonitoredVersion, outcomes: Sequence[PredictionOutcome]) -> dict[str, float]:
    """The task's metrics (``automl/tasks.py``) on the outcomes; metrics undefined on
    them (one class only, say) are left out."""
    if not outcomes:
        return {}
    task = TaskType(version.task_type)
    raw_classes = list(version.classes) if version.classes is not None else None
    classes = [ref.category_text_one(c) for c in raw_classes] if raw_classes else None
    labels = np.asarray([_predicted(o.predicted, task) for o in outcomes], dtype=object)
    if task == TaskType.REGRESSION:
        y_true: np.ndarray[Any, Any] = np.asarray([float(o.actual) for o in outcomes])
        labels = labels.astype(np.float64)
    elif task == TaskType.ANOMALY_DETECTION:
        y_true = np.asarray([o.actual.strip().lower() in TRUE_TEXT for o in outcomes])
        labels = labels.astype(bool)
    else:
        y_true = np.asarray([o.actual for o in outcomes], dtype=object)
    probabilities = None
    if raw_classes and all(o.probabilities for o in outcomes):
        probabilities = np.asarray(
            [[_probability(o.probabilities or {}, c) for c in raw_classes] for o in outcomes]
        )
    scores = None
    if task == TaskType.ANOMALY_DETECTION and all(o.score is not None for o in outcomes):
        scores = np.asarray([float(o.score or 0.0) for o in outcomes])
    return score_all(task, Outcome(y_true, labels, probabilities, classes, scores))


def _probability(values: dict[str, float], label: Any) -> float:
    """The log keys probabilities by the class as text (``str``); ours may differ for
    booleans (true/True)."""
    for key in (str(label), ref.category_text_one(label)):
        if key in values:
            return float(values[key])
    return 0.0


TRUE_TEXT = frozenset({"true", "1", "yes", "anomaly", "anomalous"})


def _predicted(value: Any, task: TaskType) -> Any:
    if task == TaskType.REGRESSION:
        return float(value)
    if task == TaskType.ANOMALY_DETECTION:
        return bool(value)
    return ref.category_text_one(value)


# --- the whole health -------------------------------------------------------------------


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def default_since(window: HealthWindow, now: datetime) -> datetime:
    return now - (timedelta(hours=24) if window == HealthWindow.HOUR else timedelta(days=30))


def clamp_since(window: HealthWindow, since: datetime | None, now: datetime) -> datetime:
    """At most 31 days of hours or 366 days of days: a response stays small."""
    if since is None:
        return default_since(window, now)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    oldest = now - (
        timedelta(hours=MAX_HOUR_WINDOWS)
        if window == HealthWindow.HOUR
        else timedelta(days=MAX_DAY_WINDOWS)
    )
    since = max(since, oldest)
    return (
        _day(since)
        if window == HealthWindow.DAY
        else since.replace(minute=0, second=0, microsecond=0)
    )


async def compute(
    session: AsyncSession,
    version_id: uuid.UUID,
    window: HealthWindow,
    since: datetime | None,
    now: datetime | None = None,
) -> Health:
    now = now or datetime.now(UTC)
    version = await registry.reference_of(session, version_id)
    thresholds = await thresholds_of(session)
    since = clamp_since(window, since, now)
    hours = await WindowRepository(session).between(version_id, since)
    outcomes = await OutcomeRepository(session).in_windows(version_id, since)
    step = timedelta(hours=1) if window == HealthWindow.HOUR else timedelta(days=1)
    grouped: dict[datetime, list[MonitoringWindow]] = defaultdict(list)
    for hour in hours:
        grouped[hour.start if window == HealthWindow.HOUR else _day(hour.start)].append(hour)
    outcomes_by: dict[datetime, list[PredictionOutcome]] = defaultdict(list)
    for o in outcomes:
        key = o.window_start if window == HealthWindow.HOUR else _day(o.window_start)
        outcomes_by[key].append(o)
    reference = version.reference
    predictions_ref = reference["predictions"] if reference is not None else None
    windows = []
    merged_by: dict[datetime, MonitoringWindow] = {}
    for start in sorted(set(grouped) | set(outcomes_by)):
        members = grouped.get(start, [])
        merged = (
            merge_windows(members, start)
            if members
            else MonitoringWindow(
                model_version_id=version_id,
                start=start,
                rows=0,
                calls=0,
                failed_calls=0,
                latency=[],
                features={},
                predictions=None,
            )
        )
        merged_by[start] = merged
        features, prediction_drift, status = window_drift(
            reference, merged, thresholds, detail=False
        )
        windows.append(
            WindowHealth(
                start=start,
                end=start + step,
                predictions=merged.rows,
                calls=merged.calls,
                failed=merged.failed_calls,
                latency_p50_ms=latency_quantile(merged.latency, 0.5) if merged.latency else None,
                latency_p99_ms=latency_quantile(merged.latency, 0.99) if merged.latency else None,
                drift=features,
                prediction_drift=prediction_drift,
                status=status,
                outcomes=len(outcomes_by.get(start, [])),
                performance=realized(version, outcomes_by.get(start, [])),
                estimated_performance=cbpe.estimate(predictions_ref, merged.predictions),
            )
        )
    latest = latest_window(windows, thresholds)
    if latest is not None:  # the window `drift` describes, with distances and distributions
        features, prediction_drift, _ = window_drift(reference, merged_by[latest.start], thresholds)
        detailed = replace(latest, drift=features, prediction_drift=prediction_drift)
        windows = [detailed if w is latest else w for w in windows]
        latest = detailed
    everything = merge_windows(hours, since) if hours else None
    return Health(
        model_version_id=version_id,
        window=window,
        since=since,
        has_reference=reference is not None,
        thresholds=thresholds,
        predictions=sum(w.predictions for w in windows),
        status=latest.status if latest is not None else d.DriftStatus.INSUFFICIENT_DATA,
        latest=latest,
        windows=windows,
        performance=realized(version, outcomes),
        estimated_performance=cbpe.estimate(
            predictions_ref, everything.predictions if everything is not None else None
        ),
        reference_performance=version.metrics,
        outcomes=len(outcomes),
        metric=version.metric,
    )


def latest_window(windows: list[WindowHealth], thresholds: d.Thresholds) -> WindowHealth | None:
    """The latest window with at least ``min_rows`` predictions, else the latest with any:
    the hour that just began should not hide the last full one."""
    with_rows = [w for w in windows if w.predictions > 0]
    enough = [w for w in with_rows if w.predictions >= thresholds.min_rows]
    if enough:
        return enough[-1]
    return with_rows[-1] if with_rows else None


# --- signals for alerts -----------------------------------------------------------------


def signals(health: Health) -> list[Signal]:
    """The latest complete-enough window's figures, for the alert rules: feature PSI per
    feature and prediction PSI (only with enough rows: small windows inflate PSI; their
    ``reference`` is the tenant's PSI alert threshold, which default rules use), error
    rate, latency p99, and realized and estimated performance of the version's metric
    (``reference``: the holdout's value)."""
    latest = health.latest
    if latest is None:
        return []
    window = health.window.value

    def signal(
        kind: SignalKind,
        value: float,
        feature: str | None = None,
        metric: str | None = None,
        reference: float | None = None,
    ) -> Signal:
        return Signal(kind, value, latest.start, window, feature, metric, reference)

    found: list[Signal] = []
    alert_at = health.thresholds.psi_alert  # drift's reference: the tenant's alert level
    if latest.predictions >= health.thresholds.min_rows:
        # only drift that noise does not explain (FeatureDrift.evident) reaches the rules
        found += [
            signal(SignalKind.FEATURE_DRIFT, f.psi, feature=f.feature, reference=alert_at)
            for f in latest.drift
            if f.psi is not None and f.evident
        ]
        predicted = latest.prediction_drift
        if predicted is not None and predicted.psi is not None and predicted.evident:
            found.append(signal(SignalKind.PREDICTION_DRIFT, predicted.psi, reference=alert_at))
    if latest.error_rate is not None:
        found.append(signal(SignalKind.ERROR_RATE, latest.error_rate))
    if latest.latency_p99_ms is not None:
        found.append(signal(SignalKind.LATENCY_P99, latest.latency_p99_ms))
    reference = health.reference_performance.get(health.metric)
    for kind, values in (
        (SignalKind.PERFORMANCE, latest.performance),
        (SignalKind.ESTIMATED_PERFORMANCE, latest.estimated_performance),
    ):
        value = values.get(health.metric)
        if value is not None and math.isfinite(value):
            found.append(signal(kind, value, metric=health.metric, reference=reference))
    return found


async def evaluate_alerts(
    session: AsyncSession, tenant_id: uuid.UUID, version_id: uuid.UUID, health: Health
) -> list[Signal]:
    """The one place monitoring hands its signals to the alerts domain; the signals it
    handed."""
    found = signals(health)
    await alerts.evaluate(session, tenant_id, version_id, found)
    return found
