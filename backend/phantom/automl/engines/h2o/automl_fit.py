"""The fit with ``H2OAutoML``, for classification and regression.

- ``max_runtime_secs`` is the soft limit, counted once the node is up (its start, the
  upload and the save come on top: the whole fit takes the budget plus 6-11 s).
  ``aml.train`` overran it by 1.4-2.2 s idle and by 3-4.8 s loaded (20 s budget: 22.2 s,
  fit 27.3 s in all). At ``deadline`` a
  still-running AutoML is cancelled (``POST /3/Jobs/{job}/cancel``): the models that
  finished stay on the leaderboard and the leader is kept (cancel to return: ~1.8 s).
- Progress: the fit's own thread polls ``GET /99/Leaderboards/{automl}`` every 2 s (and
  calls ``report``) while a worker thread blocks in ``aml.train``; the h2o client makes one
  plain HTTP request per call, so the two threads share no connection state. On a shared
  cluster each poll also checks the cloud (``FitCluster.check``): a lost node ends the fit
  within about ``SILENT_NODE_SECONDS`` + 2 s instead of at the job's hard bound.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from phantom.automl.engines.base import (
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    Reporter,
    positive_last,
)
from phantom.automl.engines.base import plain as plain_json
from phantom.automl.engines.h2o.connection import (
    download_model,
    get_json,
    h2o_module,
    model_keys,
    model_parameters,
    predict_frame,
    warnings_logged,
)
from phantom.automl.engines.h2o.encoding import (
    CHECK_ROWS,
    Feature,
    class_codes,
    classes_of,
    encode_features,
    feature_kind,
    plain,
)
from phantom.automl.engines.h2o.node import FitCluster
from phantom.automl.tasks import TaskType

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
POLL_TIMEOUT_SECONDS = 10.0
TARGET = "y"  # the target column's name inside H2O


@dataclass(frozen=True, slots=True)
class Ranking:
    """``sort_metric`` for H2OAutoML, the leaderboard column reported, and how that column
    becomes our metric (None: reported as it is, in ``column``'s own units)."""

    sort_metric: str
    column: str
    convert: Callable[[float], float] | None = None


def ranking_for(task: TaskType, metric: str, target_variance: float | None = None) -> Ranking:
    """H2O ranks by AUC, AUCPR, logloss, mean_per_class_error, RMSE, MAE, MSE or deviance.

    - Binary label metrics (accuracy, balanced accuracy, F1, precision, recall): logloss.
      H2O's per-class errors use its max-F1 threshold, but our labels are ``p1 >= 0.5``, so
      well-calibrated probabilities are what those metrics reward.
    - Multiclass accuracy, balanced accuracy and macro F1: mean_per_class_error, which is
      exactly 1 - balanced accuracy for argmax labels (reported as such for
      balanced_accuracy, raw for the other two).
    - r2: ranked by RMSE (the same order: every model is scored on the same rows) and
      reported as 1 - MSE / variance of the training target, which is what R² is on H2O's
      cross-validation predictions.
    """
    if task == TaskType.BINARY:
        native = {"roc_auc": ("AUC", "auc"), "average_precision": ("AUCPR", "aucpr")}
        sort, column = native.get(metric, ("logloss", "logloss"))
        return Ranking(sort, column)
    if task == TaskType.MULTICLASS:
        if metric == "log_loss":
            return Ranking("logloss", "logloss")
        if metric == "balanced_accuracy":
            return Ranking("mean_per_class_error", "mean_per_class_error", lambda e: 1.0 - e)
        return Ranking("mean_per_class_error", "mean_per_class_error")
    if task == TaskType.REGRESSION:
        if metric == "mae":
            return Ranking("MAE", "mae")
        if metric == "r2" and target_variance and target_variance > 0:
            variance = target_variance
            return Ranking("RMSE", "mse", lambda mse: 1.0 - mse / variance)
        return Ranking("RMSE", "rmse")
    raise ValueError(f"H2OAutoML does not handle {task}")


def _reported(ranking: Ranking, metric: str) -> str:
    native = {"auc": "roc_auc", "aucpr": "average_precision", "logloss": "log_loss"}
    native |= {"rmse": "rmse", "mae": "mae"}
    if ranking.convert is not None or native.get(ranking.column) == metric:
        return metric
    return ranking.column


@dataclass(slots=True)
class _Board:
    """The leaderboard as last seen, converted, and which models were already reported."""

    ranking: Ranking
    reported: str
    n_rows: int
    rows: list[LeaderboardRow] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def update(self, table: dict[str, Any], report: Reporter) -> None:
        """``table``: H2O's TwoDimTable JSON (``data`` holds the columns)."""
        header = [str(c["name"]) for c in table["columns"]]
        rows = zip(*table["data"], strict=True)
        records = [dict(zip(header, values, strict=True)) for values in rows]
        self.rows = [self._row(r) for r in records]
        for row in self.rows:
            if row.model_name in self.seen:
                continue
            self.seen.add(row.model_name)
            score = row.score_validation
            scored = f" ({self.reported} {score:.4g})" if score is not None else ""
            report(f"Trained {row.model_name}{scored}", list(self.rows))

    def _row(self, record: dict[str, Any]) -> LeaderboardRow:
        value = _number(record.get(self.ranking.column))
        if value is not None and self.ranking.convert is not None:
            value = self.ranking.convert(value)
        per_row_ms = _number(record.get("predict_time_per_row_ms"))
        train_ms = _number(record.get("training_time_ms"))
        return LeaderboardRow(
            model_name=str(record["model_id"]),
            score_validation=value,
            fit_time_seconds=train_ms / 1000 if train_ms is not None else None,
            # like AutoGluon's pred_time_val: the time to score the rows it was validated on
            predict_time_seconds=(
                per_row_ms * self.n_rows / 1000 if per_row_ms is not None else None
            ),
        )


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def fit_automl(
    cluster: FitCluster, train: pd.DataFrame, spec: FitSpec, report: Reporter, started: float
) -> tuple[FitOutcome, dict[str, Any]]:
    if spec.target is None:
        raise ValueError(f"{spec.task} needs a target")
    h2o = h2o_module()
    from h2o.automl import H2OAutoML
    from h2o.exceptions import H2OJobCancelled

    data = train[train[spec.target].notna()]
    features = [Feature(c, feature_kind(data[c])) for c in data.columns if c != spec.target]
    encoded = encode_features(data, features)
    meta: dict[str, Any] = {"features": [[f.name, f.kind] for f in features]}
    variance = None
    if spec.task == TaskType.REGRESSION:
        target = pd.to_numeric(data[spec.target], errors="coerce").astype("float64")
        encoded[TARGET] = target
        variance = float(np.nanvar(target))
        types = [*(f.h2o_type for f in features), "Numeric"]
    else:
        classes = classes_of(data[spec.target])
        if len(classes) < 2 or (spec.task == TaskType.BINARY and len(classes) != 2):
            raise ValueError(f"{spec.task} with {len(classes)} classes in the target")
        if spec.task == TaskType.BINARY and spec.positive_class is not None:
            # c1, the second of H2O's sorted domain, is its positive class: make it ours
            classes = positive_last(classes, plain(spec.positive_class))
        codes = class_codes(classes)
        lookup = {c: code for c, code in zip(classes, codes, strict=True)}
        encoded[TARGET] = data[spec.target].map(lambda v: lookup[plain(v)])
        meta |= {"classes": classes, "codes": codes}
        types = [*(f.h2o_type for f in features), "Enum"]
    frame_key = cluster.upload(encoded, types, spec.work_dir)

    ranking = ranking_for(spec.task, spec.metric, variance)
    board = _Board(ranking, _reported(ranking, spec.metric), len(encoded))
    budget = min(spec.time_limit_seconds - (time.time() - started), spec.deadline - time.time())
    project = f"phantom_{uuid.uuid4().hex[:16]}"
    aml = H2OAutoML(
        max_runtime_secs=max(1, round(budget)),
        seed=spec.seed,
        sort_metric=ranking.sort_metric,
        project_name=project,
    )
    failure: list[BaseException] = []
    stopping = threading.Event()

    def train_automl() -> None:
        try:
            aml.train(
                x=[f"f{i}" for i in range(len(features))],
                y=TARGET,
                training_frame=h2o.get_frame(frame_key),
            )
        except H2OJobCancelled:
            pass
        except BaseException as error:
            # once we cancelled, the client's poll may also fail with "Polling finished while
            # the job has status CANCEL_PENDING" (seen in CI): that is our stop, not a failure
            if not stopping.is_set():
                failure.append(error)

    worker = threading.Thread(target=train_automl, name="h2o-automl", daemon=True)
    cancelled = False
    with warnings_logged():
        automl_started = time.monotonic()
        worker.start()
        try:
            while worker.is_alive():
                wait = spec.deadline - time.time()
                worker.join(POLL_SECONDS if cancelled else min(max(wait, 0.05), POLL_SECONDS))
                cluster.check()  # a shared cloud that lost a node never finishes the job
                job = getattr(aml, "_job", None)
                if job is None:
                    continue
                _poll(cluster.url, job.dest_key, board, report)
                if worker.is_alive() and time.time() >= spec.deadline and not cancelled:
                    log.info("h2o: deadline reached, stopping AutoML %s", project)
                    stopping.set()
                    _cancel(cluster.url, job.job_key)
                    cancelled = True
        finally:
            job = getattr(aml, "_job", None)
            if worker.is_alive() and job is not None and not cancelled and not cluster.lost:
                stopping.set()
                with contextlib.suppress(Exception):
                    _cancel(cluster.url, job.job_key)
            # on a broken cloud the worker waits forever: it is a daemon, left behind
            worker.join(1 if cluster.lost else 30)
            automl_seconds = time.monotonic() - automl_started
            if job is not None:  # removing the AutoML removes its models (on a shared cluster)
                cluster.created.append(job.dest_key)
                for suffix in ("_leaderboard", "_eventlog"):  # the client's copies
                    cluster.created.append(project + suffix)
        if failure:
            raise failure[0]
        job = getattr(aml, "_job", None)
        if job is None:
            raise RuntimeError("H2O AutoML did not start")
        _poll(cluster.url, job.dest_key, board, report)  # models of the last 2 s
        cluster.created.extend(r.model_name for r in board.rows)
        if not board.rows:
            raise RuntimeError("H2O AutoML finished no model before the deadline")
        leader = board.rows[0].model_name
        check_rows = np.flatnonzero(train[spec.target].notna().to_numpy())[:CHECK_ROWS]
        check = train.iloc[check_rows]
        check_key = cluster.upload(encode_features(check, features), types[:-1], spec.work_dir)
        checked = predict_frame(cluster.connection, leader, check_key)
        keys = model_keys(cluster.connection, leader)
        parameters = model_parameters(cluster.connection, leader)
        download_model(cluster.connection, leader, spec.model_dir / "leader.bin")
    meta |= {
        "members": [{"file": "leader.bin", "model_id": leader, "keys": keys}],
        "check": _check_values(spec.task, checked, meta),
        "check_rows": [int(i) for i in check_rows],
    }
    details = {
        "leader": leader,
        "sort_metric": ranking.sort_metric,
        "leaderboard_metric": board.reported,
        "models_trained": len(board.rows),
        "stopped_at_deadline": cancelled,
        "max_runtime_secs": aml.max_runtime_secs,
        "automl_seconds": round(automl_seconds, 2),
        "hyperparameters": plain_json({"model": leader, "parameters": parameters}),
        # scoring.py's labels: the positive class when its probability is at least 0.5
        "decision_threshold": 0.5 if spec.task == TaskType.BINARY else None,
    }
    if board.reported != spec.metric:
        details["note"] = (
            f"H2O has no {spec.metric} leaderboard column: the scores are {board.reported}"
        )
    return FitOutcome(leaderboard=board.rows, best_model=leader, details=details), meta


def _cancel(url: str, job_key: str) -> None:
    """Bounded like ``_poll``: a broken cloud may never answer, and ``check`` must follow."""
    try:
        get_json(url, f"/3/Jobs/{job_key}/cancel", {}, POLL_TIMEOUT_SECONDS, "POST")
    except Exception as error:
        log.warning("h2o: could not cancel AutoML job %s: %s", job_key, error)


def _poll(url: str, automl_key: str, board: _Board, report: Reporter) -> None:
    """One look at the leaderboard, given at most ``POLL_TIMEOUT_SECONDS``: on a cloud that
    lost a node the call can wait forever, and the loop must get on to ``cluster.check``."""
    try:
        response = get_json(
            url,
            f"/99/Leaderboards/{quote(automl_key, safe='')}",
            {"extensions": "ALL"},
            POLL_TIMEOUT_SECONDS,
        )
    except Exception as error:
        log.debug("h2o: leaderboard not available: %s", error)
        return
    board.update(response["table"], report)


def _check_values(task: TaskType, predicted: pd.DataFrame, meta: dict[str, Any]) -> list[Any]:
    if task == TaskType.REGRESSION:
        return [float(v) for v in predicted["predict"]]
    return predicted[meta["codes"]].to_numpy(dtype=np.float64).tolist()  # type: ignore[no-any-return]
