"""A customer's rows in the prediction log: found for an access report, removed for an
erasure (data subject requests, ``compliance.hooks``).

The identifier's column is a model input (``input.<column>`` in a batch's Parquet,
matched case-insensitively). An erasure rewrites each affected batch into a NEW object
without the rows, updates the batch row (key, SHA-256, bytes, rows) and records
``predictions.rows_erased`` naming the new digest, which ``predictionlog.verify`` then
expects instead of the logged one; the old object is deleted once the transaction
commits. The hourly aggregates (counts and histograms, no row) are left as they are.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.compliance.hooks import (
    Identifier,
    IdentifierErased,
    IdentifierMatch,
    scan_stored,
)
from phantom.kit import rowfilter
from phantom.kit.storage import delete_after_commit, get_store, tenant_key
from phantom.kit.transactions import on_rollback
from phantom.monitoring.models import PredictionBatch
from phantom.monitoring.predictionlog import (
    BATCH_RESOURCE,
    INPUT_PREFIX,
    PROBABILITY_PREFIX,
    ROWS_ERASED_ACTION,
)
from phantom.registry.service import registry

log = logging.getLogger(__name__)


def _columns(key: str, identifier: Identifier) -> list[str]:
    with get_store().open(key) as source:
        return [
            n
            for n in rowfilter.column_names(source)
            if n.startswith(INPUT_PREFIX) and identifier.matches_column(n[len(INPUT_PREFIX) :])
        ]


def _scan(key: str, identifier: Identifier) -> rowfilter.Found | None:
    return scan_stored(key, identifier, lambda: _columns(key, identifier), "prediction log object")


def _logged_row(row: dict[str, Any]) -> dict[str, Any]:
    """A logged row as the report shows it: when, the inputs, the prediction."""
    probabilities = {
        k[len(PROBABILITY_PREFIX) :]: v for k, v in row.items() if k.startswith(PROBABILITY_PREFIX)
    }
    shown: dict[str, Any] = {
        "_row": row.get("_row"),
        "prediction_id": row.get("prediction_id"),
        "scored_at": row.get("scored_at"),
        "inputs": {k[len(INPUT_PREFIX) :]: v for k, v in row.items() if k.startswith(INPUT_PREFIX)},
        "prediction": row.get("prediction"),
    }
    if probabilities:
        shown["probabilities"] = probabilities
    if "anomaly_score" in row:
        shown["anomaly_score"] = row["anomaly_score"]
    return shown


async def _batches(session: AsyncSession, *, for_update: bool = False) -> list[PredictionBatch]:
    statement = select(PredictionBatch).order_by(PredictionBatch.first_at, PredictionBatch.id)
    if for_update:
        statement = statement.with_for_update()
    return list((await session.scalars(statement)).all())


async def find(session: AsyncSession, identifier: Identifier) -> list[IdentifierMatch]:
    batches = await _batches(session)
    labels = await registry.labels(session, {b.model_version_id for b in batches})
    found: list[IdentifierMatch] = []
    for batch in batches:
        scan = await asyncio.to_thread(_scan, batch.storage_key, identifier)
        if scan is None or scan.row_count == 0:
            continue
        model, version = labels.get(batch.model_version_id, ("(deleted model)", 0))
        found.append(
            IdentifierMatch(
                domain="prediction_log",
                kind="prediction_batch",
                id=str(batch.id),
                facts={
                    "model": model,
                    "version": version,
                    "model_version_id": str(batch.model_version_id),
                },
                row_count=scan.row_count,
                rows=[_logged_row(r) for r in scan.rows],
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class _Rewritten:
    removed: int
    kept: int
    sha256: str
    bytes: int


def _rewrite(old_key: str, new_key: str, identifier: Identifier) -> _Rewritten | None:
    columns = _columns(old_key, identifier)
    if not columns:
        return None
    sink = io.BytesIO()  # a batch is one flush interval of one version: small
    with get_store().open(old_key) as source:
        result = rowfilter.rewrite_without(source, sink, columns, identifier.value)
    if result.removed == 0:
        return None
    data = sink.getvalue()
    get_store().write(new_key, io.BytesIO(data))
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    return _Rewritten(result.removed, result.kept, digest, len(data))


async def erase(
    session: AsyncSession, identifier: Identifier, request_id: uuid.UUID
) -> list[IdentifierErased]:
    store = get_store()
    batches = await _batches(session, for_update=True)
    labels = await registry.labels(session, {b.model_version_id for b in batches})
    done: list[IdentifierErased] = []
    for batch in batches:
        new_key = tenant_key(
            batch.tenant_id, "prediction_logs", uuid.uuid4(), ".parquet", batch.first_at.date()
        )
        on_rollback(session, lambda key=new_key: store.delete(key))  # type: ignore[misc]
        try:
            rewritten = await asyncio.to_thread(_rewrite, batch.storage_key, new_key, identifier)
        except FileNotFoundError:
            log.warning("prediction log object missing during an erasure: %s", batch.storage_key)
            continue
        if rewritten is None:
            continue
        old_key = batch.storage_key
        batch.storage_key, batch.sha256 = new_key, rewritten.sha256
        batch.bytes, batch.rows = rewritten.bytes, rewritten.kept
        await delete_after_commit(session, [old_key])
        await audit.record(
            session,
            actor=audit.Actor.system("compliance.erasure"),
            action=ROWS_ERASED_ACTION,
            resource=(BATCH_RESOURCE, batch.id),
            details={
                "data_subject_request_id": str(request_id),
                "model_version_id": str(batch.model_version_id),
                "rows_removed": rewritten.removed,
                "rows": rewritten.kept,
                "sha256": rewritten.sha256,
                "bytes": rewritten.bytes,
                "storage_key": new_key,
            },
        )
        model, version = labels.get(batch.model_version_id, ("(deleted model)", 0))
        done.append(
            IdentifierErased(
                domain="prediction_log",
                kind="prediction_batch",
                id=str(batch.id),
                facts={
                    "model": model,
                    "version": version,
                    "model_version_id": str(batch.model_version_id),
                },
                rows_removed=rewritten.removed,
            )
        )
    return done
