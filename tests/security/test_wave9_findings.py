"""Wave 9: attacks on matrix scoring (serving/fastpath.py, ``AutoGluonModel.matrix_scorer``)
and on rate-limit lease renewals taken in turn (``RequestLimiter.charge``).

Real AutoGluon fits (LightGBM only, seconds each) and the real Redis of the test run; no
mocks of either. Tests named ``..._holds`` are attacks that failed: they guard the
behaviour against regressions."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.autogluon import AutoGluonEngine, AutoGluonModel, quiet_autogluon
from phantom.kit import ratelimit
from phantom.kit.ratelimit import RequestLimiter
from phantom.kit.redis import get_redis
from phantom.serving.fastpath import same, stacked, verified_matrix_scorer
from phantom.serving.rows import MAX_MAGNITUDE, frame, rows_to_columns
from tests.automl.support import breast_cancer, iris
from tests.support.clock import FrozenClock

pytestmark = pytest.mark.slow  # real fits

Fitted = tuple[AutoGluonModel, list[dict[str, str]], pd.DataFrame]
DEADLINE = 20.0  # seconds: a test fails rather than hangs


def fit(
    directory: Path,
    data: pd.DataFrame,
    target: str,
    problem: str,
    features_order: list[str] | None = None,
    **predictor_kwargs: Any,
) -> Fitted:
    """A LightGBM-only predictor saved where the engine loads it, loaded by it; the
    features as the registry lists them (optionally in another order); the sample."""
    quiet_autogluon()
    from autogluon.tabular import TabularPredictor

    predictor = TabularPredictor(
        label=target,
        problem_type=problem,
        path=str(directory / "predictor"),
        verbosity=0,
        **predictor_kwargs,
    )
    predictor.fit(data, hyperparameters={"GBM": {}}, num_cpus=1, fit_weighted_ensemble=False)
    inputs = data.drop(columns=[target])
    features = [{"name": str(c), "dtype": str(t)} for c, t in inputs.dtypes.items()]
    if features_order is not None:
        by_name = {f["name"]: f for f in features}
        features = [by_name[name] for name in features_order]
    return AutoGluonEngine().load(directory, num_cpus=1), features, inputs


def floats(data: pd.DataFrame, target: str) -> pd.DataFrame:
    return data.astype({c: "float64" for c in data.columns if c != target})


def edge_rows(inputs: pd.DataFrame, seed: int = 0) -> list[dict[str, Any]]:
    """Rows a caller may send that the load-time check never saw: signed zeros,
    subnormals, the largest magnitude serving accepts and its float32 neighbours, huge
    JSON integers, nulls and absent keys, and values a hair either side of training
    values (where a float32 rounding would move them across a split)."""
    rng = np.random.default_rng(seed)
    names = list(inputs.columns)
    base = inputs.sample(60, replace=True, random_state=seed).to_numpy(dtype=np.float64)
    specials: list[Any] = [
        -0.0,
        0.0,
        5e-324,
        -5e-324,
        2.2250738585072014e-308,
        1e-45,
        1.4e-45,
        MAX_MAGNITUDE,
        -MAX_MAGNITUDE,
        float(np.nextafter(np.float32(MAX_MAGNITUDE), np.float32(0))),
        10**38,
        -(10**38),
        2**63,
        None,
    ]
    rows: list[dict[str, Any]] = []
    for i, values in enumerate(base):
        row: dict[str, Any] = {}
        for j, name in enumerate(names):
            value = float(values[j])
            kind = rng.integers(0, 6)
            if kind == 0:
                row[name] = specials[rng.integers(0, len(specials))]
            elif kind == 1:
                row[name] = float(np.nextafter(value, np.inf))
            elif kind == 2:
                row[name] = float(np.nextafter(value, -np.inf))
            elif kind == 3 and i % 3 == 0:
                continue  # the key is absent: a missing value
            else:
                row[name] = value
        rows.append(row)
    rows.append({})  # every key absent
    rows.append(dict.fromkeys(names, -0.0))
    return rows


def assert_scored_as_predict(fitted: Fitted, rows: list[dict[str, Any]]) -> None:
    model, features, inputs = fitted
    scorer = verified_matrix_scorer(model, features, inputs)
    assert scorer is not None, "the case should be matrix scored (else it proves nothing)"
    columns, _ = rows_to_columns(rows, features)
    expected = model.predict(frame([columns], features))
    got = scorer(stacked([columns]))
    assert same(expected, got)
    np.testing.assert_array_equal(expected.labels, got.labels)


# ------------------------------------------------------------------ matrix scoring


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    """Binary; column names LightGBM cannot take (AutoGluon renames them, and two clean to
    the same name), a constant column and a duplicate column (AutoGluon drops both), a
    custom positive class (the first sorted), and the registry's feature list in reverse
    order of the model's."""
    data = floats(breast_cancer().drop(columns=["patient_id"]), "diagnosis")
    names = {
        "mean_radius": 'mean "radius": [a]',
        "mean_texture": "mean texture",
        "mean_perimeter": "mean,texture",
        "mean_area": "mean:texture",
        "mean_smoothness": "größe {x}",
    }
    data = data.rename(columns=names)
    data["constant"] = 3.25
    data["copy of worst area"] = data["worst_area"]
    order = [c for c in data.columns if c != "diagnosis"][::-1]
    first = sorted(data["diagnosis"].unique())[0]
    return fit(
        tmp_path_factory.mktemp("renamed"),
        data,
        "diagnosis",
        "binary",
        features_order=order,
        positive_class=first,
    )


def test_renamed_pruned_reordered_columns_with_a_custom_positive_class_holds(
    renamed: Fitted,
) -> None:
    model, _, inputs = renamed
    assert str(model.classes[1]) == sorted(map(str, model.classes))[0]  # custom positive
    assert_scored_as_predict(renamed, edge_rows(inputs))


def test_a_decision_threshold_set_on_the_predictor_holds(renamed: Fitted) -> None:
    model, features, inputs = renamed
    model.predictor.set_decision_threshold(0.0731)
    try:
        thresholded = AutoGluonModel(model.predictor, model.task)
        assert thresholded.decision_threshold == pytest.approx(0.0731)
        assert_scored_as_predict((thresholded, features, inputs), edge_rows(inputs, seed=3))
    finally:
        model.predictor.set_decision_threshold(0.5)


def test_values_beside_every_split_threshold_hold(renamed: Fitted) -> None:
    """For every split of every tree: the threshold itself and its float64 neighbours,
    in the split's feature (a float32 path in AutoGluon would send these elsewhere)."""
    model, _, inputs = renamed
    learner = model.predictor._learner
    lgbm = learner.load_trainer().load_model(model.predictor.model_best)
    dump = lgbm.model.dump_model()
    splits: list[tuple[str, float]] = []

    def walk(node: dict[str, Any]) -> None:
        if "split_feature" in node:
            splits.append((lgbm.features[node["split_feature"]], float(node["threshold"])))
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in dump["tree_info"][:40]:
        walk(tree["tree_structure"])
    start = inputs.iloc[0].astype(float).to_dict()
    rows = []
    for name, threshold in splits[:300]:
        for value in (np.nextafter(threshold, -np.inf), threshold, np.nextafter(threshold, np.inf)):
            rows.append({**start, name: float(value)})
    assert_scored_as_predict(renamed, rows)


@pytest.fixture(scope="module")
def multiclass_rare(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    """Multiclass where one class has a single row (AutoGluon's label cleaner may drop
    it), features in the registry's order reversed."""
    data = floats(iris(), "species")
    data["species"] = data["species"].astype(str)
    data.loc[data.index[0], "species"] = "rare"
    order = [c for c in data.columns if c != "species"][::-1]
    return fit(tmp_path_factory.mktemp("rare"), data, "species", "multiclass", features_order=order)


def test_multiclass_with_a_rare_class_holds(multiclass_rare: Fitted) -> None:
    model, features, inputs = multiclass_rare
    scorer = verified_matrix_scorer(model, features, inputs)
    if scorer is None:
        return  # served through predict: nothing to compare
    assert_scored_as_predict(multiclass_rare, edge_rows(inputs, seed=1))


def test_float32_training_columns_are_served_through_predict_holds(tmp_path: Path) -> None:
    """A parquet upload keeps float32 columns; AutoGluon casts callers' float64 values to
    float32 before the booster, the matrix scorer would not. The load-time check must
    refuse the scorer, or it must still answer as predict on values float32 rounds."""
    data = breast_cancer().drop(columns=["patient_id"])
    data = data.astype({c: "float32" for c in data.columns if c != "diagnosis"})
    fitted = fit(tmp_path, data, "diagnosis", "binary")
    model, features, inputs = fitted
    scorer = verified_matrix_scorer(model, features, inputs)
    if scorer is not None:
        assert_scored_as_predict(fitted, edge_rows(inputs, seed=2))


def test_refit_full_model_holds(tmp_path: Path) -> None:
    """A ``_FULL`` refit (what ``good_quality`` serves) set as the predictor's best."""
    data = floats(breast_cancer().drop(columns=["patient_id"]), "diagnosis")
    quiet_autogluon()
    from autogluon.tabular import TabularPredictor

    predictor = TabularPredictor(
        label="diagnosis", problem_type="binary", path=str(tmp_path / "predictor"), verbosity=0
    )
    predictor.fit(data, hyperparameters={"GBM": {}}, num_cpus=1, fit_weighted_ensemble=False)
    full = predictor.refit_full(model="best", set_best_to_refit_full=True)
    assert any(name.endswith("_FULL") for name in full.values())
    predictor.save()
    model = AutoGluonEngine().load(tmp_path, num_cpus=1)
    assert str(model.predictor.model_best).endswith("_FULL")
    inputs = data.drop(columns=["diagnosis"])
    features = [{"name": str(c), "dtype": str(t)} for c, t in inputs.dtypes.items()]
    fitted = (model, features, inputs)
    if verified_matrix_scorer(model, features, inputs) is not None:
        assert_scored_as_predict(fitted, edge_rows(inputs, seed=4))


# ------------------------------------------------------------------ lease renewals


async def test_two_processes_under_heavy_concurrency_never_over_serve_holds(
    frozen_clock: FrozenClock,
) -> None:
    """Two limiters (two API processes), 45 concurrent requests each, three times, on one
    credential and tenant, interleaved: together never more than the tightest burst
    (kept under the Redis pool's 100 connections: W9-1 is the herd beyond it)."""
    first, second = RequestLimiter("phantom:w9-rate"), RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 2000), (f"t:{uuid.uuid4()}", 1200)]  # bursts 200, 120

    async def burst() -> list[ratelimit.Quota]:
        return list(
            await asyncio.gather(
                *(limiter.charge(keys) for _ in range(45) for limiter in (first, second))
            )
        )

    quotas = [q for _ in range(3) for q in await asyncio.wait_for(burst(), DEADLINE)]
    served = sum(q.wait == 0 for q in quotas)
    assert served <= 120
    assert served >= 60  # and not starved: most of the burst is served


async def test_w9_2_waiters_past_renewals_waited_fall_through_as_a_herd(
    frozen_clock: FrozenClock,
) -> None:
    """W9-2: a credential well under its limit with more requests in flight than eight
    renewals cover (then ``RENEWALS_WAITED``: 8 leases of 50, 400) got 500s.

    The requests are all queued on the same chain of renewals; the 8th round ends for all
    the uncovered ones at the same moment, and each then charges itself (a Redis call of
    its own) at once, skipping the lease the 8th renewal brought (W9-3): ~250 simultaneous
    calls exhaust the process's Redis pool (redis-py's
    default of 100 connections, which raises), so ``MaxConnectionsError`` escapes
    ``charge`` though the limit (a burst of 4000) was nowhere near. Expected: every request
    served, no exception (the fall-through should not be simultaneous, or should keep
    waiting for renewals in turn, or the pool should wait for a connection)."""
    limiter = RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 40_000)]  # burst 4000, leases of 50
    count = 600  # 12 leases of 50
    results = await asyncio.wait_for(
        asyncio.gather(*(limiter.charge(keys) for _ in range(count)), return_exceptions=True),
        DEADLINE,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"{len(errors)} of {count} requests raised, e.g. {errors[0]!r}"
    assert all(isinstance(r, ratelimit.Quota) and r.wait == 0 for r in results)


async def test_w9_3_the_last_renewal_waited_for_is_never_taken_from(
    frozen_clock: FrozenClock,
) -> None:
    """W9-3: requests in their ``RENEWALS_WAITED``-th round skip the lease that round's
    renewal brought, so it is reserved in Redis and wasted, and a client under its limit
    is refused.

    ``charge`` checks the lease at the top of each of its 8 rounds and awaits a renewal at
    the bottom; after the 8th await the loop ends without looking at the lease the 8th
    renewal stored, and every remaining waiter falls through to charge itself (W9-2's
    herd). Here (a burst of 400, leases of 50, 420 concurrent requests, the clock frozen)
    the 8th lease's 49 requests go unused while the waiters charge themselves against a
    burst that lease already holds: 351 served, 69 refused with 429. Expected: the whole
    burst, 400, served (docs/serving.md: renewals in turn waste nothing), 20 refused."""
    limiter = RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 4000)]  # burst 400, leases of 50
    count = 420
    quotas = await asyncio.wait_for(
        asyncio.gather(*(limiter.charge(keys) for _ in range(count))), DEADLINE
    )
    served = sum(q.wait == 0 for q in quotas)
    assert served == 400, f"{served} of a burst of 400 served to {count} concurrent requests"


async def test_a_cancelled_renewal_does_not_strand_its_waiters_holds(
    frozen_clock: FrozenClock,
) -> None:
    """The request renewing the lease is cancelled while its Redis call is in flight
    (a client that hung up): the requests waiting on it still answer."""
    limiter = RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 100_000), (f"t:{uuid.uuid4()}", 100_000)]
    await limiter.charge(keys)  # loads the script
    limiter._leases.clear()
    renewer = asyncio.create_task(limiter.charge(keys))
    await asyncio.sleep(0)  # the renewer is in its Redis call
    assert "|".join(k for k, _ in keys) in limiter._reserving
    waiters = [asyncio.create_task(limiter.charge(keys)) for _ in range(30)]
    renewer.cancel()  # before its answer: the waiters find it in flight and wait on it
    quotas = await asyncio.wait_for(asyncio.gather(*waiters), DEADLINE)
    assert all(q.wait == 0 for q in quotas)
    # cancelled, or answered if redis-py finished the call regardless: not stranded either way
    done = await asyncio.wait_for(asyncio.gather(renewer, return_exceptions=True), DEADLINE)
    assert isinstance(done[0], asyncio.CancelledError | ratelimit.Quota)
    assert not limiter._reserving


async def test_a_failing_renewal_does_not_strand_its_waiters_holds(
    frozen_clock: FrozenClock,
) -> None:
    """A real Redis error in the renewal (the tenant's key holds a hash: WRONGTYPE): the
    waiters are not stranded; each answers with the renewal's error well within the
    deadline, and nothing is left reserving."""
    redis = get_redis()
    assert redis is not None
    limiter = RequestLimiter("phantom:w9-rate")
    tenant = f"t:{uuid.uuid4()}"
    keys = [(f"c:{uuid.uuid4()}", 100_000), (tenant, 100_000)]
    await redis.hset(f"phantom:w9-rate:{tenant}", mapping={"x": "1"})
    results = await asyncio.wait_for(
        asyncio.gather(*(limiter.charge(keys) for _ in range(20)), return_exceptions=True),
        DEADLINE,
    )
    assert len(results) == 20
    assert all(isinstance(r, Exception) for r in results)
    assert not limiter._reserving
    await redis.delete(f"phantom:w9-rate:{tenant}")
    quota = await asyncio.wait_for(limiter.charge(keys), DEADLINE)
    assert quota.wait == 0  # the limiter recovers once Redis answers again


async def test_a_near_limit_renewal_sends_waiters_to_charge_themselves_exactly_holds(
    frozen_clock: FrozenClock,
) -> None:
    """Near the limit a renewal gets one request (no lease): its waiters renew in turn,
    one call at a time, and exactly the rest of the burst is served."""
    limiter = RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 1200)]  # burst 120, leases of 30
    for _ in range(85):  # leases reserved at 1, 31, 61: 90 of 120
        assert (await limiter.charge(keys)).wait == 0
    limiter._leases.clear()  # the last lease's 5 are lost: Redis has 30 left
    quotas = await asyncio.wait_for(
        asyncio.gather(*(limiter.charge(keys) for _ in range(60))), DEADLINE
    )
    served = sum(q.wait == 0 for q in quotas)
    assert served == 30  # one lease of 30, then a refused renewal: the rest refused


async def test_w9_1_a_refused_renewal_releases_a_herd_that_exhausts_the_redis_pool(
    frozen_clock: FrozenClock,
) -> None:
    """W9-1: a credential over its limit, with many requests in flight at once (one
    client, 150 keep-alive connections), makes the API raise instead of answering 429.

    All the concurrent requests wait on the one lease renewal in flight; the renewal is
    refused (the limit is reached), so it "brings nothing to share" and every waiter
    breaks out and charges itself at the same moment: one Redis call each, all at once.
    The process's Redis client (``phantom.kit.redis``: ``Redis.from_url`` with redis-py's
    default pool of 100 connections, which raises rather than waits) runs out of
    connections, and ``redis.exceptions.MaxConnectionsError: Too many connections``
    escapes ``RequestLimiter.charge`` for the requests past the pool: 500s instead of
    429s. Worse, while the herd holds the pool, every other Redis user of that process
    (other tenants' rate limits, sessions, the event bus) fails the same way: an
    over-limit client takes down its API process's Redis access. Expected: every request
    answered with a refusal (``wait > 0``), no exception; waiters of a refused renewal
    need not each ask Redis again (the renewal already said the limit is reached)."""
    limiter = RequestLimiter("phantom:w9-rate")
    keys = [(f"c:{uuid.uuid4()}", 1200), (f"t:{uuid.uuid4()}", 100_000)]  # burst 120
    while (await limiter.charge(keys)).wait == 0:
        pass  # the credential's burst is used up (the clock is frozen)
    limiter._leases.clear()
    results = await asyncio.wait_for(
        asyncio.gather(*(limiter.charge(keys) for _ in range(150)), return_exceptions=True),
        DEADLINE,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"{len(errors)} of 150 requests raised, e.g. {errors[0]!r}"
    assert all(isinstance(r, ratelimit.Quota) and r.wait > 0 for r in results)
