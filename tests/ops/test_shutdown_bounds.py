"""The orchestrator's stop timeout outlasts every process's own bound on a stop
(docs/operations.md, "Stopping and restarting"): ECS sends SIGKILL after ``stopTimeout``,
so a shorter one would cut the API's flush or a worker's hand-back short."""

from __future__ import annotations

import re

from phantom.cli import WORKER_KILL_MARGIN_SECONDS
from phantom.config import Settings
from tests.infra.terraform import module

API_FLUSH_SECONDS = 10  # the prediction log's retries at shutdown (about 7.5 s) and exit


def test_ecs_stop_timeouts_outlast_the_shutdown_grace() -> None:
    grace = Settings.model_fields["SHUTDOWN_GRACE_SECONDS"].default
    text = module("modules/compute").text
    timeouts = {
        name: int(value)
        for name, value in re.findall(
            r'resource "aws_ecs_task_definition" "(\w+)".*?stopTimeout\s*=\s*(\d+)', text, re.S
        )
    }
    assert set(timeouts) == {"api", "worker", "training"}
    bound = grace + max(WORKER_KILL_MARGIN_SECONDS, API_FLUSH_SECONDS)
    for name, seconds in timeouts.items():
        assert bound < seconds <= 120, (name, seconds)  # Fargate allows at most 120 s
    assert grace + 30 == 60 == timeouts["api"]  # as docs/operations.md and deploy.md say
