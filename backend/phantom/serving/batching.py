"""Micro-batching: concurrent calls for one loaded model share one engine call.

An AutoGluon ensemble costs about the same for 1 row as for 300 (docs/benchmarks.md), so
scoring calls one by one wastes the engine. Each loaded model has one ``MicroBatcher``:
a call queues its rows; while the engine is busy, calls pile up and the next engine call
takes all of them (up to ``PHANTOM_PREDICT_BATCH_MAX_ROWS`` rows); when the engine is
idle, a call starts at once, or after ``PHANTOM_PREDICT_BATCH_WAIT_MS`` if that is set.
Results are split back per call. A batch that fails fails only its own calls; a call
still queued or scoring after ``PHANTOM_PREDICT_TIMEOUT_SECONDS`` is answered
UNAVAILABLE (and skipped if it had not started). One engine call runs at a time per
model (under the model's lock), which is also what the engines need (they are not
thread-safe).

A batch expected to take under ``PHANTOM_PREDICT_INLINE_MS`` (its rows at the model's
measured time per row, on average) is scored on the event loop itself: handing a ~1 ms
call to a thread costs more than the call (the hand-off, and the two threads taking
turns at the interpreter lock), and under load a fast model scored inline served ~25 %
more calls with a lower p99 (docs/benchmarks.md). Larger batches, slower models, and any
batch whose model is busy elsewhere (an explanation holds its lock), go to a thread, so
the loop never waits long."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import pandas as pd

from phantom.automl.engines.base import Predictions
from phantom.kit.errors import PhantomError, Unavailable
from phantom.serving.rows import Columns

log = logging.getLogger(__name__)
WATCH_SECONDS = 0.25  # how often the open calls are checked against their deadline
# what one engine call takes: a DataFrame (``predict``) or a float64 matrix (fastpath.py)
Batch: TypeAlias = pd.DataFrame | np.ndarray


class ScoringFailed(PhantomError):
    """The engine failed on a batch: its calls get this, others are unaffected."""


@dataclass(eq=False)
class _Call:
    columns: Columns
    rows: int
    future: asyncio.Future[Predictions] = field(repr=False)
    deadline: float  # event loop time


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
        build: Callable[[list[Columns]], Batch],
        score: Callable[[Batch], Predictions],
        lock: threading.Lock,
        max_rows: int,
        wait_seconds: float,
        timeout_seconds: float,
        inline_seconds: float = 0.0,
    ) -> None:
        """``score`` is called holding ``lock`` (the model's)."""
        self.build = build
        self.score = score
        self.lock = lock
        self.max_rows = max_rows
        self.wait_seconds = wait_seconds
        self.timeout_seconds = timeout_seconds
        self.inline_seconds = inline_seconds
        # moving average of a batch's time per row: a batch runs inline only if its rows
        # at this rate fit in ``inline_seconds`` (the fixed cost counted per row: a large
        # batch is overestimated, never under; one-row calls must not make 4,000 "fast")
        self.row_seconds: float | None = None
        self.queue: deque[_Call] = deque()
        self.draining: asyncio.Task[None] | None = None
        # every call not yet answered, oldest first (one timeout for all: deadline order)
        self.open: deque[_Call] = deque()
        self.watching: asyncio.Task[None] | None = None
        self.batches = 0  # engine calls made (tests and metrics)
        self.inline_batches = 0

    async def submit(self, columns: Columns, rows: int) -> Predictions:
        loop = asyncio.get_running_loop()
        call = _Call(columns, rows, loop.create_future(), loop.time() + self.timeout_seconds)
        self.queue.append(call)
        self.open.append(call)
        if self.draining is None:
            self.draining = asyncio.create_task(self._drain())
        if self.watching is None:
            self.watching = asyncio.create_task(self._watch())
        return await call.future

    async def _watch(self) -> None:
        """Answers UNAVAILABLE every call still queued or scoring at its deadline (one
        task per model, waking a few times a second while calls are open: a timer per
        call cost more than its scoring). A call failed here is skipped if still queued,
        and its result ignored if it was scoring."""
        loop = asyncio.get_running_loop()
        interval = min(self.timeout_seconds / 4, WATCH_SECONDS)
        try:
            while self.open:
                now = loop.time()
                while self.open and (self.open[0].future.done() or self.open[0].deadline <= now):
                    call = self.open.popleft()
                    if not call.future.done():
                        call.future.set_exception(
                            Unavailable(
                                f"The model did not answer within {self.timeout_seconds:g} s; "
                                "retry later."
                            )
                        )
                if self.open:
                    await asyncio.sleep(interval)
        finally:
            self.watching = None

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
            predicted = await self._score(frame)
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

    async def _score(self, frame: Batch) -> Predictions:
        rows = len(frame)
        fast = self.row_seconds is not None and self.row_seconds * rows < self.inline_seconds
        if fast and self.lock.acquire(blocking=False):
            try:
                predicted, took = self._timed(frame)
            finally:
                self.lock.release()
            self.inline_batches += 1
        else:
            predicted, took = await asyncio.to_thread(self._locked, frame)
        per_row, previous = took / max(rows, 1), self.row_seconds
        self.row_seconds = per_row if previous is None else 0.8 * previous + 0.2 * per_row
        return predicted

    def _locked(self, frame: Batch) -> tuple[Predictions, float]:
        with self.lock:
            return self._timed(frame)

    def _timed(self, frame: Batch) -> tuple[Predictions, float]:
        """The answer, and the time the call itself took (not the hand-off). Wall time,
        not this thread's CPU time: a model that waits for threads of its own (scikit-
        learn's forests start theirs on every call) must never block the loop. On a busy
        host, a fast model may then count as slow and go to a thread: slower, not worse."""
        started = time.perf_counter()
        predicted = self.score(frame)
        return predicted, time.perf_counter() - started
