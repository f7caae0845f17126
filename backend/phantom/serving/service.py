"""Real-time prediction: rows checked against the version's input schema, scored by the
cached model through its micro-batcher, answered as JSON with one prediction id per row,
and kept in the prediction log (batched, off the request path; the log's batches are
what the audit chain records, not each call).

A warm call touches no database: the principal, the version and the model are cached
per process (identity/authn.py, serving/versions.py, serving/cache.py)."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.automl.engines.base import Predictions, thresholded
from phantom.automl.forecasting import ForecastDataError
from phantom.config import settings
from phantom.explain.inputs import input_warnings
from phantom.explain.service import check_rows, explanations
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, PhantomError, Unavailable
from phantom.kit.ids import uuid7_block
from phantom.kit.rows import utcnow
from phantom.monitoring.predictionlog import ScoredCall, prediction_log
from phantom.registry.service import ServableVersion
from phantom.serving.batching import ScoringFailed
from phantom.serving.cache import Served, models
from phantom.serving.rows import Columns, columns_of, frame, rows_to_columns
from phantom.serving.versions import servable_versions


@dataclass(frozen=True, slots=True)
class PredictionResult:
    model_version_id: uuid.UUID
    prediction_ids: list[str]
    predictions: list[Any]
    probabilities: list[dict[str, float]] | None
    scores: list[float] | None
    target: str | None = None  # what the model predicts
    positive_class: str | None = None  # binary: the class probabilities and log-odds are of
    warnings: list[dict[str, Any]] = field(default_factory=list)  # explain/inputs.py
    explanations: list[dict[str, Any]] | None = None  # with explain only
    # FORECASTING: {series, time, mean, lower, upper} per step and series; the level in %
    forecasts: list[dict[str, Any]] | None = None
    interval_level: int | None = None


def _native(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_result(
    version_id: uuid.UUID,
    prediction_ids: list[str],
    predicted: Predictions,
    version: ServableVersion | None = None,
    warnings: list[dict[str, Any]] | None = None,
    explained: list[dict[str, Any]] | None = None,
) -> PredictionResult:
    """The answer; ``version`` names the target and positive class."""
    probabilities = None
    if predicted.probabilities is not None and predicted.classes is not None:
        keys = [str(_native(c)) for c in predicted.classes]
        probabilities = [
            dict(zip(keys, row, strict=True)) for row in predicted.probabilities.tolist()
        ]
    scores = None
    if predicted.scores is not None:
        scores = [float(s) for s in predicted.scores]
    return PredictionResult(
        model_version_id=version_id,
        prediction_ids=prediction_ids,
        predictions=[_native(v) for v in predicted.labels.tolist()],
        probabilities=probabilities,
        scores=scores,
        target=version.target if version is not None else None,
        positive_class=positive_class(version) if version is not None else None,
        warnings=warnings or [],
        explanations=explained,
    )


class PredictionService:
    @requires(P.PREDICTIONS_RUN)
    async def predict(
        self,
        principal: Principal,
        rows: object,
        channel: str,
        *,
        version_id: uuid.UUID | None = None,
        model_name: str | None = None,
        explain: bool = False,
        at: datetime | None = None,
    ) -> PredictionResult:
        """Scores with ``version_id``, or with the PRODUCTION version of ``model_name``
        (its stable endpoint). Opens no transaction while the model loads or scores: a
        cold load takes seconds, and one organization's traffic must not hold the pool's
        connections away from the others.

        ``at``: when the call is logged as made (default now). Only the demo seeder
        (phantom/demo) passes it, to write a month of history; no route or resolver
        does, and it must not be in the future."""
        started = time.perf_counter()
        now = utcnow()
        if at is not None and at > now:
            raise ValueError("a prediction cannot be logged in the future")
        at = at or now
        tenant_id = principal.tenant_id
        version: ServableVersion
        if version_id is not None:
            version = await servable_versions.by_id(tenant_id, version_id)
        else:
            version = await servable_versions.by_name(tenant_id, str(model_name))
        if version.task_type == "FORECASTING":
            return await self._forecast(principal, version, rows, channel, at, started, explain)
        columns, count = rows_to_columns(rows, version.features)
        if explain:
            check_rows(count)
        served = await models.get(version)
        warnings = input_warnings(columns, version.features, served.extras.inputs)
        ids = uuid7_block(at, count)
        try:
            scored = await served.batcher.submit(columns, count)
            predicted = thresholded(scored, serving_threshold(version))
        except PhantomError:  # the engine failed or timed out: counted in the error rate
            await prediction_log.record(
                _logged(principal, channel, version, at, started, [], None, None)
            )
            raise
        await prediction_log.record(
            _logged(principal, channel, version, at, started, ids, predicted, columns)
        )
        explained = None
        if explain:
            explained = await explanations(
                served.model, served.lock, served.extras, version, columns
            )
        return to_result(version.id, ids, predicted, version, warnings, explained)

    async def _forecast(
        self,
        principal: Principal,
        version: ServableVersion,
        rows: object,
        channel: str,
        at: datetime,
        started: float,
        explain: bool,
    ) -> PredictionResult:
        """``horizon`` steps per series: after the training data's end (no rows), or after
        the history the rows give (time, series id, target), checked as training checks
        it. The forecast steps are what the prediction log keeps: per step, its series and
        time as inputs (the target missing) and its mean as the prediction."""
        if explain:
            raise BadUserInput("Forecasts have no SHAP explanations; ask without explain.")
        if not isinstance(rows, list):
            raise BadUserInput(
                "rows must be a list: [] to forecast after the training data, or the recent "
                'history [{"<time>": ..., "<series id>": ..., "<target>": ...}].'
            )
        history = None
        if rows:
            columns, _ = rows_to_columns(rows, version.features)
            history = frame([columns], version.features)
        served = await models.get(version)
        timeout = settings.PREDICT_TIMEOUT_SECONDS
        try:
            work = asyncio.get_running_loop().run_in_executor(
                FORECASTS, _forecast_locked, served, history, time.monotonic() + timeout
            )
            answer, level = await asyncio.wait_for(work, timeout)
        except ForecastDataError as error:
            raise BadUserInput(str(error)) from None
        except TimeoutError:
            await prediction_log.record(
                _logged(principal, channel, version, at, started, [], None, None)
            )
            raise Unavailable(
                f"The forecast took longer than {settings.PREDICT_TIMEOUT_SECONDS:g} s; send "
                "fewer series or use batch scoring."
            ) from None
        except Exception:
            await prediction_log.record(
                _logged(principal, channel, version, at, started, [], None, None)
            )
            raise ScoringFailed("The model failed to forecast; see the server log.") from None
        count = len(answer)
        ids = uuid7_block(at, count)
        logged = {}
        for feature in version.features:
            name = feature["name"]
            if feature["dtype"].startswith("datetime"):
                logged[name] = list(answer["time"])
            elif feature["name"] == version.target:
                logged[name] = [math.nan] * count
            else:
                logged[name] = [None if s is None else str(s) for s in answer["series"]]
        means = answer["mean"].to_numpy(dtype=float)
        await prediction_log.record(
            _logged(
                principal,
                channel,
                version,
                at,
                started,
                ids,
                Predictions(labels=means),
                columns_of(logged, version.features, count),
            )
        )
        forecasts = [
            {
                "series": series,
                "time": time_.isoformat(),
                "mean": _native(float(mean)),
                "lower": _native(float(lower)),
                "upper": _native(float(upper)),
            }
            for series, time_, mean, lower, upper in answer.itertuples(index=False)
        ]
        return PredictionResult(
            model_version_id=version.id,
            prediction_ids=ids,
            predictions=[_native(float(m)) for m in means],
            probabilities=None,
            scores=None,
            target=version.target,
            forecasts=forecasts,
            interval_level=level,
        )


# history forecasts' own threads: a call waits here for its model's lock and its refit's
# child up to its deadline, and in the default executor a few such calls held every
# thread that other tenants' uploads and the prediction log's flushes need (finding W7-5);
# a call queued past its deadline gives up at once
FORECASTS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="phantom-forecast")


def _forecast_locked(served: Served, history: Any, deadline: float) -> tuple[Any, int]:
    """The loaded forecaster's answer and its interval level, one call at a time. A call
    still waiting for the model at its caller's deadline gives up (TimeoutError) rather
    than refit for nobody later, holding an executor thread meanwhile; a refit runs in a
    child killed at the deadline (finding W6-2: in this thread it outlived its 503)."""
    model: Any = served.model
    if not served.lock.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
        raise TimeoutError
    try:
        return model.forecast(history, deadline), int(model.settings.level)
    finally:
        served.lock.release()


def serving_threshold(version: ServableVersion) -> float | None:
    """The threshold set for a binary classifier; None: the engine's labels stand."""
    return version.threshold if version.task_type == "BINARY" else None


def positive_class(version: ServableVersion) -> str | None:
    """Binary classifiers: the class whose probability (and log-odds) is explained."""
    if version.task_type == "BINARY" and version.classes and len(version.classes) == 2:
        return str(_native(version.classes[1]))
    return None


def _logged(
    principal: Principal,
    channel: str,
    version: ServableVersion,
    at: datetime,
    started: float,
    ids: list[str],
    predicted: Predictions | None,
    columns: Columns | None,
) -> ScoredCall:
    """A failed call is logged without rows: it counts in the error rate."""
    return ScoredCall(
        tenant_id=principal.tenant_id,
        version=version,
        at=at,
        prediction_ids=ids,
        columns=columns,
        rows=len(ids),
        predicted=predicted,
        latency_ms=(time.perf_counter() - started) * 1000,
        credential_id=principal.credential_id,
        channel=channel,
    )


predictions = PredictionService()
