"""``predict``: the GraphQL way to score rows (REST: ``serving/routes.py``)."""

from __future__ import annotations

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.serving.service import predictions


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


@strawberry.type
class ServingMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="predictions:run. rows: a list of {column: value}.",
    )
    async def predict(
        self, info: Info[Context, None], model_version_id: strawberry.ID, rows: JSON
    ) -> Prediction:
        version_id = parse_id(model_version_id, "Model version")
        result = await predictions.predict(
            info.context.require_principal(), rows, "graphql", version_id=version_id
        )
        return Prediction(
            model_version_id=strawberry.ID(str(result.model_version_id)),
            prediction_ids=[strawberry.ID(i) for i in result.prediction_ids],
            predictions=JSON(result.predictions),
            probabilities=JSON(result.probabilities) if result.probabilities is not None else None,
            scores=JSON(result.scores) if result.scores is not None else None,
        )
