"""``batchPredictions`` costs the same number of queries for one row as for a page: who
started each job comes in one batch (a DataLoader), not one query per row."""

from __future__ import annotations

import httpx
import pytest

from tests.batch.support import World, started
from tests.support.queries import page_costs

pytestmark = pytest.mark.slow  # the package's model is a real fit in a child process

BATCH_PREDICTIONS = """query($first: Int!) { batchPredictions(first: $first) { totalCount
  edges { node { id status progress rowsScored rowsTotal modelVersionId datasetName
  createdAt createdBy csvUrl parquetUrl } } } }"""


async def test_a_page_of_batch_predictions_costs_the_same_as_one(
    client: httpx.AsyncClient, world: World
) -> None:
    for _ in range(3):
        await started(client, world.tenant.bearer, world.version, world.dataset)
    costs = await page_costs(client, world.tenant.bearer, BATCH_PREDICTIONS, (1, 3))
    # the count, the page, one batch of who started them (and of which of those this
    # organization erased)
    assert costs == {1: 4, 3: 4}, costs
