"""Batch scoring end to end: a 1,000,000-row dataset scored by a real AutoGluon model
through the ``batch.score`` actor's body (claim, download the dataset's Parquet, load and
verify the model, score and write chunk by chunk, upload, record), in a fresh process so
that its peak RSS is the job's own.

    .venv/bin/python bench/batch_scoring.py [--rows 1000000] [--budget 30]
        [--chunks 50000,200000] [--train-rows 20000]

Builds the credit-like transactions of ``tests/automl/support.py`` (amount, hour,
channel, a fraud label; plus a customer id that passes through untouched), trains a
binary classifier on a sample with the product's own training job (``startTraining``,
the real child process), then times one batch job per chunk size. Needs the local
PostgreSQL; creates and drops its own database; no Redis (embedded mode).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NAME = os.environ.setdefault("PHANTOM_BENCH_DB", f"phantom_bench_batch_{secrets.token_hex(4)}")
os.environ.update(
    {
        "PHANTOM_ENV": "development",
        "PHANTOM_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{NAME}",
        "PHANTOM_VAR_DIR": os.environ.get("PHANTOM_VAR_DIR")
        or tempfile.mkdtemp(prefix="phantom-bench-"),
        "PHANTOM_LOG_LEVEL": "WARNING",
        "PHANTOM_DATASET_INLINE_PROFILE_BYTES": str(1024**3),  # profile at upload: no worker
    }
)
os.environ.pop("PHANTOM_REDIS_URL", None)
sys.path.insert(0, str(ROOT))


def transactions(rows: int, seed: int = 0) -> Any:
    from tests.automl.support import transactions as credit_like

    frame = credit_like(rows, seed)
    frame.insert(0, "customer", [f"C{i:07d}" for i in range(rows)])
    return frame


async def owner(tenant_token: str, tenant_id: uuid.UUID) -> Any:
    from phantom.db import transaction
    from phantom.identity.tokens import tokens

    async with transaction(tenant_id) as session:
        return await tokens.principal_for(session, tenant_token)


async def setup(rows: int, train_rows: int, budget: int) -> dict[str, str]:
    """A tenant, the scoring dataset, a trained model version; their ids."""
    import phantom.actors  # noqa: F401 - every job name known
    from phantom.automl import runs
    from phantom.automl.models import Engine
    from phantom.automl.service import training
    from phantom.automl.supervisor import supervise
    from phantom.automl.validation import StartRequest
    from phantom.datasets.profiling import TaskType
    from phantom.datasets.service import Upload, datasets
    from phantom.db import transaction
    from phantom.identity.tenants import tenants
    from phantom.identity.tokens import tokens
    from phantom.registry.service import registry

    slug = f"b-{secrets.token_hex(4)}"
    email = f"owner@{slug}.example.com"
    async with transaction(None) as session:
        created = await tenants.create(
            session,
            slug=slug,
            name=slug,
            admin_email=email,
            admin_password=secrets.token_urlsafe(16),
        )
    tenant_id = created.tenant.id
    async with transaction(tenant_id) as session:
        secret, _ = await tokens.create(session, tenant_id=tenant_id, email=email, name="bench")
    principal = await owner(secret, tenant_id)

    async def upload(frame: Any, name: str) -> uuid.UUID:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        buffer.seek(0)
        async with transaction(tenant_id) as session:
            found = await datasets.upload(
                session, principal, name=name, upload=Upload(f"{name}.parquet", buffer)
            )
            return found.id

    started = time.perf_counter()
    full = transactions(rows)
    scoring = await upload(full, "scoring")
    sample = await upload(full.sample(train_rows, random_state=0), "training sample")
    print(f"datasets uploaded and profiled in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    async with transaction(tenant_id) as session:
        job = await training.start(
            session,
            principal,
            StartRequest(
                dataset_id=sample,
                target="fraud",
                task_type=TaskType.AUTO,
                time_budget_seconds=budget,
                metric=None,
                engine=Engine.AUTOGLUON,
                model_name="Fraud",
                excluded_columns=["customer"],
            ),
        )
    claim = await runs.claim(tenant_id, job.id)
    if claim is None:
        raise SystemExit("the training job could not be claimed")
    await supervise(claim)
    async with transaction(tenant_id) as session:
        version = await registry.of_job(session, principal, job.id)
        done = await training.get(session, principal, job.id)
    if version is None:
        raise SystemExit(f"training failed: {done.error}")
    board = ", ".join(row["model_name"] for row in done.leaderboard[:12])
    print(
        f"trained in {time.perf_counter() - started:.1f} s: best {version.best_model_name}; "
        f"models: {board}"
    )
    return {
        "tenant": str(tenant_id),
        "token": secret,
        "version": str(version.id),
        "dataset": str(scoring),
        "sample": str(sample),
        "best": version.best_model_name,
    }


def cpu_seconds() -> float:
    """User and system CPU time of this process, all threads: what the job costs whatever
    else the machine runs (2 cores give at most 2 CPU seconds per second)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class PeakRss(threading.Thread):
    """The process's resident set, sampled every 10 ms (``ru_maxrss`` would include the
    parent's peak: Linux keeps it across ``exec``)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.first = self.peak = self.process.memory_info().rss
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self) -> None:
        self.done.set()
        self.join()


def fit_single_gbm(sample: Any, model_dir: Path, rounds: int) -> dict[str, Any]:
    """One LightGBM of ``rounds`` trees (AutoGluon's GBM, its own preprocessing), saved as
    the product saves a fit (``predictor/`` and ``phantom-model.json``)."""
    from autogluon.tabular import TabularPredictor

    from phantom.automl.engines.autogluon import quiet_autogluon

    quiet_autogluon()
    train = sample.drop(columns=["customer"])
    work = Path(tempfile.mkdtemp(prefix="phantom-bench-gbm-"))
    predictor = TabularPredictor(
        label="fraud", problem_type="binary", eval_metric="roc_auc", path=str(work), verbosity=0
    )
    predictor.fit(
        train,
        hyperparameters={"GBM": {"num_boost_round": rounds}},
        num_cpus=os.cpu_count() or 1,
        fit_weighted_ensemble=False,
    )
    predictor.clone_for_deployment(str(model_dir / "predictor"))
    features = [
        {"name": c, "type": "CATEGORICAL" if c == "channel" else "NUMERIC", "dtype": str(t)}
        for c, t in train.drop(columns=["fraud"]).dtypes.items()
    ]
    classes = [bool(c) for c in predictor.class_labels]
    (model_dir / "phantom-model.json").write_text(
        json.dumps(
            {
                "engine": "autogluon",
                "task": "BINARY",
                "target": "fraud",
                "features": features,
                "classes": classes,
                "metric": "roc_auc",
            }
        )
    )
    return {
        "engine": "autogluon",
        "best_model": str(predictor.model_best),
        "leaderboard": [],
        "metrics": {},
        "feature_importance": [],
        "dropped_columns": [{"column": "customer", "reason": "excluded when the job was started"}],
        "features": features,
        "classes": classes,
    }


async def register_single_gbm(ids: dict[str, str], sample_id: str, sample: Any, rounds: int) -> str:
    """A second version of "Fraud" from a real training job whose fit is the bench's own
    single LightGBM: claimed, archived, uploaded and registered by the product's code
    (``runs.succeed``), so the batch job loads it exactly like any other version."""
    import hashlib
    import tarfile

    from phantom.automl import runs
    from phantom.automl.models import Engine
    from phantom.automl.service import training
    from phantom.automl.validation import StartRequest
    from phantom.datasets.profiling import TaskType
    from phantom.db import transaction
    from phantom.kit.storage import get_store, tenant_key
    from phantom.registry.service import registry

    tenant_id = uuid.UUID(ids["tenant"])
    principal = await owner(ids["token"], tenant_id)
    async with transaction(tenant_id) as session:
        job = await training.start(
            session,
            principal,
            StartRequest(
                dataset_id=uuid.UUID(sample_id),
                target="fraud",
                task_type=TaskType.AUTO,
                time_budget_seconds=30,
                metric=None,
                engine=Engine.AUTOGLUON,
                model_name="Fraud",
                excluded_columns=["customer"],
            ),
        )
    claim = await runs.claim(tenant_id, job.id)
    if claim is None:
        raise SystemExit("the training job could not be claimed")
    work = Path(tempfile.mkdtemp(prefix="phantom-bench-gbm-model-"))
    (work / "model").mkdir()
    result = await asyncio.to_thread(fit_single_gbm, sample, work / "model", rounds)
    archive = work / "model.tgz"
    with tarfile.open(archive, "w:gz") as bundle:
        bundle.add(work / "model", arcname="model")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    key = tenant_key(tenant_id, "models", uuid.uuid4(), ".tgz")
    with archive.open("rb") as stream:
        get_store().write(key, stream)
    artifact = runs.Artifact(key, f"sha256:{digest}", archive.stat().st_size)
    if not await runs.succeed(claim, result, artifact):
        raise SystemExit("the single-GBM version could not be registered")
    async with transaction(tenant_id) as session:
        version = await registry.of_job(session, principal, job.id)
    if version is None:
        raise SystemExit("no version registered")
    return str(version.id)


async def score(ids: dict[str, str], chunk_rows: int) -> dict[str, Any]:
    """In the child: start the job (the API's side), then run the actor's body, timed."""
    import phantom.actors  # noqa: F401
    from phantom.batch import runs
    from phantom.batch.scoring import run
    from phantom.batch.service import batch_predictions
    from phantom.db import transaction

    tenant_id = uuid.UUID(ids["tenant"])
    principal = await owner(ids["token"], tenant_id)
    async with transaction(tenant_id) as session:
        job = await batch_predictions.start(
            session, principal, uuid.UUID(ids["version"]), uuid.UUID(ids["dataset"])
        )
    sampler = PeakRss()
    sampler.start()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    claim = await runs.claim(tenant_id, job.id)
    if claim is None:
        raise SystemExit("the batch job could not be claimed")
    timings = await run(claim, chunk_rows)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    sampler.stop()
    async with transaction(tenant_id) as session:
        done = await batch_predictions.get(session, principal, job.id)
    if done.status != "SUCCEEDED":
        raise SystemExit(f"the batch job ended {done.status}: {done.error}")
    return {
        "chunk_rows": chunk_rows,
        "rows": done.rows_scored,
        "seconds": seconds,
        "rows_per_second": done.rows_scored / seconds,
        "rss_before_mb": sampler.first / 2**20,
        "peak_rss_mb": sampler.peak / 2**20,
        "output_mb": (done.output_bytes or 0) / 2**20,
        "phases": {k: round(v, 2) for k, v in vars(timings).items()},
        "cpu_seconds": cpu,
    }


def child(ids: dict[str, str], chunk_rows: int) -> dict[str, Any]:
    found = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(ids), "--chunk", str(chunk_rows)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    if found.returncode != 0:
        raise SystemExit(f"the scoring process failed:\n{found.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(found.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--train-rows", type=int, default=20_000)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--chunks", default="50000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database; print ids")
    parser.add_argument(
        "--gbm-rounds", type=int, default=200, help="trees of the single-LightGBM variant (0: none)"
    )
    parser.add_argument("--child")
    parser.add_argument("--chunk", type=int)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(asyncio.run(score(json.loads(options.child), options.chunk))))
        return
    subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{NAME}"'], check=True)
    try:
        from phantom.migrate import upgrade

        upgrade()
        ids = asyncio.run(setup(options.rows, options.train_rows, options.budget))
        variants = {"AutoGluon, default for the budget": ids}
        if options.gbm_rounds:
            sample = transactions(options.rows).sample(options.train_rows, random_state=0)
            gbm = asyncio.run(register_single_gbm(ids, ids["sample"], sample, options.gbm_rounds))
            variants[f"one LightGBM, {options.gbm_rounds} trees"] = {**ids, "version": gbm}
        if options.keep:
            print(f"PHANTOM_BENCH_DB={NAME} PHANTOM_VAR_DIR={os.environ['PHANTOM_VAR_DIR']}")
            print(json.dumps(ids))
        print(f"load average before scoring: {os.getloadavg()}")
        chunks = [int(c) for c in options.chunks.split(",")]
        for (label, variant), chunk_rows, _ in itertools.product(
            variants.items(), chunks, range(options.repeat)
        ):
            r = child(variant, chunk_rows)
            print(
                f"{label}: chunk {r['chunk_rows']:,}: {r['rows']:,} rows in "
                f"{r['seconds']:.2f} s = {r['rows_per_second']:,.0f} rows/s end to end; "
                f"peak RSS {r['peak_rss_mb']:.0f} MB (before the job {r['rss_before_mb']:.0f} "
                f"MB); output {r['output_mb']:.1f} MB; load {os.getloadavg()[0]:.2f}\n"
                f"    seconds per phase: {r['phases']}; CPU {r['cpu_seconds']:.1f} s = "
                f"{r['rows'] / r['cpu_seconds']:,.0f} rows per CPU second"
            )
    finally:
        if not options.keep:
            subprocess.run(
                ["psql", PG_ADMIN, "-qc", f'DROP DATABASE "{NAME}" WITH (FORCE)'], check=True
            )


if __name__ == "__main__":
    main()
