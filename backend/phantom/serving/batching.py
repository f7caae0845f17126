"""Micro-batching: concurrent calls for one loaded model share one engine call.

An AutoGluon ensemble costs about the same for 1 row as for 300 (docs/benchmarks.md), so
scoring calls one by one wastes the engine. Each loaded model has one ``MicroBatcher``:
a call queues its rows; while the engine is busy, calls pile up and the next engine call
takes all of them (up to ``PHANTOM_PREDICT_BATCH_MAX_ROWS`` rows); when the engine is
idle, a call starts at once, or after ``PHANTOM_PREDICT_BATCH_WAIT_MS`` if that is set.
Results are split back per call. A batch that fails fails only its own calls; a call
still queued or scoring after ``PHANTOM_PREDICT_TIMEOUT_SECONDS`` is answered
UNAVAILABLE (and skipped if it had not started). One engine call runs at a time per
model, which is also what the engines need (they are not thread-safe)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from phantom.automl.engines.base import Predictions
from phantom.kit.errors import PhantomError, Unavailable
from phantom.serving.rows import Columns

log = logging.getLogger(__name__)


class ScoringFailed(PhantomError):
    """The engine failed on a batch: its calls get this, others are unaffected."""


@dataclass(eq=False)
class _Call:
    columns: Columns
    rows: int
    future: asyncio.Future[Predictions] = field(repr=False)


def _slice(predicted: Predictions, start: int, stop: int) -> Predictions:
    return Predictions(
        labels=predicted.labels[start:stop],
        probabilities=None
        if predicted.probabilities is None
        else predicted.probabilities[start:stop],
        classes=predicted.classes,
        scores=None if predicted.scores is None else predicted.scores[start:stop],
    )


class MicroBatcher:
    def __init__(
        self,
        build: Callable[[list[Columns]], pd.DataFrame],
        score: Callable[[pd.DataFrame], Predictions],
        max_rows: int,
        wait_seconds: float,
        timeout_seconds: float,
    ) -> None:
        self.build = build
        self.score = score
        self.max_rows = max_rows
        self.wait_seconds = wait_seconds
        self.timeout_seconds = timeout_seconds
        self.queue: deque[_Call] = deque()
        self.draining: asyncio.Task[None] | None = None
        self.batches = 0  # engine calls made (tests and metrics)

    async def submit(self, columns: Columns, rows: int) -> Predictions:
        call = _Call(columns, rows, asyncio.get_running_loop().create_future())
        self.queue.append(call)
        if self.draining is None:
            self.draining = asyncio.create_task(self._drain())
        try:
            return await asyncio.wait_for(asyncio.shield(call.future), self.timeout_seconds)
        except TimeoutError:
            call.future.cancel()  # skipped if still queued; ignored if scoring
            raise Unavailable(
                f"The model did not answer within {self.timeout_seconds:g} s; retry later."
            ) from None

    def _take(self) -> list[_Call]:
        """The oldest calls, up to the row bound (always at least one call)."""
        batch = [self.queue.popleft()]
        rows = batch[0].rows
        while self.queue and rows + self.queue[0].rows <= self.max_rows:
            call = self.queue.popleft()
            batch.append(call)
            rows += call.rows
        return [call for call in batch if not call.future.done()]

    async def _drain(self) -> None:
        try:
            while self.queue:
                if self.wait_seconds and sum(c.rows for c in self.queue) < self.max_rows:
                    await asyncio.sleep(self.wait_seconds)
                batch = self._take()
                if batch:
                    await self._run(batch)
        finally:
            self.draining = None

    async def _run(self, batch: list[_Call]) -> None:
        try:
            frame = self.build([call.columns for call in batch])
            predicted = await asyncio.to_thread(self.score, frame)
        except Exception:
            log.exception("scoring a batch of %d calls failed", len(batch))
            failure = ScoringFailed("The model failed to score these rows; see the server log.")
            for call in batch:
                if not call.future.done():
                    call.future.set_exception(failure)
            return
        finally:
            self.batches += 1
        start = 0
        for call in batch:
            if not call.future.done():
                call.future.set_result(_slice(predicted, start, start + call.rows))
            start += call.rows
