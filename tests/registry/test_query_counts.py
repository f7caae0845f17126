"""``modelVersions`` costs the same number of queries for one row as for a page: the
model names come in one batch (a DataLoader), not one query per row."""

from __future__ import annotations

import httpx
import pytest

from tests.registry.support import Registry
from tests.support.queries import page_costs

pytestmark = pytest.mark.slow  # each model version is a real fit in a child process

# the web app's list (ModelVersionSummaryFields)
MODEL_VERSIONS = """query($first: Int!) { modelVersions(first: $first) { totalCount
  edges { node { id modelId modelName version stage stageChangedAt engine taskType target
  metric higherIsBetter metrics { name value } createdAt createdBy } } } }"""


async def test_a_page_of_model_versions_costs_the_same_as_one(
    client: httpx.AsyncClient, registry: Registry
) -> None:
    costs = await page_costs(client, registry.tenant.bearer, MODEL_VERSIONS, (1, 3))
    # the count, the page, one batch of model names, one of who trained them (and one of
    # which of those this organization erased)
    assert costs == {1: 5, 3: 5}, costs
