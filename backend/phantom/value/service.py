"""Value models (``setValueModel``), the value of a version's predictions
(``modelValue``, from its stored holdout: ``value/compute.py``), and the serving threshold
(``setServingThreshold``: the registry stores it, serving applies it).

Setting either changes what the organization is told a model is worth or what it
answers: ``models:promote``, audited. Reading value is ``insights:read`` (executives
have it without the ML permissions)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput
from phantom.kit.rows import utcnow
from phantom.monitoring.service import realized_outcomes, realized_outcomes_of
from phantom.registry.service import HoldoutEvidence, registry
from phantom.value import compute, realized
from phantom.value.currencies import ISO_4217
from phantom.value.models import ValueModel
from phantom.value.repository import ValueModelRepository

MAX_AMOUNT = 1e9  # per prediction, in the currency: far above any real payoff
MAX_MONTHLY_VOLUME = 1_000_000_000
MAX_MATRIX_CLASSES = 50  # a value matrix of at most 50 x 50
CLASSIFIER_FIELDS = ("true_positive_value", "true_negative_value")
CLASSIFIER_COSTS = ("false_positive_cost", "false_negative_cost")
REGRESSION_COSTS = ("under_prediction_cost", "over_prediction_cost")
CAMEL = {
    "true_positive_value": "truePositiveValue",
    "true_negative_value": "trueNegativeValue",
    "false_positive_cost": "falsePositiveCost",
    "false_negative_cost": "falseNegativeCost",
    "under_prediction_cost": "underPredictionCost",
    "over_prediction_cost": "overPredictionCost",
}


@dataclass(frozen=True, slots=True)
class ValueSettings:
    model_version_id: uuid.UUID | None
    model_id: uuid.UUID | None
    currency: str
    monthly_volume: int
    true_positive_value: float | None = None
    true_negative_value: float | None = None
    false_positive_cost: float | None = None
    false_negative_cost: float | None = None
    under_prediction_cost: float | None = None
    over_prediction_cost: float | None = None
    value_matrix: list[list[float]] | None = None


@dataclass(frozen=True, slots=True)
class ModelValue:
    """What ``modelValue`` answers; classifier-only parts are None for regression."""

    model_version_id: uuid.UUID
    task_type: str
    value_model: ValueModel
    holdout_rows: int
    threshold: float | None
    serving_threshold: float | None  # what predict applies now
    value_per_prediction: float
    interval: compute.Interval
    confusion: compute.Confusion | None
    best_threshold: float | None
    best_value_per_prediction: float
    best_confusion: compute.Confusion | None
    curve: list[tuple[float, float]]
    baseline_strategy: str
    baseline_value_per_prediction: float
    realized: list[realized.RealizedWindow]

    def monthly(self, per_prediction: float) -> float:
        return per_prediction * self.value_model.monthly_volume


def _amount(name: str, value: float, *, cost: bool) -> float:
    if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
        raise BadUserInput(f"{CAMEL[name]} must be a number between -1e9 and 1e9.")
    if cost and value < 0:
        raise BadUserInput(f"{CAMEL[name]} is a cost: give it as a positive amount (0 for none).")
    return float(value)


def _check_common(data: ValueSettings) -> str:
    currency = data.currency.strip().upper()
    if currency not in ISO_4217:
        raise BadUserInput(
            "currency must be an ISO 4217 code in circulation, such as EUR, USD or GBP."
        )
    if not 0 <= data.monthly_volume <= MAX_MONTHLY_VOLUME:
        raise BadUserInput(
            f"monthlyVolume is a number of predictions: between 0 and {MAX_MONTHLY_VOLUME:,}."
        )
    return currency


# per task: (figures that are values, figures that are costs, what the model is called)
TASK_FIGURES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "BINARY": (CLASSIFIER_FIELDS, CLASSIFIER_COSTS, "a binary classifier"),
    "REGRESSION": ((), REGRESSION_COSTS, "a regression model"),
}


def _figures(task_type: str, data: ValueSettings) -> dict[str, float | None]:
    """The figures the task uses, checked; the other task's must be absent."""
    if task_type not in TASK_FIGURES:
        raise BadUserInput(
            f"Value models are supported for classifiers and regression; this model is {task_type}."
        )
    wanted, costs, what = TASK_FIGURES[task_type]
    given: dict[str, float | None] = {name: getattr(data, name) for name in CAMEL}
    stray = [CAMEL[n] for n, v in given.items() if v is not None and n not in (*wanted, *costs)]
    if stray:
        raise BadUserInput(f"{', '.join(stray)} do not apply to {what}; leave them out.")
    missing = [CAMEL[n] for n in (*wanted, *costs) if given[n] is None]
    if missing:
        raise BadUserInput(f"{what.capitalize()} needs {', '.join(missing)}.")
    figures: dict[str, float | None] = dict.fromkeys(CAMEL)
    for name in (*wanted, *costs):
        figures[name] = _amount(name, float(given[name] or 0.0), cost=name in costs)
    return figures


async def _matrix(
    session: AsyncSession, data: ValueSettings
) -> tuple[list[list[float]], list[str]]:
    """A multiclass value matrix, checked against the classes of the version named."""
    given = [CAMEL[n] for n in CAMEL if getattr(data, n) is not None]
    if given:
        raise BadUserInput(
            f"{', '.join(given)} do not apply to a multiclass model; give valueMatrix."
        )
    if data.value_matrix is None or data.model_version_id is None:
        raise BadUserInput(
            "A multiclass model needs valueMatrix and modelVersionId (its classes order "
            "the matrix: ModelVersion.classes)."
        )
    evidence = await registry.holdout_evidence(session, data.model_version_id)
    classes = [str(c) for c in evidence.classes or []]
    k = len(classes)
    if k > MAX_MATRIX_CLASSES:
        raise BadUserInput(
            f"Value matrices are supported up to {MAX_MATRIX_CLASSES} classes; this model has {k}."
        )
    rows = data.value_matrix
    if len(rows) != k or any(len(row) != k for row in rows):
        raise BadUserInput(
            f"valueMatrix must be {k} x {k}: a row per actual class and a column per "
            f"predicted class, in the order {', '.join(classes)[:300]}."
        )
    checked = []
    for row in rows:
        if not all(math.isfinite(x) and abs(x) <= MAX_AMOUNT for x in row):
            raise BadUserInput("valueMatrix holds numbers between -1e9 and 1e9.")
        checked.append([float(x) for x in row])
    return checked, classes


def _check_threshold(threshold: float) -> float:
    if not math.isfinite(threshold) or not 0 <= threshold <= 1:
        raise BadUserInput("threshold is a probability: between 0 and 1.")
    return float(threshold)


class ValueService:
    @requires(P.MODELS_PROMOTE)
    async def set(
        self, session: AsyncSession, principal: Principal, data: ValueSettings
    ) -> ValueModel:
        if (data.model_id is None) == (data.model_version_id is None):
            raise BadUserInput("Give either modelVersionId or modelId.")
        # the model first: another tenant's id is NOT_FOUND whatever the figures
        model_id, name, task_type = await registry.model_facts(
            session, model_id=data.model_id, version_id=data.model_version_id
        )
        currency = _check_common(data)
        matrix, classes = None, None
        if task_type == "MULTICLASS":
            matrix, classes = await _matrix(session, data)
            figures: dict[str, float | None] = dict.fromkeys(CAMEL)
        else:
            if data.value_matrix is not None:
                raise BadUserInput("valueMatrix applies to multiclass models; leave it out.")
            figures = _figures(task_type, data)
        repo = ValueModelRepository(session)
        row = await repo.of_model(model_id, for_update=True)
        previous = _audited(row) if row is not None else None
        if row is None:
            row = ValueModel(model_id=model_id, kind=task_type)
            session.add(row)
        for key, figure in figures.items():
            setattr(row, key, figure)
        row.value_matrix, row.matrix_classes = matrix, classes
        row.kind, row.currency, row.monthly_volume = task_type, currency, data.monthly_volume
        row.updated_at, row.updated_by = utcnow(), principal.user_id
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="value.value_model.set",
            resource=("registered_model", model_id),
            details={"model": name, "from": previous, "to": _audited(row)},
        )
        return row

    @requires(P.INSIGHTS_READ)
    async def value_model(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> ValueModel | None:
        """The value model of the version's model; None: none set yet (``NotFound`` for
        another tenant's version)."""
        model_id, _, _ = await registry.model_facts(session, model_id=None, version_id=version_id)
        return await ValueModelRepository(session).of_model(model_id)

    @requires(P.INSIGHTS_READ)
    async def evaluate(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        threshold: float | None,
    ) -> ModelValue:
        evidence = await registry.holdout_evidence(session, version_id)
        settings = await ValueModelRepository(session).of_model(evidence.model_id)
        if settings is None:
            raise BadUserInput(
                "This model has no value model yet: set one with setValueModel first."
            )
        if evidence.task_type != "BINARY" and threshold is not None:
            raise BadUserInput("threshold applies to binary classifiers only; leave it out.")
        since = utcnow() - timedelta(days=realized.REALIZED_DAYS)
        outcomes = await realized_outcomes(session, version_id, since)
        return _value(evidence, settings, threshold, outcomes)

    @requires(P.MODELS_PROMOTE)
    async def set_serving_threshold(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID, threshold: float
    ) -> uuid.UUID:
        """The version's id; predict's labels follow the new threshold from the next call."""
        evidence = await registry.holdout_evidence(session, version_id)
        chosen = _check_threshold(threshold)
        if evidence.task_type != "BINARY":
            raise BadUserInput(
                "A serving threshold applies to binary classifiers only; this version is "
                f"{evidence.task_type}."
            )
        version = await registry.set_serving_threshold(session, principal, version_id, chosen)
        return version.id


@dataclass(frozen=True, slots=True)
class MonthValue:
    """A version's value since the start of the month, for the executive overview."""

    model_version_id: uuid.UUID
    currency: str
    monthly_volume: int  # the value model's planned predictions a month
    value_per_prediction: float | None  # holdout, at the serving threshold; None: unavailable
    realized: float  # summed over the month's predictions with an outcome
    realized_predictions: int
    unavailable: str | None = None  # why there is no holdout figure


async def month_values(
    session: AsyncSession, models_of: dict[uuid.UUID, uuid.UUID], since: datetime
) -> dict[uuid.UUID, MonthValue]:
    """The value since ``since`` of the versions (``{version id: model id}``) whose model
    has a value model: three queries whatever their number. For the executive overview,
    which checked ``insights:read``."""
    settings = await ValueModelRepository(session).of_models(set(models_of.values()))
    valued = {v for v, m in models_of.items() if m in settings}
    evidences = await registry.holdout_evidences(session, valued)
    outcomes = await realized_outcomes_of(session, valued, since)
    found = {}
    for evidence in evidences:
        model = settings[evidence.model_id]
        try:
            value = _value(evidence, model, None, outcomes[evidence.id])
        except BadUserInput as error:  # no stored holdout, or the classes changed
            found[evidence.id] = MonthValue(
                evidence.id, model.currency, model.monthly_volume, None, 0.0, 0, str(error)
            )
            continue
        found[evidence.id] = MonthValue(
            evidence.id,
            model.currency,
            model.monthly_volume,
            value.value_per_prediction,
            sum(w.value_per_prediction * w.predictions for w in value.realized),
            sum(w.predictions for w in value.realized),
        )
    return found


def _value(
    evidence: HoldoutEvidence,
    settings: ValueModel,
    threshold: float | None,
    outcomes: list[tuple[datetime, str, Any]],
) -> ModelValue:
    """The version's value at the threshold (binary: the serving one when None)."""
    holdout = evidence.holdout
    if not holdout or not holdout.get("truth"):
        raise BadUserInput(
            "This version was trained before holdout predictions were stored: retrain "
            "it (a new version) to value it."
        )
    if evidence.task_type == "REGRESSION":
        return _regression(evidence, settings, holdout, outcomes)
    if evidence.task_type == "MULTICLASS":
        return _multiclass(evidence, settings, holdout, outcomes)
    chosen = _check_threshold(threshold) if threshold is not None else _serving(evidence)
    return _classifier(evidence, settings, holdout, chosen, outcomes)


def _serving(evidence: HoldoutEvidence) -> float:
    """What predict applies: the threshold set, else the engine's, else 0.5."""
    for candidate in (evidence.serving_threshold, evidence.engine_threshold):
        if candidate is not None:
            return float(candidate)
    return 0.5


def _audited(row: ValueModel) -> dict[str, Any]:
    return {
        f.name: getattr(row, f.name)
        for f in fields(ValueSettings)
        if f.name not in ("model_version_id", "model_id")
    }


def _classifier(
    evidence: HoldoutEvidence,
    settings: ValueModel,
    holdout: dict[str, Any],
    threshold: float,
    outcomes: list[tuple[datetime, str, Any]],
) -> ModelValue:
    truth = np.asarray(holdout["truth"], dtype=bool)
    probability = np.asarray(holdout["probability"], dtype=float)
    payoffs = compute.Payoffs(
        true_positive=settings.true_positive_value or 0.0,
        true_negative=settings.true_negative_value or 0.0,
        false_positive_cost=settings.false_positive_cost or 0.0,
        false_negative_cost=settings.false_negative_cost or 0.0,
    )
    confusion = compute.confusion_at(truth, probability, threshold)
    points = compute.curve(truth, probability, payoffs)
    best_threshold, best_value = compute.best(points)
    strategy, baseline = compute.classifier_baseline(truth, payoffs)
    return ModelValue(
        model_version_id=evidence.id,
        task_type=evidence.task_type,
        value_model=settings,
        holdout_rows=len(truth),
        threshold=threshold,
        serving_threshold=_serving(evidence),
        value_per_prediction=compute.value_per_prediction(confusion, payoffs),
        interval=compute.classifier_interval(confusion, payoffs),
        confusion=confusion,
        best_threshold=best_threshold,
        best_value_per_prediction=best_value,
        best_confusion=compute.confusion_at(truth, probability, best_threshold),
        curve=points,
        baseline_strategy=strategy,
        baseline_value_per_prediction=baseline,
        realized=realized.classifier(outcomes, str(holdout["positive_class"]), payoffs),
    )


def _regression(
    evidence: HoldoutEvidence,
    settings: ValueModel,
    holdout: dict[str, Any],
    outcomes: list[tuple[datetime, str, Any]],
) -> ModelValue:
    truth = np.asarray(holdout["truth"], dtype=float)
    predicted = np.asarray(holdout["predicted"], dtype=float)
    under, over = settings.under_prediction_cost or 0.0, settings.over_prediction_cost or 0.0
    costs = compute.regression_costs(truth, predicted, under, over)
    value = -float(np.mean(costs))
    strategy, baseline = compute.regression_baseline(truth, under, over)
    return ModelValue(
        model_version_id=evidence.id,
        task_type=evidence.task_type,
        value_model=settings,
        holdout_rows=len(truth),
        threshold=None,
        serving_threshold=None,
        value_per_prediction=value,
        interval=compute.regression_interval(costs),
        confusion=None,
        best_threshold=None,
        best_value_per_prediction=value,
        best_confusion=None,
        curve=[],
        baseline_strategy=strategy,
        baseline_value_per_prediction=baseline,
        realized=realized.regression(outcomes, under, over),
    )


def _multiclass(
    evidence: HoldoutEvidence,
    settings: ValueModel,
    holdout: dict[str, Any],
    outcomes: list[tuple[datetime, str, Any]],
) -> ModelValue:
    classes = list(settings.matrix_classes or [])
    if classes != holdout.get("classes") or settings.value_matrix is None:
        raise BadUserInput(
            "This version's classes differ from the value matrix's: set the value model "
            "again through this version (setValueModel with its modelVersionId)."
        )
    values = np.asarray(settings.value_matrix, dtype=float)
    counts = compute.matrix_counts(
        np.asarray(holdout["truth"]), np.asarray(holdout["predicted"]), len(classes)
    )
    value = compute.matrix_value(counts, values)
    strategy, baseline = compute.matrix_baseline(counts, values)
    return ModelValue(
        model_version_id=evidence.id,
        task_type=evidence.task_type,
        value_model=settings,
        holdout_rows=int(counts.sum()),
        threshold=None,
        serving_threshold=None,
        value_per_prediction=value,
        interval=compute.matrix_interval(counts, values),
        confusion=None,
        best_threshold=None,
        best_value_per_prediction=value,
        best_confusion=None,
        curve=[],
        baseline_strategy=strategy,
        baseline_value_per_prediction=baseline,
        realized=realized.multiclass(outcomes, classes, values),
    )


values = ValueService()
