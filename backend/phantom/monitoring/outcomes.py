"""Outcomes: what actually happened for logged predictions, joined by prediction id.

Each outcome is stored with what was predicted (label, probabilities, anomaly score) and
the hour it was predicted in, so realized performance per window needs no join with the
log later. Rules (docs/monitoring.md):

- at most ``PHANTOM_OUTCOMES_MAX_ROWS`` per call; an empty list is refused;
- a malformed row (an id that is not a UUID, a missing, non-scalar or over-long actual, a
  non-number for regression, an unknown class) is reported with its row number and
  skipped; the other rows are recorded;
- an id the log does not hold for this version (never scored, another version, another
  organization) is reported as unknown, not fatal;
- duplicates: the latest wins, within a call (the last row) and across calls (a later
  outcome replaces the earlier one: a correction).

Permission: ``predictions:run`` - the integrator that scores rows is the one that learns
how they turned out; a separate permission would only make every integration token need
two.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.config import settings
from phantom.identity.principal import Principal
from phantom.kit import idempotency
from phantom.kit.errors import BadUserInput, Conflict
from phantom.kit.rows import utcnow
from phantom.monitoring.health import TRUE_TEXT
from phantom.monitoring.models import PredictionOutcome
from phantom.monitoring.predictionlog import find_predictions
from phantom.monitoring.reference import category_text_one
from phantom.monitoring.repository import OutcomeRepository
from phantom.monitoring.windows import hour_of
from phantom.registry.service import MonitoredVersion, registry

MAX_ACTUAL = 1000
MAX_REPORTED = 100  # unknown ids and errors listed in an answer (all are counted)
FALSE_TEXT = frozenset({"false", "0", "no", "normal"})


@dataclass(frozen=True, slots=True)
class OutcomeIn:
    prediction_id: Any
    actual: Any


@dataclass(frozen=True, slots=True)
class OutcomeError:
    row: int  # 1-based, in the order sent
    prediction_id: str | None
    message: str


@dataclass
class RecordedOutcomes:
    recorded: int = 0  # new outcomes
    replaced: int = 0  # outcomes that replaced an earlier one
    unknown: list[str] = field(default_factory=list)
    unknown_count: int = 0
    errors: list[OutcomeError] = field(default_factory=list)
    error_count: int = 0

    def fail(self, row: int, prediction_id: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(OutcomeError(row, prediction_id, message))


def _actual(value: Any, version: MonitoredVersion) -> str:
    """The actual as stored text, or ValueError saying what is wrong with it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("actual is missing.")
    if isinstance(value, dict | list):
        raise ValueError("actual must be a single value, not an object or a list.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("actual must be a finite value.")
    text = category_text_one(value).strip()
    if len(text) > MAX_ACTUAL:
        raise ValueError(f"actual is longer than {MAX_ACTUAL} characters.")
    task = version.task_type
    if task == "REGRESSION":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"actual must be a number; got '{text[:50]}'.") from None
        if not math.isfinite(number):
            raise ValueError("actual must be a finite number.")
        return repr(number)
    if task == "ANOMALY_DETECTION":
        lowered = text.lower()
        if lowered not in TRUE_TEXT | FALSE_TEXT:
            raise ValueError(f"actual must be true (anomalous) or false; got '{text[:50]}'.")
        return "true" if lowered in TRUE_TEXT else "false"
    classes = [category_text_one(c) for c in version.classes or []]
    if classes and text not in classes:
        shown = ", ".join(classes[:20])[:500]
        raise ValueError(f"actual '{text[:50]}' is not one of the model's classes ({shown}).")
    return text


def _shown(value: Any) -> str | None:
    """The sent id as an answer can echo it: bounded, and valid UTF-8 (Python's json
    accepts a lone surrogate, which no answer can encode)."""
    if value is None:
        return None
    return str(value)[:100].encode("utf-8", "replace").decode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class OutcomeService:
    @requires(P.PREDICTIONS_RUN)
    async def record(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        outcomes: list[OutcomeIn],
    ) -> RecordedOutcomes:
        if not outcomes:
            raise BadUserInput('Send at least one outcome: [{"predictionId", "actual"}].')
        if len(outcomes) > settings.OUTCOMES_MAX_ROWS:
            raise BadUserInput(
                f"At most {settings.OUTCOMES_MAX_ROWS} outcomes per call; got {len(outcomes)}."
            )
        version = await registry.reference_of(session, version_id)
        result = RecordedOutcomes()
        latest: dict[uuid.UUID, str] = {}  # the last row of each id wins
        for row, outcome in enumerate(outcomes, start=1):
            raw_id = _shown(outcome.prediction_id)
            try:
                prediction_id = uuid.UUID(str(outcome.prediction_id))
            except ValueError:
                result.fail(row, raw_id, "predictionId is not a prediction id (a UUID).")
                continue
            try:
                latest[prediction_id] = _actual(outcome.actual, version)
            except ValueError as problem:
                result.fail(row, raw_id, str(problem))
        found = await find_predictions(session, version_id, list(latest))
        for prediction_id in latest:
            if prediction_id not in found:
                result.unknown_count += 1
                if len(result.unknown) < MAX_REPORTED:
                    result.unknown.append(str(prediction_id))
        repo = OutcomeRepository(session)
        existing = await repo.existing(version_id, [i for i in latest if i in found])
        now = utcnow()
        for prediction_id, actual in latest.items():
            logged = found.get(prediction_id)
            if logged is None:
                continue
            stored = existing.get(prediction_id)
            if stored is None:
                stored = PredictionOutcome(model_version_id=version_id, prediction_id=prediction_id)
                session.add(stored)
                result.recorded += 1
            else:
                result.replaced += 1
            stored.window_start = hour_of(logged.at)
            stored.predicted_at = logged.at
            stored.actual = actual
            stored.predicted = _plain(logged.label)
            stored.probabilities = logged.probabilities
            stored.score = logged.score
            stored.recorded_at = now
        try:
            await session.flush()
        except IntegrityError:
            raise Conflict(
                "Outcomes for some of these predictions were recorded at the same moment by "
                "another call; send this one again (the latest wins)."
            ) from None
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="monitoring.outcomes.recorded",
            resource=("model_version", version_id),
            details={
                "recorded": result.recorded,
                "replaced": result.replaced,
                "unknown": result.unknown_count,
                "errors": result.error_count,
            },
        )
        return result

    @requires(P.PREDICTIONS_RUN)
    async def record_once(
        self,
        session: AsyncSession,
        principal: Principal,
        key: str | None,
        version_id: uuid.UUID,
        outcomes: list[OutcomeIn],
    ) -> RecordedOutcomes:
        """``record`` under an idempotency key (GraphQL and REST share the key space: the
        same rows sent again either way answer the first summary, stored as such)."""
        request = {
            "modelVersionId": version_id,
            "outcomes": [[o.prediction_id, o.actual] for o in outcomes],
        }

        async def recall(stored: dict[str, Any]) -> RecordedOutcomes:
            errors = [OutcomeError(**e) for e in stored.pop("errors")]
            return RecordedOutcomes(**stored, errors=errors)

        return await idempotency.once(
            session,
            principal,
            key,
            "recordOutcomes",
            request,
            lambda: self.record(session, principal, version_id, outcomes),
            asdict,
            recall,
        )


outcomes = OutcomeService()
