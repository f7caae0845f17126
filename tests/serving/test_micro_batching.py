"""Micro-batching (serving/batching.py) on a real loaded model: concurrent calls share
engine calls, and each gets exactly the answer it would have had alone."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.base import Predictions
from phantom.db import transaction
from phantom.kit.errors import Unavailable
from phantom.registry.service import registry
from phantom.serving.batching import MicroBatcher, ScoringFailed
from phantom.serving.cache import Served, models
from phantom.serving.rows import frame, rows_to_columns
from tests.serving.support import payment_rows, trained_model
from tests.support.fixtures import TenantFixture

pytestmark = pytest.mark.slow  # a real fit in a child process


@pytest.fixture(scope="module")
async def loaded(app: Any) -> tuple[TenantFixture, Served, list[dict[str, str]]]:
    tenant, version_id = await trained_model(app)
    async with transaction(tenant.id) as session:
        version = await registry.servable(session, uuid.UUID(version_id))
    return tenant, await models.get(version), version.features


def batcher(
    served: Served,
    features: list[dict[str, str]],
    score: Any = None,
    timeout: float = 30.0,
    wait: float = 0.0,
    inline: float = 0.0,
) -> MicroBatcher:
    return MicroBatcher(
        build=lambda parts: frame(parts, features),
        score=score or served.model.predict,
        lock=served.lock,
        max_rows=500,
        wait_seconds=wait,
        timeout_seconds=timeout,
        inline_seconds=inline,
    )


async def test_micro_batched_results_equal_one_by_one_results(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    _, served, features = loaded
    # given: 40 calls of 1 to 7 rows each (some with missing values)
    calls = []
    for index in range(40):
        rows = payment_rows(1 + index % 7, seed=index)
        if index % 5 == 0:
            rows[0] = {k: v for k, v in rows[0].items() if k != "amount"}
        calls.append(rows_to_columns(rows, features))
    # when: each is scored alone, then all at once through one batcher
    alone = [served.score(frame([columns], features)) for columns, _ in calls]
    shared = batcher(served, features)
    together = await asyncio.gather(*(shared.submit(c, n) for c, n in calls))
    # then: identical answers, from far fewer engine calls
    for single, batched in zip(alone, together, strict=True):
        np.testing.assert_array_equal(single.labels, batched.labels)
        np.testing.assert_allclose(single.scores, batched.scores, rtol=1e-9)  # type: ignore[arg-type]
    assert shared.batches < len(calls) / 4, shared.batches


async def test_a_failing_batch_fails_only_its_own_calls(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    _, served, features = loaded

    def score(data: pd.DataFrame) -> Predictions:
        # the real model, which cannot score a batch holding this (poisoned) amount
        if (data["amount"] == -123456.0).any():
            raise RuntimeError("the engine crashed on this batch")
        return served.model.predict(data)

    shared = batcher(served, features, score=score)
    poisoned = payment_rows(1)
    poisoned[0]["amount"] = -123456.0
    good = [rows_to_columns(payment_rows(2, seed=i), features) for i in range(6)]
    # the poisoned call is alone in the first batch (the engine was idle); the others
    # queue behind it and form the next batch
    tasks = [asyncio.create_task(shared.submit(*rows_to_columns(poisoned, features)))]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(shared.submit(c, n)) for c, n in good]
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(answers[0], ScoringFailed)
    assert "failed to score" in answers[0].message
    assert all(isinstance(a, Predictions) and len(a.labels) == 2 for a in answers[1:]), answers


async def test_a_call_not_answered_in_time_is_unavailable_and_others_still_answer(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    _, served, features = loaded

    def slow(data: pd.DataFrame) -> Predictions:
        time.sleep(0.6)  # a model stuck on one batch
        return served.model.predict(data)

    shared = batcher(served, features, score=slow, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(Unavailable, match=r"did not answer within 0\.3 s"):
        await shared.submit(*rows_to_columns(payment_rows(1), features))
    assert time.monotonic() - started < 0.55, "the caller waited for the slow batch"
    patient = batcher(served, features, score=slow, timeout=5)
    answer = await patient.submit(*rows_to_columns(payment_rows(3), features))
    assert len(answer.labels) == 3


async def test_the_row_bound_splits_batches(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    _, served, features = loaded
    seen: list[int] = []

    def counting(data: pd.DataFrame) -> Predictions:
        seen.append(len(data))
        return served.model.predict(data)

    shared = batcher(served, features, score=counting, wait=0.05)
    calls = [rows_to_columns(payment_rows(100, seed=i), features) for i in range(12)]
    answers = await asyncio.gather(*(shared.submit(c, n) for c, n in calls))
    assert all(len(a.labels) == 100 for a in answers)
    assert max(seen) <= 500, seen
    assert sum(seen) == 1200, seen
    assert len(seen) >= 3, seen


async def test_a_fast_model_is_scored_on_the_event_loop_with_the_same_answers(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    _, served, features = loaded
    calls = [rows_to_columns(payment_rows(1 + i % 4, seed=i), features) for i in range(30)]
    alone = [served.score(frame([columns], features)) for columns, _ in calls]
    shared = batcher(served, features, inline=60.0)  # any measured time counts as fast
    first = await shared.submit(*calls[0])  # measured in a thread: nothing known yet
    assert shared.inline_batches == 0
    rest = await asyncio.gather(*(shared.submit(c, n) for c, n in calls[1:]))
    assert shared.inline_batches >= 1
    for single, batched in zip(alone, [first, *rest], strict=True):
        np.testing.assert_array_equal(single.labels, batched.labels)
        np.testing.assert_allclose(single.scores, batched.scores, rtol=1e-9)  # type: ignore[arg-type]


async def test_the_loop_never_waits_for_a_model_busy_elsewhere(
    loaded: tuple[TenantFixture, Served, list[dict[str, str]]],
) -> None:
    """An explanation holds the model's lock in a thread: a batch that would run inline
    goes to a thread instead, and the event loop keeps serving meanwhile."""
    _, served, features = loaded
    shared = batcher(served, features, inline=60.0)
    await shared.submit(*rows_to_columns(payment_rows(1), features))  # now "fast"
    held, release = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def explain_elsewhere() -> None:
        with served.lock:
            loop.call_soon_threadsafe(held.set)
            time.sleep(0.6)

    holder = asyncio.create_task(asyncio.to_thread(explain_elsewhere))
    await held.wait()
    gaps: list[float] = []

    async def ticking() -> None:
        last = time.monotonic()
        while not release.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(ticking())
    before = shared.inline_batches
    answer = await shared.submit(*rows_to_columns(payment_rows(2), features))
    release.set()
    await asyncio.gather(ticker, holder)
    assert len(answer.labels) == 2
    assert shared.inline_batches == before  # it went to a thread
    assert max(gaps) < 0.3, max(gaps)  # the loop ran while the lock was held (0.6 s)
