"""`phantom queues`: the queue depth workers scale on (infra/terraform publishes it as a
CloudWatch metric), read from the real Redis broker."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

import phantom.actors  # declares the actors sent below
from phantom.kit.jobs import broker, send_job
from tests.support.servers import PHANTOM


def phantom(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PHANTOM, *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def empty_queues() -> Iterator[None]:
    broker.flush_all()
    yield
    broker.flush_all()


def by_queue(stdout: str) -> dict[str, dict[str, int]]:
    rows = [json.loads(line) for line in stdout.splitlines()]
    return {row.pop("queue"): row for row in rows}


def test_counts_waiting_and_in_flight_jobs(empty_queues: None) -> None:
    for _ in range(3):
        send_job("identity.housekeeping", tenant_id=uuid.uuid4())
    consumer = broker.consume("default", prefetch=1, timeout=1000)
    taken = next(consumer)  # a worker holds it: in flight, no longer waiting
    assert taken is not None
    try:
        result = phantom("queues", "--json")
        assert result.returncode == 0, result.stderr
        assert by_queue(result.stdout) == {
            "default": {"waiting": 2, "in_flight": 1, "depth": 3},
            "training": {"waiting": 0, "in_flight": 0, "depth": 0},
        }
    finally:
        consumer.ack(taken)
        consumer.close()


def test_emf_lines_are_cloudwatch_metrics(empty_queues: None) -> None:
    send_job("identity.housekeeping", tenant_id=uuid.uuid4())
    result = phantom("queues", "--emf-namespace", "Phantom/test")
    assert result.returncode == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["Queue"] for d in documents] == ["default", "training"]
    default = documents[0]
    directive = default["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Phantom/test"
    assert directive["Dimensions"] == [["Queue"]]
    names = [metric["Name"] for metric in directive["Metrics"]]
    assert names == ["QueueWaiting", "QueueInFlight", "QueueDepth"]
    assert (default["QueueWaiting"], default["QueueInFlight"], default["QueueDepth"]) == (1, 0, 1)
    assert isinstance(default["_aws"]["Timestamp"], int)


def test_every_repeats_until_stopped(empty_queues: None) -> None:
    with subprocess.Popen(
        [PHANTOM, "queues", "--json", "--every", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        stdin=subprocess.DEVNULL,
    ) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(4)]  # two rounds of two queues
            assert [json.loads(line)["queue"] for line in lines] == [
                "default",
                "training",
                "default",
                "training",
            ]
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_without_redis_it_says_so() -> None:
    result = phantom("queues", env={"PHANTOM_REDIS_URL": ""})
    assert result.returncode == 2
    assert "needs PHANTOM_REDIS_URL" in result.stderr
