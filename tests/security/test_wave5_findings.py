"""Attacks on serving's second pass (bare ASGI predict, the rows fast path, inline
scoring, refresh-ahead caches, pooled prediction ids) and the key/infra merges. Each test
performs the attack on the real code path and asserts the safe behaviour, so a test
marked ``xfail(strict=True)`` is a finding still open, and an unmarked one either pins a
fixed finding or an attack found to fail."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.base import Predictions
from phantom.kit.errors import BadUserInput
from phantom.serving.batching import MicroBatcher
from phantom.serving.rows import frame, rows_to_columns

MIXED = [{"name": "amount", "dtype": "float64"}, {"name": "channel", "dtype": "object"}]


@pytest.mark.parametrize(
    "rows",
    [
        [{"amount": 1.0, "chanel": "web"}],  # one misspelt column, as many as the model has
        [{"amount": 1.0, "channel": "web", "chanel": "app"}, {"amount": 2.0}],
    ],
)
def test_a_misspelt_feature_is_refused_not_silently_ignored(rows: list[dict[str, Any]]) -> None:
    """W5-1 (medium, integrity): the rows fast path counted a row "complete" when it had
    the numeric features and as many keys as the model has features, so a misspelt
    non-numeric feature (``chanel`` for ``channel``) was dropped without a word and the row
    scored as if the value were missing, the very case the unknown-column check exists to
    refuse (``rows_to_columns``). Before this pass it was a 400 naming the column."""
    with pytest.raises(BadUserInput, match="unknown column 'chanel'"):
        rows_to_columns(rows, MIXED)


NUMBERS = [{"name": "amount", "dtype": "float64"}]
PER_ROW_SECONDS = 0.0001  # 1 row: 0.1 ms (fast); 4,000 rows: 0.4 s


def _proportional(table: pd.DataFrame) -> Predictions:
    """A model whose time grows with its rows, as every engine's does."""
    time.sleep(len(table) * PER_ROW_SECONDS)
    return Predictions(labels=np.zeros(len(table)))


async def test_a_batch_far_larger_than_those_measured_never_runs_on_the_event_loop() -> None:
    """W5-2 (medium, availability across tenants): inline scoring was decided on the
    moving average of past *batches*, whatever their size. A caller warms a model up with
    one-row calls (0.1 ms each: "fast"), then sends four 1,000-row calls at once: they
    form one 4,000-row batch that ran on the event loop, freezing every other request of
    every tenant on that process for the whole engine call (and the timeout watchdog with
    it). Repeatable after ~15 small calls each time. A batch must only run inline when its
    own expected time is under PHANTOM_PREDICT_INLINE_MS."""
    batcher = MicroBatcher(
        build=lambda parts: frame(parts, NUMBERS),
        score=_proportional,
        lock=threading.Lock(),
        max_rows=4096,
        wait_seconds=0.0,
        timeout_seconds=30.0,
        inline_seconds=0.005,
    )
    one = rows_to_columns([{"amount": 1.0}], NUMBERS)
    for _ in range(20):
        await batcher.submit(*one)
    assert batcher.inline_batches >= 10  # the small calls do run inline
    big = rows_to_columns([{"amount": float(i)} for i in range(1000)], NUMBERS)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticking() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(ticking())
    await asyncio.sleep(0.02)
    before = batcher.inline_batches
    answers = await asyncio.gather(*(batcher.submit(*big) for _ in range(4)))
    done.set()
    await ticker
    assert [len(a.labels) for a in answers] == [1000] * 4
    assert batcher.inline_batches == before, "the 4,000-row batch ran on the event loop"
    assert max(gaps) < 0.2, f"the event loop stalled {max(gaps):.3f} s"
