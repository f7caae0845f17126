"""``setValueModel``, ``modelValue`` and ``setServingThreshold`` (names from API.md; rules
in service.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import strawberry
from strawberry import Info

from phantom.automl.schema import ModelVersion
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.registry.service import registry
from phantom.value import compute
from phantom.value import service as value_service
from phantom.value.models import ValueModel as ValueModelRow
from phantom.value.service import ValueSettings, values


@strawberry.enum(description="How the 'no model' baseline treats every case alike.")
class BaselineStrategy(StrEnum):
    ALL_POSITIVE = "ALL_POSITIVE"  # everyone treated as positive (e.g. every case reviewed)
    ALL_NEGATIVE = "ALL_NEGATIVE"  # no one treated as positive
    CONSTANT = "CONSTANT"  # regression, multiclass: the best single prediction for everyone


@strawberry.input(
    description=(
        "Amounts per prediction in `currency` (at most 1e9 in absolute value); costs are "
        "positive amounts. Binary classifiers: the four outcome figures. Multiclass: "
        "valueMatrix. Regression: underPredictionCost and overPredictionCost, per unit of "
        "error (equal when under- and over-prediction cost the same)."
    )
)
class SetValueModelInput:
    model_version_id: strawberry.ID | None = None
    model_id: strawberry.ID | None = None
    currency: str
    monthly_volume: int = strawberry.field(description="Predictions a month, expected.")
    true_positive_value: float | None = None
    true_negative_value: float | None = None
    false_positive_cost: float | None = None
    false_negative_cost: float | None = None
    under_prediction_cost: float | None = None
    over_prediction_cost: float | None = None
    value_matrix: list[list[float]] | None = strawberry.field(
        default=None,
        description=(
            "Multiclass (with modelVersionId): the value of each outcome, a row per actual "
            "class and a column per predicted class in ModelVersion.classes order; costs "
            "negative. At most 50 classes."
        ),
    )


@strawberry.type(description="A registered model's value model (one per model).")
class ValueModel:
    id: strawberry.ID
    model_id: strawberry.ID
    task_type: str
    currency: str
    monthly_volume: int
    true_positive_value: float | None
    true_negative_value: float | None
    false_positive_cost: float | None
    false_negative_cost: float | None
    under_prediction_cost: float | None
    over_prediction_cost: float | None
    value_matrix: list[list[float]] | None
    matrix_classes: list[str] | None = strawberry.field(
        description="The classes ordering valueMatrix's rows (actual) and columns (predicted)."
    )
    updated_at: datetime

    @classmethod
    def from_model(cls, row: ValueModelRow) -> ValueModel:
        return cls(
            id=strawberry.ID(str(row.id)),
            model_id=strawberry.ID(str(row.model_id)),
            task_type=row.kind,
            currency=row.currency,
            monthly_volume=row.monthly_volume,
            true_positive_value=row.true_positive_value,
            true_negative_value=row.true_negative_value,
            false_positive_cost=row.false_positive_cost,
            false_negative_cost=row.false_negative_cost,
            under_prediction_cost=row.under_prediction_cost,
            over_prediction_cost=row.over_prediction_cost,
            value_matrix=row.value_matrix,
            matrix_classes=row.matrix_classes,
            updated_at=row.updated_at,
        )


@strawberry.type(description="Counted on the holdout at a threshold.")
class ValueConfusion:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @classmethod
    def of(cls, c: compute.Confusion | None) -> ValueConfusion | None:
        if c is None:
            return None
        return cls(
            true_positives=c.true_positives,
            false_positives=c.false_positives,
            false_negatives=c.false_negatives,
            true_negatives=c.true_negatives,
        )


@strawberry.type
class ValuePoint:
    threshold: float
    value_per_prediction: float


@strawberry.type(description="Percentile bootstrap over the holdout's rows.")
class ValueInterval:
    low: float
    high: float
    level: float
    resamples: int


@strawberry.type(description="Value from production outcomes, per UTC day predicted.")
class RealizedValue:
    window_start: datetime
    predictions: int = strawberry.field(description="Predictions with an outcome.")
    value_per_prediction: float
    confusion: ValueConfusion | None


@strawberry.type(
    description=(
        "A version's value from its stored holdout predictions, in the value model's "
        "currency. Monthly figures are per prediction times the value model's monthly volume."
    )
)
class ModelValue:
    model_version_id: strawberry.ID
    task_type: str
    value_model: ValueModel
    holdout_rows: int
    threshold: float | None = strawberry.field(
        description="Binary: the threshold valued (the argument, else what predict uses)."
    )
    serving_threshold: float | None = strawberry.field(
        description="Binary: the threshold predict applies now."
    )
    value_per_prediction: float
    interval: ValueInterval
    confusion: ValueConfusion | None
    best_threshold: float | None
    best_value_per_prediction: float
    best_confusion: ValueConfusion | None = strawberry.field(
        description="What choosing bestThreshold changes, counted on the holdout."
    )
    curve: list[ValuePoint] = strawberry.field(description="Binary: 101 thresholds, 0 to 1.")
    baseline_strategy: BaselineStrategy
    baseline_value_per_prediction: float
    monthly_value: float
    monthly_value_at_best: float
    monthly_baseline_value: float
    monthly_gain_over_baseline: float
    realized: list[RealizedValue] = strawberry.field(
        description="From recordOutcomes, the last 30 days, oldest first; next to the expected."
    )

    @classmethod
    def of(cls, v: value_service.ModelValue) -> ModelValue:
        return cls(
            model_version_id=strawberry.ID(str(v.model_version_id)),
            task_type=v.task_type,
            value_model=ValueModel.from_model(v.value_model),
            holdout_rows=v.holdout_rows,
            threshold=v.threshold,
            serving_threshold=v.serving_threshold,
            value_per_prediction=v.value_per_prediction,
            interval=ValueInterval(
                low=v.interval.low,
                high=v.interval.high,
                level=v.interval.level,
                resamples=v.interval.resamples,
            ),
            confusion=ValueConfusion.of(v.confusion),
            best_threshold=v.best_threshold,
            best_value_per_prediction=v.best_value_per_prediction,
            best_confusion=ValueConfusion.of(v.best_confusion),
            curve=[ValuePoint(threshold=t, value_per_prediction=x) for t, x in v.curve],
            baseline_strategy=BaselineStrategy(v.baseline_strategy),
            baseline_value_per_prediction=v.baseline_value_per_prediction,
            monthly_value=v.monthly(v.value_per_prediction),
            monthly_value_at_best=v.monthly(v.best_value_per_prediction),
            monthly_baseline_value=v.monthly(v.baseline_value_per_prediction),
            monthly_gain_over_baseline=v.monthly(
                v.value_per_prediction - v.baseline_value_per_prediction
            ),
            realized=[
                RealizedValue(
                    window_start=w.window_start,
                    predictions=w.predictions,
                    value_per_prediction=w.value_per_prediction,
                    confusion=ValueConfusion.of(w.confusion),
                )
                for w in v.realized
            ],
        )


def _optional_id(value: strawberry.ID | None, what: str) -> uuid.UUID | None:
    return parse_id(value, what) if value is not None else None


@strawberry.type
class ValueQuery:
    @strawberry.field(
        extensions=authenticated(),
        description=(
            "insights:read. The value model of the version's model; null until one is set "
            "(then modelValue answers BAD_USER_INPUT saying so)."
        ),
    )
    async def value_model(
        self, info: Info[Context, None], model_version_id: strawberry.ID
    ) -> ValueModel | None:
        async with info.context.session() as session:
            found = await values.value_model(
                session,
                info.context.require_principal(),
                parse_id(model_version_id, "Model version"),
            )
            return ValueModel.from_model(found) if found is not None else None

    @strawberry.field(
        extensions=authenticated(),
        description="insights:read. The version's value at a threshold (default: predict's).",
    )
    async def model_value(
        self,
        info: Info[Context, None],
        model_version_id: strawberry.ID,
        threshold: float | None = None,
    ) -> ModelValue:
        async with info.context.session() as session:
            found = await values.evaluate(
                session,
                info.context.require_principal(),
                parse_id(model_version_id, "Model version"),
                threshold,
            )
            return ModelValue.of(found)


@strawberry.type
class ValueMutation:
    @strawberry.mutation(
        extensions=authenticated(), description="models:promote. Audited; replaces the last one."
    )
    async def set_value_model(
        self, info: Info[Context, None], input: SetValueModelInput
    ) -> ValueModel:
        settings = ValueSettings(
            model_version_id=_optional_id(input.model_version_id, "Model version"),
            model_id=_optional_id(input.model_id, "Model"),
            currency=input.currency[:16],
            monthly_volume=input.monthly_volume,
            true_positive_value=input.true_positive_value,
            true_negative_value=input.true_negative_value,
            false_positive_cost=input.false_positive_cost,
            false_negative_cost=input.false_negative_cost,
            under_prediction_cost=input.under_prediction_cost,
            over_prediction_cost=input.over_prediction_cost,
            value_matrix=input.value_matrix,
        )
        async with info.context.session() as session:
            row = await values.set(session, info.context.require_principal(), settings)
            return ValueModel.from_model(row)

    @strawberry.mutation(
        extensions=authenticated(),
        description=(
            "models:promote; binary classifiers. Audited. predict answers the positive class "
            "where its probability is above the threshold, from the next call."
        ),
    )
    async def set_serving_threshold(
        self, info: Info[Context, None], model_version_id: strawberry.ID, threshold: float
    ) -> ModelVersion:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            version_id = await values.set_serving_threshold(
                session, principal, parse_id(model_version_id, "Model version"), threshold
            )
            version = await registry.get(session, principal, version_id)
        return ModelVersion.from_model(version)
