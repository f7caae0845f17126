"""The fault drill, short (``bench/fault_drill.py`` runs the full one): training jobs of
two organizations through two APIs and three workers while a worker and a fit are
SIGKILLed, Redis crashes and restarts, PostgreSQL restarts, and cancellations flood in.
Every job ends exactly once, one version per success, nothing left behind, the audit
chains verify, and every fault is recovered from (the drill's checks, listed there)."""

from __future__ import annotations

import pytest

from bench.fault_drill import KINDS, DrillConfig, run_drill

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)
def test_every_job_ends_once_through_every_kind_of_fault() -> None:
    config = DrillConfig(
        jobs=18,
        tenants=2,
        slots=1,
        concurrent_per_tenant=2,
        budget=5,
        worker_kills=1,
        fit_kills=1,
        redis_restarts=1,
        postgres_restarts=1,
        cancel_floods=1,
        cancel_share=0.2,
        timeout=600,
    )
    report = run_drill(config)
    figures = "\n".join(report.lines())
    assert report.violations == [], figures
    assert sorted(f.kind for f in report.faults) == sorted(KINDS)
    assert all(f.recovery is not None for f in report.faults)
    assert report.submitted == config.jobs
    assert sum(report.statuses.values()) == config.jobs
    assert report.statuses["SUCCEEDED"] > 0
    assert report.statuses["CANCELLED"] > 0, "the cancel flood ended some jobs"
    killed = [f for f in report.faults if f.kind in ("worker_kill", "fit_kill")]
    assert all(f.affected >= 1 for f in killed), "each kill hit a running fit"
