"""Resources bound to an event loop (asyncpg pools, redis.asyncio clients).

The API, the in-process worker of ``phantom standalone`` and tests each run their own
loop; a pool created on one loop must never be used from another, so each loop gets
its own instance.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        instance = self._instances.get(loop)
        if instance is None:
            instance = self._instances[loop] = self._factory()
        return instance

    def pop(self) -> T | None:
        """Forget the current loop's instance (the caller closes it)."""
        return self._instances.pop(asyncio.get_running_loop(), None)
