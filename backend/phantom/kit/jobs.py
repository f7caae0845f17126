"""The Dramatiq broker, the ``actor`` decorator, ``send_job`` and ``enqueue_job``.

Dramatiq's defaults are wrong for us, so every middleware is listed here with a reason.
Domains declare their actors with ``actor`` and send by name; ``phantom.actors`` imports
every domain's ``jobs`` module and adds the schedules, so this module names no domain.
``phantom worker`` runs ``dramatiq phantom.actors``; ``phantom standalone`` runs the same
actors on an in-process ``StubBroker`` (``InProcessWorkers``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dramatiq
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.config import settings
from phantom.kit.errors import PhantomError
from phantom.kit.transactions import on_commit

log = logging.getLogger(__name__)
TRAINING_QUEUE = "training"  # fits only: one thread per training slot (``phantom worker``)


def _retry_infrastructure_only(retries_so_far: int, error: BaseException) -> bool:
    """Bad input never gets better by retrying; lost connections do."""
    return not isinstance(error, PhantomError) and retries_so_far < 3


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    interval: float
    jobs: tuple[str, ...]


class PeriodicScheduler(Middleware):
    """Enqueues each schedule's jobs every ``interval`` seconds. Every worker process runs
    one; a Redis ``SET NX`` lease per schedule lets only one of them fire per interval.
    ``phantom.actors`` adds it to the broker, since its schedules name domains' jobs."""

    def __init__(self, schedules: list[Schedule]) -> None:
        self.schedules = schedules
        self._stop = threading.Event()
        self._started = False

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if self._started:  # standalone boots two workers on one broker: one schedule
            return
        self._started = True
        for schedule in self.schedules:
            threading.Thread(
                target=self._run, args=(schedule,), name=f"phantom-{schedule.name}", daemon=True
            ).start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()

    def _run(self, schedule: Schedule) -> None:
        while not self._stop.wait(schedule.interval):
            try:
                self.tick(schedule)
            except Exception:
                log.exception("scheduler tick failed", extra={"schedule": schedule.name})

    def tick(self, schedule: Schedule) -> bool:
        """Fire the schedule's jobs if this process holds its lease, and remember when
        (``last_fired``: screens show the next run)."""
        if not self._acquire(schedule):
            return False
        for job in schedule.jobs:
            send_job(job)
        _remember_fired(schedule.name, time.time())
        return True

    def _acquire(self, schedule: Schedule) -> bool:
        if not isinstance(broker, RedisBroker):
            return True
        lease = broker.client.set(
            f"phantom:scheduler:{schedule.name}",
            "1",
            nx=True,
            px=max(int(schedule.interval * 1000) - 500, 500),
        )
        return bool(lease)


HOUSEKEEPING_SCHEDULE = "housekeeping"  # its jobs include retention (``phantom.actors``)
_fired_here: dict[str, float] = {}  # the in-process broker's (standalone) last ticks


def _fired_key(name: str) -> str:
    return f"phantom:scheduler:{name}:fired"


def _remember_fired(name: str, at: float) -> None:
    _fired_here[name] = at
    if isinstance(broker, RedisBroker):
        broker.client.set(_fired_key(name), repr(at))


def last_fired(name: str) -> datetime | None:
    """When any worker last fired the named schedule (None: never, or its record
    expired with Redis's data): with the schedule's interval, when it fires next."""
    at: float | None = _fired_here.get(name)
    if isinstance(broker, RedisBroker):
        stored = broker.client.get(_fired_key(name))
        at = float(stored) if stored is not None else at
    return None if at is None else datetime.fromtimestamp(at, UTC)


class JobContext(Middleware):
    """Worker processes log like API processes: JSON, with the message id as the request
    id and the job's tenant, so one grep follows a job across retries."""

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        from phantom.kit.logging import configure_logging

        configure_logging(settings.LOG_LEVEL, settings.LOG_JSON)

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        from phantom.kit.broadcast import broadcast

        broadcast.start()  # jobs check permissions with a fresh policy too

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        from phantom.kit.logging import request_id_var, tenant_id_var

        request_id_var.set(message.message_id)
        tenant_id_var.set(message.kwargs.get("tenant_id"))


stopping = threading.Event()
"""Set once this process's worker begins its graceful stop (SIGTERM). Jobs that run long
(a fit, a batch scoring) watch it and hand their job back rather than be cut off; their
actors opt out of Dramatiq's interrupt (``notify_shutdown=False``) to do so cleanly."""


class GracefulStop(Middleware):
    """Sets ``stopping`` when a worker begins to stop, clears it when one boots."""

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        stopping.clear()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        stopping.set()


class SharedAsyncIO(AsyncIO):
    """Dramatiq's AsyncIO keeps one event loop thread per process but boots one per
    worker: standalone's two workers on one broker leaked the first loop and crashed
    stopping the second. Here the first worker to boot starts it, the last to stop ends it."""

    def __init__(self) -> None:
        super().__init__()
        self._workers = 0
        self._lock = threading.Lock()

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        with self._lock:
            self._workers += 1
            if self._workers == 1:
                super().before_worker_boot(broker, worker)  # type: ignore[no-untyped-call]

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        with self._lock:
            self._workers -= 1
            if self._workers == 0:
                super().after_worker_shutdown(broker, worker)  # type: ignore[no-untyped-call]


def _middleware() -> list[Middleware]:
    return [
        AgeLimit(max_age=24 * 3600 * 1000),  # older messages are stale; state lives in the DB
        TimeLimit(time_limit=120_000),  # per-actor override; the default 10 min hides hangs
        GracefulStop(),  # before the interrupt below: long jobs see the stop first
        # short jobs are interrupted at a stop and retried (they are idempotent)
        ShutdownNotifications(notify_shutdown=True),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=3,
            min_backoff=1_000,
            max_backoff=60_000,
            retry_when=_retry_infrastructure_only,
        ),  # not 20 retries over days
        CurrentMessage(),
        JobContext(),
        SharedAsyncIO(),
    ]


def _build_broker() -> dramatiq.Broker:
    if settings.REDIS_URL:
        return RedisBroker(  # type: ignore[no-untyped-call]
            url=settings.REDIS_URL,
            namespace="phantom-jobs",
            middleware=_middleware(),
            heartbeat_timeout=15_000,  # a dead worker's messages come back in 15 s, not 60
            maintenance_chance=100_000,  # recover them promptly even with idle consumers
        )
    return StubBroker(middleware=_middleware())


broker = _build_broker()
dramatiq.set_broker(broker)


def actor(name: str, **options: Any) -> Callable[[Callable[..., Any]], dramatiq.Actor[Any, Any]]:
    """A job named ``<domain>.<event>``. Jobs take ids (``tenant_id`` first), never objects,
    and must be idempotent: a message can arrive twice."""
    return dramatiq.actor(
        actor_name=name, queue_name=options.pop("queue_name", "default"), broker=broker, **options
    )


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def send_job(
    name: str,
    *,
    options: dict[str, Any] | None = None,
    delay_ms: int | None = None,
    **kwargs: Any,
) -> None:
    """Send now. Inside a transaction use ``enqueue_job`` instead. ``options`` are
    per-message Dramatiq options (``time_limit``, ``max_retries``); ``delay_ms`` holds the
    message back that long (a retry's backoff)."""
    message = broker.get_actor(name).message_with_options(
        kwargs={k: _jsonable(v) for k, v in kwargs.items()}, **(options or {})
    )
    broker.enqueue(message, delay=delay_ms)


def enqueue_job(
    session: AsyncSession, name: str, *, options: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    """Send once the session's transaction commits; dropped if it rolls back."""
    broker.get_actor(name)  # fail now, not after commit, on an unknown name
    on_commit(session, lambda: send_job(name, options=options, **kwargs))


class InProcessWorkers:
    """Standalone mode: the same actors on threads of this process; training on its own
    worker with one thread per training slot, like ``phantom worker``."""

    def __init__(self) -> None:
        self.workers = [
            dramatiq.Worker(
                broker,
                queues={"default"},
                worker_threads=settings.WORKER_THREADS,
                worker_timeout=100,
            ),
            dramatiq.Worker(
                broker,
                queues={TRAINING_QUEUE},
                worker_threads=settings.TRAINING_SLOTS,
                worker_timeout=100,
            ),
        ]
        self.workers[1].queue_prefetch = settings.TRAINING_SLOTS  # no fit waits in a buffer

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        """Both stop together (fits and batch jobs are handed back), within the grace."""
        timeout = settings.SHUTDOWN_GRACE_SECONDS * 1000
        stopping.set()
        for worker in self.workers:
            worker.stop(timeout=timeout)


def start_in_process_worker() -> InProcessWorkers:
    workers = InProcessWorkers()
    workers.start()
    return workers
