"""Attacks on wave 7 (the SKLEARN engine's linear candidate, the baseline standing in for
a failed main engine, fit to serve's swap rule, the forked forecast refit). Each test
performs the attack on the real code path and asserts the safe behaviour, so a test marked
``xfail(strict=True)`` is a finding still open, and an unmarked one either pins a fixed
finding or an attack found to fail."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.sklearn import LINEAR, SklearnEngine, _split
from phantom.automl.fit_to_serve import Candidate, choose
from phantom.automl.tasks import Outcome, TaskType
from phantom.config import settings
from phantom.serving import service as serving_service
from phantom.serving.cache import models
from phantom.serving.versions import servable_versions
from tests.automl.forecast_support import seasonal
from tests.automl.test_sklearn_engine import spec_for
from tests.security.test_wave6_findings import forecaster  # noqa: F401  (a fixture)
from tests.support.fixtures import TenantFixture

# --- W7-1: an infinity among the validation rows fails the whole SKLEARN fit -------------


@pytest.mark.parametrize(
    ("task", "metric"), [(TaskType.REGRESSION, "rmse"), (TaskType.BINARY, "log_loss")]
)
def test_an_infinity_in_the_validation_rows_does_not_fail_the_fit(
    tmp_path: Path, task: TaskType, metric: str
) -> None:
    """Finding W7-1 (medium, availability; fixed): the linear candidate's scaler refuses
    infinities, which HistGradientBoosting takes. A dataset (a CSV's "inf") with an infinity
    only in rows the engine's split holds out for validation let the linear model fit, then
    failed its validation predict outside the guard that keeps a linear failure from
    failing the engine: the whole SKLEARN job failed, and an AutoGluon or H2O job lost its
    baseline. Now an infinity is a missing value to the linear model."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=600)
    frame = pd.DataFrame({"x": x, "z": rng.normal(size=600)})
    frame["y"] = 3 * x + rng.normal(size=600) * 0.1 if task == TaskType.REGRESSION else x > 0
    if task != TaskType.REGRESSION:
        frame["y"] = np.where(frame["y"], "yes", "no")
    spec = spec_for(tmp_path, task, "y", metric)
    _, validation = _split(frame, spec)
    frame.loc[validation.index[:3], "x"] = np.inf  # finite everywhere the model fits

    fitted = SklearnEngine().fit(frame, spec, lambda message, rows: None)

    assert LINEAR in {row.model_name for row in fitted.leaderboard}
    model = SklearnEngine().load(spec.model_dir, 1)
    assert len(model.predict(frame.drop(columns="y")).labels) == len(frame)


# --- W7-2: the linear candidate's fit starts whatever time is left -----------------------


def test_the_linear_candidate_does_not_start_a_fit_it_cannot_end_in_time(
    tmp_path: Path,
) -> None:
    """Finding W7-2 (medium, availability; fixed): the linear candidate was sized by its
    design matrix only (rows x columns^2), not by logistic regression's cost (its 21
    cross-validated fits, times the classes), and started whenever the first boosted
    model ended early, though its fit cannot be stopped. 300,000 rows of 40 noise columns
    (HistGradientBoosting stops early on noise) took 15.6 s on a 10 s budget; with many
    classes the estimate was off a hundredfold, and an AutoGluon job's baseline, given 10
    s, ate the main engine's time. Now it starts only when its estimated fit ends before
    the deadline."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300_000, 40)), columns=[f"c{i}" for i in range(40)])
    frame["y"] = np.where(rng.random(300_000) < 0.5, "yes", "no")
    spec = spec_for(tmp_path, TaskType.BINARY, "y", "log_loss", seconds=10)
    ended: dict[str, float] = {}  # each model's report time

    SklearnEngine().fit(frame, spec, lambda message, rows: ended.setdefault(message, time.time()))

    late = {m: round(t - spec.deadline, 1) for m, t in ended.items() if LINEAR in m}
    assert all(seconds <= 1.0 for seconds in late.values()), f"past the deadline: {late}"


# --- W7-3: a forecast refit's child outlives the API process that forked it ---------------

ORPHAN = """
import sys, time
from pathlib import Path
from phantom.automl.engines.forecast import bounded

def work(path):
    Path(path).write_text(str(__import__("os").getpid()))
    time.sleep(60)

bounded(work, (sys.argv[1],), 60)
"""


def test_a_refit_child_dies_with_the_process_that_forked_it(tmp_path: Path) -> None:
    """Finding W7-3 (low, availability; fixed): ``bounded`` kills its child at the deadline,
    but only while the forking process lives. An API process killed (SIGKILL: the OOM
    killer, a supervisor's timeout) during a history forecast left the refit's child
    running, reparented, to its natural end (AutoARIMA: minutes), holding a core and a copy
    of the API process's memory, every tenant's cached models included. Now the child
    asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG)."""
    import os
    import signal
    import subprocess
    import sys

    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN, str(pid_file)])
    try:
        for _ in range(300):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        child = int(pid_file.read_text())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        for _ in range(50):
            if not _running(child):
                break
            time.sleep(0.1)
        alive = _running(child)
        if alive:
            os.kill(child, signal.SIGKILL)  # leave nothing behind, then fail
        assert not alive, "the refit's child outlived the process that forked it"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and is no zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# --- W7-4: a faster model whose holdout score is undefined replaces a defined best --------


def test_a_model_undefined_on_the_holdout_never_replaces_a_defined_best() -> None:
    """Finding W7-4 (low, integrity; fixed): ``p_not_worse`` leaves out the resamples on
    which either model's score is undefined and says 1.0 when none is left, so a faster
    model answering NaN (on every holdout row, or on the rows that define its score: an
    extreme value the model cannot take) passed ``p >= SWAP_P`` "within noise, p=1.00"
    and served, its holdout score undefined beside the best's. Now a model whose holdout
    score is undefined where the best's is defined is never swapped in."""
    rng = np.random.default_rng(0)
    truth = rng.normal(size=300)
    best = Outcome(truth, truth + rng.normal(size=300) * 0.1, None, None, None)
    broken = Outcome(truth, np.full(300, np.nan), None, None, None)
    partly = Outcome(truth, truth + rng.normal(size=300) * 0.1, None, None, None)
    partly.labels[7] = np.nan  # one row it cannot answer

    for faster in (broken, partly):
        choice = choose(
            [Candidate("best", best, 10.0, 100.0), Candidate("fast", faster, 1.0, 1000.0)],
            "best",
            "rmse",
        )
        assert choice.model_name == "best", choice.reason


# --- W7-5: history forecasts hold every thread of the API process's default executor ------


@pytest.mark.slow
async def test_history_forecasts_do_not_starve_the_shared_executor(
    client: httpx.AsyncClient,
    forecaster: tuple[TenantFixture, str, str],  # noqa: F811  (wave 6's fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding W7-5 (medium, availability across tenants; fixed): a history forecast ran
    in ``asyncio.to_thread``, and waited there for the model's lock while another refit ran,
    so a few concurrent forecasts on one version (one refitting, the rest waiting, each up
    to ``PREDICT_TIMEOUT_SECONDS``) held every thread of the default executor (6 on two
    cores), which the prediction log's flush, dataset uploads and idempotency digests of
    every tenant share. Now forecasts run in an executor of their own."""
    tenant, version_id, _ = forecaster
    known = seasonal(2, 300, seed=5, noise=5.0)
    fresh = seasonal(29, 24, seed=6, noise=5.0).assign(store=lambda f: "new-" + f["store"])
    rows = known[known["store"] == "store-1"].to_dict("records") + fresh.to_dict("records")
    slow = settings.model_copy(update={"PREDICT_TIMEOUT_SECONDS": 4.0})
    monkeypatch.setattr(serving_service, "settings", slow)
    url = f"/api/v1/models/{version_id}/predict"
    calls = [
        asyncio.ensure_future(client.post(url, json={"rows": rows}, headers=tenant.bearer))
        for _ in range(12)
    ]
    await asyncio.sleep(0.5)  # all of them in flight
    started = time.monotonic()
    await asyncio.to_thread(lambda: None)  # what another tenant's upload or flush waits for
    waited = time.monotonic() - started
    await asyncio.gather(*calls)
    version = await servable_versions.by_id(tenant.id, uuid.UUID(version_id))
    served = await models.get(version)
    while served.lock.locked():
        await asyncio.sleep(0.1)
    assert waited < 1.0, f"another tenant's thread work waited {waited:.1f} s"
