"""How many jobs wait on each Dramatiq queue, for autoscaling workers.

Nothing in a worker process can say how much work waits for *other* workers, so a
scaler needs the broker's view: ``waiting`` messages in a queue's Redis list, ``in_flight``
messages a worker holds (its ack set), and ``depth``, their sum. ``phantom queues`` prints
them, optionally as CloudWatch embedded metric format (EMF) lines: a log line of that
shape on stdout becomes a metric once the container's log driver ships it, with no AWS
SDK or credentials in the publisher (infra/terraform scales the workers on it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from dramatiq.brokers.redis import RedisBroker

from phantom.kit.jobs import TRAINING_QUEUE, broker

QUEUES = ("default", TRAINING_QUEUE)


@dataclass(frozen=True, slots=True)
class QueueDepth:
    queue: str
    waiting: int
    in_flight: int

    @property
    def depth(self) -> int:
        return self.waiting + self.in_flight


def queue_depths() -> list[QueueDepth]:
    """Each queue's waiting and in-flight messages, read from Redis (never the
    in-process broker: standalone has no workers to scale)."""
    if not isinstance(broker, RedisBroker):
        raise RuntimeError("queue depth needs PHANTOM_REDIS_URL (the Redis broker)")
    client: Any = broker.client
    namespace = broker.namespace
    depths = []
    for queue in QUEUES:
        waiting = int(client.llen(f"{namespace}:{queue}"))
        in_flight = 0
        # one ack set per worker process and queue; a dead worker's set is emptied back
        # into the queue by the broker's maintenance (heartbeat_timeout)
        for key in client.scan_iter(match=f"{namespace}:__acks__.*.{queue}", count=500):
            in_flight += int(client.scard(key))
        depths.append(QueueDepth(queue, waiting, in_flight))
    return depths


def emf_line(depth: QueueDepth, namespace: str, at: float | None = None) -> str:
    """One CloudWatch EMF document: metrics QueueWaiting, QueueInFlight and QueueDepth
    (Count) with the dimension Queue."""
    document = {
        "_aws": {
            "Timestamp": int((time.time() if at is None else at) * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [["Queue"]],
                    "Metrics": [
                        {"Name": "QueueWaiting", "Unit": "Count"},
                        {"Name": "QueueInFlight", "Unit": "Count"},
                        {"Name": "QueueDepth", "Unit": "Count"},
                    ],
                }
            ],
        },
        "Queue": depth.queue,
        "QueueWaiting": depth.waiting,
        "QueueInFlight": depth.in_flight,
        "QueueDepth": depth.depth,
    }
    return json.dumps(document, separators=(",", ":"))
