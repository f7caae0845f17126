"""``predict``: the GraphQL way to score rows (REST: ``serving/routes.py``)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.automl.forecast_schema import ForecastPoint
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.serving.service import predictions


@strawberry.enum(description="Why a scored row carries a warning.")
class InputWarningKind(Enum):
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNSEEN_CATEGORY = "UNSEEN_CATEGORY"
    MISSING = "MISSING"


@strawberry.type(description="An input unlike the training data; the row was still scored.")
class InputWarning:
    row: int = strawberry.field(description="The row's index in rows, from 0.")
    feature: str
    kind: InputWarningKind
    message: str


@strawberry.type
class Contribution:
    feature: str
    value: JSON | None = strawberry.field(description="The row's value for the feature.")
    contribution: float = strawberry.field(description="Its SHAP value, in output units.")


@strawberry.type(description="baseValue + sum(contributions) = output.")
class Explanation:
    base_value: float = strawberry.field(
        description="The output for a typical input (the model's mean, or the trees' root)."
    )
    output: float = strawberry.field(description="The explained quantity for this row.")
    explained: str = strawberry.field(
        description='What output is, in words, e.g. "log-odds of fraud = true".'
    )
    method: str = strawberry.field(description='"tree" (exact) or "kernel" (sampled, Kernel SHAP).')
    contributions: list[Contribution] = strawberry.field(
        description="Every feature, largest |contribution| first."
    )

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Explanation:
        return cls(
            base_value=item["baseValue"],
            output=item["output"],
            explained=item["explained"],
            method=item["method"],
            contributions=[
                Contribution(
                    feature=c["feature"],
                    value=JSON(c["value"]) if c["value"] is not None else None,
                    contribution=c["contribution"],
                )
                for c in item["contributions"]
            ],
        )


@strawberry.type
class Prediction:
    model_version_id: strawberry.ID = strawberry.field(description="The version that scored.")
    prediction_ids: list[strawberry.ID] = strawberry.field(
        description="One per row, in order: name it when recording the outcome."
    )
    predictions: JSON = strawberry.field(
        description="Per row: the class, the number, or (anomaly detection) true/false."
    )
    probabilities: JSON | None = strawberry.field(description="Classifiers: [{class: p}].")
    scores: JSON | None = strawberry.field(
        description="Anomaly detection: score per row, higher is more anomalous."
    )
    target: str | None = strawberry.field(description="The column the model predicts.")
    positive_class: str | None = strawberry.field(
        description="Binary classifiers: the class whose probability is the positive one."
    )
    warnings: list[InputWarning] = strawberry.field(
        description="Inputs unlike the training data (every call, explain or not)."
    )
    explanations: list[Explanation] | None = strawberry.field(
        description="With explain: true, one per row (SHAP)."
    )
    forecasts: list[ForecastPoint] | None = strawberry.field(
        default=None,
        description="FORECASTING: horizon steps per series, after the training data (rows: "
        "[]) or after the history rows given; predictions holds their means and "
        "predictionIds one id per step.",
    )
    interval_level: int | None = strawberry.field(
        default=None, description="FORECASTING: the interval's level, in percent."
    )


@strawberry.type
class ServingMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="predictions:run. rows: a list of {column: value}. explain: SHAP "
        "values per row (at most PHANTOM_EXPLAIN_MAX_ROWS rows).",
    )
    async def predict(
        self,
        info: Info[Context, None],
        model_version_id: strawberry.ID,
        rows: JSON,
        explain: bool = False,
    ) -> Prediction:
        version_id = parse_id(model_version_id, "Model version")
        result = await predictions.predict(
            info.context.require_principal(),
            rows,
            "graphql",
            version_id=version_id,
            explain=explain,
        )
        return Prediction(
            model_version_id=strawberry.ID(str(result.model_version_id)),
            prediction_ids=[strawberry.ID(i) for i in result.prediction_ids],
            predictions=JSON(result.predictions),
            probabilities=JSON(result.probabilities) if result.probabilities is not None else None,
            scores=JSON(result.scores) if result.scores is not None else None,
            target=result.target,
            positive_class=result.positive_class,
            warnings=[
                InputWarning(
                    row=w["row"],
                    feature=w["feature"],
                    kind=InputWarningKind(w["kind"]),
                    message=w["message"],
                )
                for w in result.warnings
            ],
            explanations=[Explanation.from_json(e) for e in result.explanations]
            if result.explanations is not None
            else None,
            forecasts=[ForecastPoint.from_json(f) for f in result.forecasts]
            if result.forecasts is not None
            else None,
            interval_level=result.interval_level,
        )
