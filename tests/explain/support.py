"""Small real models for explanation tests, trained the way production trains them."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pandas as pd

from tests.automl.support import post, upload_frame
from tests.support.fixtures import TenantFixture
from tests.support.models import train_version

PREDICT = """
mutation Predict($id: ID!, $rows: JSON!, $explain: Boolean!) {
  predict(modelVersionId: $id, rows: $rows, explain: $explain) {
    modelVersionId predictions probabilities scores target positiveClass
    warnings { row feature kind message }
    explanations {
      baseValue output explained method contributions { feature value contribution }
    }
  }
}
"""
SUMMARY = """
query Summary($id: ID!) {
  modelVersion(id: $id) {
    id explanationSummary { method explained rows features { feature meanAbsShap points } }
    trainingJob { featureImportance { feature importance } }
  }
}
"""


def people(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """The issue's example: ages 18 to 90 in four regions."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 91, rows),
            "region": rng.choice(["north", "south", "east", "west"], rows),
            "income": rng.normal(50, 10, rows).round(2),
        }
    )


def planted(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """A label decided by one feature (``signal``); the others are noise."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(0, 1, rows)
    return pd.DataFrame(
        {
            "signal": signal.round(3),
            "noise": rng.normal(0, 1, rows).round(3),
            "region": rng.choice(["north", "south", "east"], rows),
            "fraud": np.where(signal + rng.normal(0, 0.2, rows) > 0, "yes", "no"),
        }
    )


async def anomaly_version(
    client: httpx.AsyncClient, tenant: TenantFixture, model_name: str = "People"
) -> str:
    dataset = await upload_frame(client, tenant.bearer, people(), "People")
    return str((await train_version(client, tenant, dataset, model_name))["id"])


async def graphql_predict(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    version_id: str,
    rows: list[dict[str, Any]],
    explain: bool,
) -> dict[str, Any]:
    return await post(
        client, tenant.bearer, PREDICT, {"id": version_id, "rows": rows, "explain": explain}
    )


def assert_additive(explanation: dict[str, Any], features: set[str]) -> None:
    """Every feature once, largest |contribution| first, base + sum = output."""
    contributions = explanation["contributions"]
    assert {c["feature"] for c in contributions} == features
    assert len(contributions) == len(features)
    sizes = [abs(c["contribution"]) for c in contributions]
    assert sizes == sorted(sizes, reverse=True)
    total = explanation["baseValue"] + sum(c["contribution"] for c in contributions)
    assert abs(total - explanation["output"]) <= 1e-6 * max(1.0, abs(explanation["output"]))
