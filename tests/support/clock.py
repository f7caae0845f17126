"""The rate limiter's clock, stopped, for tests that count what a limit allows."""

from __future__ import annotations

import time

import pytest

from phantom.kit import ratelimit


class FrozenClock:
    """No allowance refills and no lease expires while a loaded host runs the loop, so
    counts are exact (Redis and the script are real; the script takes "now" from its
    caller)."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    clock = FrozenClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock
