"""Real-time prediction: rows validated against the model version's input schema,
scored by the cached model, answered as JSON, and audited (who scored how many rows with
which version; never the rows themselves)."""

from __future__ import annotations

import asyncio
import math
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.automl.engines.base import Predictions
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput
from phantom.registry.service import ServableVersion, registry
from phantom.serving.cache import Served, models

MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class PredictionResult:
    predictions: list[Any]
    probabilities: list[dict[str, float]] | None
    scores: list[float] | None


def _bad(row: int, column: str, what: str) -> BadUserInput:
    return BadUserInput(f"Row {row}, column '{column[:100]}': {what}")


def _cell(value: Any, feature: dict[str, str], row: int) -> Any:
    name, dtype = feature["name"], feature["dtype"]
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise _bad(row, name, "expected a single value, got an object or a list.")
    if dtype.startswith(("int", "uint", "float", "Int", "UInt", "Float")):
        if isinstance(value, bool):
            raise _bad(row, name, "expected a number, got true/false.")
        if isinstance(value, int | float):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                raise _bad(row, name, f"expected a number, got '{str(value)[:50]}'.") from None
        if not math.isfinite(number):
            raise _bad(row, name, "expected a finite number.")
        return number
    if dtype in ("bool", "boolean"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise _bad(row, name, f"expected true or false, got '{str(value)[:50]}'.")
    if dtype.startswith("datetime"):
        try:
            return pd.Timestamp(str(value))
        except (ValueError, TypeError):
            raise _bad(row, name, f"expected an ISO 8601 date, got '{str(value)[:50]}'.") from None
    text = str(value)
    if len(text) > MAX_TEXT:
        raise _bad(row, name, f"text longer than {MAX_TEXT} characters.")
    return text


def rows_to_frame(rows: object, version: ServableVersion) -> pd.DataFrame:
    """Missing features are missing values (every engine handles them); an unknown column
    is refused, since a misspelt feature would otherwise be silently ignored."""
    if not isinstance(rows, list) or not rows:
        raise BadUserInput('rows must be a non-empty list of objects: [{"column": value}].')
    if len(rows) > settings.PREDICT_MAX_ROWS:
        raise BadUserInput(
            f"At most {settings.PREDICT_MAX_ROWS} rows per call; got {len(rows)}. Use batch "
            "scoring for more."
        )
    features = version.features
    known = {f["name"] for f in features}
    columns: dict[str, list[Any]] = {f["name"]: [] for f in features}
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BadUserInput(f"Row {index} must be an object of column: value.")
        unknown = [k for k in row if k not in known]
        if unknown:
            raise BadUserInput(
                f"Row {index} has unknown column '{str(unknown[0])[:100]}'; the model's "
                f"features are: {', '.join(sorted(known))[:2000]}."
            )
        for feature in features:
            columns[feature["name"]].append(_cell(row.get(feature["name"]), feature, index))
    frame = pd.DataFrame(columns)
    for feature in features:
        dtype, name = feature["dtype"], feature["name"]
        if dtype.startswith(("int", "uint", "float", "Int", "UInt", "Float")):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        elif dtype.startswith("datetime"):
            frame[name] = pd.to_datetime(frame[name], utc="UTC" in dtype or "tz" in dtype)
        elif dtype == "category":
            frame[name] = frame[name].astype("object")
    return frame


def _native(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_result(predicted: Predictions) -> PredictionResult:
    probabilities = None
    if predicted.probabilities is not None and predicted.classes is not None:
        keys = [str(_native(c)) for c in predicted.classes]
        probabilities = [
            {key: float(p) for key, p in zip(keys, row, strict=True)}
            for row in predicted.probabilities
        ]
    scores = None
    if predicted.scores is not None:
        scores = [float(s) for s in predicted.scores]
    return PredictionResult(
        predictions=[_native(v) for v in predicted.labels.tolist()],
        probabilities=probabilities,
        scores=scores,
    )


def _score(served: Served, frame: pd.DataFrame) -> Predictions:
    with served.lock:
        return served.model.predict(frame)


class PredictionService:
    @requires(P.PREDICTIONS_RUN)
    async def predict(
        self, principal: Principal, version_id: uuid.UUID, rows: object, channel: str
    ) -> PredictionResult:
        """Opens its own short transactions, and none while the model loads or scores:
        a cold load takes seconds, and one organization's concurrent predictions must not
        hold the pool's connections away from every other organization."""
        async with transaction(principal.tenant_id) as session:
            version = await registry.servable(session, version_id)
        frame = rows_to_frame(rows, version)
        served = await models.get(version)
        result = to_result(await asyncio.to_thread(_score, served, frame))
        async with transaction(principal.tenant_id) as session:
            await audit.record(
                session,
                actor=audit.Actor.from_principal(principal),
                action="predictions.scored",
                resource=("model_version", version.id),
                details={"rows": len(frame), "channel": channel, "stage": version.stage},
            )
        return result


predictions = PredictionService()
