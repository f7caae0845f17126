"""The default engine: AutoGluon's ``TabularPredictor``.

Choices (evidence in docs/research/automl-presets.md and docs/benchmarks.md):
- presets by budget: ``medium_quality`` under 30 s (eight-fold bagging cannot finish),
  ``good_quality`` up to 10 minutes (best or tied-best at 60 s, refits to small ``_FULL``
  models), ``high_quality`` beyond;
- the soft ``time_limit`` is backed by a callback that starts no further model after the
  job's deadline, so the fit ends with the best ensemble of what finished; the job layer
  still kills the process at its hard bound;
- no torch models unless the ``deep`` extra is installed, and no log noise about it;
- what serves is chosen for serving (``automl/fit_to_serve.py``): every model is scored
  on the runner's holdout and timed on one-row calls with all models persisted, the
  fastest that scores as well as the best is set as the predictor's best, and only it
  and what it needs are kept (``clone_for_deployment``).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from autogluon.core.callbacks import AbstractCallback

from phantom.automl.engines.base import (
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    MatrixScorer,
    Predictions,
    Reporter,
    plain,
)
from phantom.automl.fit_to_serve import (
    Candidate,
    Choice,
    ServingChoice,
    choose,
    holdout_score,
    time_calls,
)
from phantom.automl.leaderboard import plain_model_name
from phantom.automl.tasks import Outcome, TaskType

PROBLEM_TYPE = {
    TaskType.BINARY: "binary",
    TaskType.MULTICLASS: "multiclass",
    TaskType.REGRESSION: "regression",
}
EVAL_METRIC = {
    "roc_auc": "roc_auc",
    "average_precision": "average_precision",
    "log_loss": "log_loss",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "f1": "f1",
    "precision": "precision",
    "recall": "recall",
    "f1_macro": "f1_macro",
    "rmse": "root_mean_squared_error",
    "mae": "mean_absolute_error",
    "r2": "r2",
}
# to time the models at least (up to 10 % of the fit's limit past it): 10 % of the fit's
# limit, from 1 s to 3 s (a flat 3 s was a third of a 10 s job, and thrice that on a
# loaded host, where each timing call slows down too)
MEASURE_SECONDS = 3.0
MEASURE_SHARE = 0.1
MEASURE_MIN_SECONDS = 1.0
TORCH_MODELS = ["NN_TORCH", "FASTAI", "TABPFNV2", "TABM", "MITRA", "REALMLP", "TABICL"]

log = logging.getLogger(__name__)


def model_zoo(presets: str) -> dict[str, Any]:
    """The preset's own model zoo plus AutoGluon's linear model (``LR``), which no preset
    has. On small, nearly linear data a regularised linear model is the best there is:
    H2O won the diabetes regression over three splits with its GLM while every model
    AutoGluon fitted was a tree ensemble (docs/benchmarks.md). It fits in a second, and
    the weighted ensemble gives it no weight where trees are better."""
    from autogluon.tabular.configs.hyperparameter_configs import get_hyperparameter_config
    from autogluon.tabular.configs.presets_configs import tabular_presets_dict

    named = tabular_presets_dict.get(presets, {}).get("hyperparameters", "default")
    zoo = dict(get_hyperparameter_config(named))
    zoo.setdefault("LR", {})
    return zoo


def presets_for(budget_seconds: float) -> str:
    if budget_seconds < 30:
        return "medium_quality"
    if budget_seconds < 600:
        return "good_quality"
    return "high_quality"


class _DropTorchProbe(logging.Filter):
    """AutoGluon probes for torch on every model and logs an ERROR when it is absent; with
    the ``deep`` extra not installed that is expected, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to import torch or check CUDA" not in record.getMessage()


def quiet_autogluon() -> None:
    logger = logging.getLogger("autogluon.common.utils.resource_utils")
    if not any(isinstance(f, _DropTorchProbe) for f in logger.filters):
        logger.addFilter(_DropTorchProbe())


def has_torch() -> bool:
    return importlib.util.find_spec("torch") is not None


def _leaderboard(board: pd.DataFrame, eval_metric: Any) -> list[LeaderboardRow]:
    rows = []
    for record in board.to_dict("records"):
        score = record.get("score_val")
        natural = None
        if score is not None and np.isfinite(score):
            natural = float(eval_metric.convert_score_to_original(score))
        rows.append(
            LeaderboardRow(
                model_name=str(record["model"]),
                score_validation=natural,
                fit_time_seconds=_seconds(record.get("fit_time")),
                predict_time_seconds=_seconds(record.get("pred_time_val")),
            )
        )
    return rows


def _seconds(value: Any) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


_FITS: dict[int, tuple[FitSpec, Reporter]] = {}  # one fit per child process


class DeadlineAndProgress(AbstractCallback):  # type: ignore[misc]
    """Reports each finished model; after the deadline starts only the (cheap) weighted
    ensembles that combine what is already trained (or the first model, if none is)."""

    def __init__(self, spec: FitSpec, report: Reporter) -> None:
        super().__init__()
        self.key = id(self)
        _FITS[self.key] = (spec, report)

    @property
    def spec(self) -> FitSpec:
        """AutoGluon copies its trainer with the callbacks (DyStack's sub-fit, saving); the
        copies find the fit's spec and reporter here by key."""
        return _FITS[self.key][0]

    @property
    def report(self) -> Reporter:
        return _FITS[self.key][1]

    def _before_model_fit(
        self,
        trainer: Any,
        model: Any,
        time_limit: float | None = None,
        stack_name: str = "core",
        level: int = 1,
        **kwargs: Any,
    ) -> tuple[bool, bool]:
        late = time.time() >= self.spec.deadline
        # the first model always runs: a fit that started late (a loaded host) ends with
        # one model rather than none; after it, nothing new starts past the deadline
        first = not trainer.get_model_names()
        return False, late and stack_name == "core" and not first

    def _after_model_fit(
        self, trainer: Any, model_names: list[str] | None = None, **kwargs: Any
    ) -> bool:
        names = model_names or []
        if not names:  # skipped (time, memory) or failed: AutoGluon logs why; nothing new
            return False
        board = _leaderboard(trainer.leaderboard(), trainer.eval_metric)
        score = next((r.score_validation for r in board if r.model_name == names[-1]), None)
        scored = f" ({self.spec.metric} {score:.4g})" if score is not None else ""
        message = f"Trained {plain_model_name(names[-1])}{scored}"
        if "ds_sub_fit" in str(getattr(trainer, "path", "")):
            # DyStack's trial fit on part of the data, in words a person knows
            message = f"Trying model combinations: {message[0].lower()}{message[1:]}"
        self.report(message, board)
        return False


class AutoGluonModel:
    def __init__(self, predictor: Any, task: TaskType) -> None:
        self.predictor = predictor
        self.task = task
        if task != TaskType.REGRESSION:
            # typed as AutoGluon's own answer was (a Series of the labels, then numpy)
            self.classes = pd.Series(predictor.class_labels).to_numpy()
            threshold = predictor.decision_threshold
            self.decision_threshold = 0.5 if threshold is None else float(threshold)

    def predict(self, frame: pd.DataFrame) -> Predictions:
        """Probabilities as numpy and labels chosen here exactly as AutoGluon's
        ``predict_from_proba`` chooses them (binary: the positive class when its
        probability is above the decision threshold; otherwise the first most probable
        class): its pandas answer cost more than the model on a micro-batch
        (docs/benchmarks.md)."""
        if self.task == TaskType.REGRESSION:
            values = self.predictor.predict(frame, as_pandas=False)
            return Predictions(labels=np.asarray(values, dtype=np.float64))
        proba = np.asarray(
            self.predictor.predict_proba(frame, as_multiclass=True, as_pandas=False),
            dtype=np.float64,
        )
        classes = self.classes
        if self.task == TaskType.BINARY:
            chosen = (proba[:, 1] > self.decision_threshold).astype(np.intp)
        else:
            chosen = proba.argmax(axis=1)
        return Predictions(labels=classes[chosen], probabilities=proba, classes=list(classes))

    def matrix_scorer(self, columns: Sequence[str]) -> MatrixScorer | None:
        """Scores a float64 matrix whose columns are ``columns`` with the LightGBM booster
        itself, when AutoGluon's pandas pipeline around it changes nothing: the served
        model is one LightGBM model (not an ensemble, bag or calibrated model), every one
        of its inputs was a plain float at training (AutoGluon passes those through as
        they come; an int feature would be cast, a two-valued one mapped to a flag), and
        the task is binary, multiclass or regression. On a micro-batch that pipeline
        cost ~10x the booster (docs/benchmarks.md). None otherwise. The caller checks the
        answers against ``predict`` before using it (serving/fastpath.py)."""
        from autogluon.tabular.models.lgb.lgb_model import LGBModel

        learner = self.predictor._learner
        trainer = learner.load_trainer()
        model = trainer.load_model(self.predictor.model_best)
        generator = learner.feature_generator
        seen, made = generator.feature_metadata_in, generator.feature_metadata
        features = list(model.features or ())
        if (
            type(model) is not LGBModel
            or model.temperature_scalar is not None
            or model.conformalize is not None
            or model.normalize_pred_probas
            or model.problem_type not in PROBLEM_TYPE.values()
            or not features
            or not set(features) <= set(columns)
            or set(features) - set(generator.features_in)
            or set(features) - set(generator.features_out)
        ):
            return None
        for name in features:  # came in as a float, and went out as that float
            for metadata in (seen, made):
                if metadata.get_feature_type_raw(name) != "float":
                    return None
                if metadata.get_feature_types_special(name):
                    return None
        booster = model.model
        if booster.num_feature() != len(features):
            return None
        take = [list(columns).index(name) for name in features]

        def score(matrix: np.ndarray) -> Predictions:
            # as AutoGluon calls the booster, and rounds its answer to float32 (and takes
            # the negative class's probability in float32) before ours is float64
            values = booster.predict(matrix[:, take], num_threads=0).astype(np.float32)
            if self.task == TaskType.REGRESSION:
                return Predictions(labels=values.astype(np.float64))
            if self.task == TaskType.BINARY:
                proba = np.column_stack([1 - values, values]).astype(np.float64)
                chosen = (proba[:, 1] > self.decision_threshold).astype(np.intp)
            else:
                proba = values.astype(np.float64)
                chosen = proba.argmax(axis=1)
            classes = self.classes
            return Predictions(labels=classes[chosen], probabilities=proba, classes=list(classes))

        return score

    def close(self) -> None:
        self.predictor.unpersist()


class AutoGluonEngine:
    name = "autogluon"
    reserve_seconds = 0.0  # its refit overrun is in the runner's 10 %

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        quiet_autogluon()
        from autogluon.tabular import TabularPredictor

        fit_dir = spec.work_dir / "autogluon"
        predictor = TabularPredictor(
            label=spec.target,
            problem_type=PROBLEM_TYPE[spec.task],
            eval_metric=EVAL_METRIC[spec.metric],
            path=str(fit_dir),
            verbosity=1,
            # binary: AutoGluon orders ``class_labels`` [negative, positive] and thresholds
            # the positive's probability; None keeps its default (the second sorted class)
            **positive_class(spec),
        )
        presets = spec.options.get("presets") or presets_for(spec.time_limit_seconds)
        # a fixed model zoo (tests, benchmarks): AutoGluon's ``hyperparameters``
        zoo = spec.options.get("hyperparameters") or model_zoo(presets)
        fitting = time.time()
        predictor.fit(
            train,
            presets=presets,
            hyperparameters=zoo,
            time_limit=spec.time_limit_seconds,
            num_cpus=spec.num_cpus,
            num_gpus=0,
            memory_limit=max(spec.memory_limit_mb / 1024, 0.5),
            excluded_model_types=[] if has_torch() else TORCH_MODELS,
            callbacks=[DeadlineAndProgress(spec, report)],
            ds_args={"memory_safe_fits": False},  # no ray here: DyStack runs in-process
        )
        board = _leaderboard(predictor.leaderboard(silent=True), predictor.eval_metric)
        log.info(
            "AutoGluon's fit took %.1f s for a %.1f s limit (%d models)",
            time.time() - fitting,
            spec.time_limit_seconds,
            len(board),
        )
        best = str(predictor.model_best)
        served, reason = best, None
        if spec.holdout is not None:
            testing = f"Testing {len(board)} models on held-back data to choose the one to serve"
            report(testing, board)
            choosing = time.time()
            choice, board = choose_served(predictor, board, spec)
            served, reason = choice.model_name, choice.reason
            log.info("choosing the model to serve took %.1f s", time.time() - choosing)
        # the served model becomes the best before the clone deletes the others: deleting
        # the best makes AutoGluon pick a new one, which fails on models tied in validation
        # score whose predict time is unknown (refits)
        facts = fit_facts(predictor, best)  # before the clone deletes the best if not served
        predictor.set_model_best(served, save_trainer=True)
        predictor.clone_for_deployment(str(spec.model_dir / "predictor"), model=served)
        shutil.rmtree(fit_dir, ignore_errors=True)
        return FitOutcome(
            leaderboard=board,
            best_model=best,
            details={"presets": presets, "autogluon_version": _version(), **facts},
            served_model=served,
            serving_reason=reason,
        )

    def load(self, model_dir: Path, num_cpus: int) -> AutoGluonModel:
        quiet_autogluon()
        from autogluon.tabular import TabularPredictor

        predictor = TabularPredictor.load(str(model_dir / "predictor"), verbosity=0)
        predictor.persist()  # single-row latency: ~2 ms instead of ~20 ms
        task = {v: k for k, v in PROBLEM_TYPE.items()}[predictor.problem_type]
        return AutoGluonModel(predictor, task)


def positive_class(spec: FitSpec) -> dict[str, Any]:
    if spec.task != TaskType.BINARY or spec.positive_class is None:
        return {}
    return {"positive_class": spec.positive_class}


def choose_served(
    predictor: Any, board: list[LeaderboardRow], spec: FitSpec
) -> tuple[Choice, list[LeaderboardRow]]:
    """Score and time every model on the holdout, choose what serves (the job's
    ``serving_model`` option: FIT_TO_SERVE by default), and return the leaderboard with
    each model's holdout score, latency and throughput."""
    if spec.holdout is None or spec.target is None:
        raise ValueError("choosing what serves needs the holdout and the target")
    best = str(predictor.model_best)
    models = [str(m) for m in predictor.model_names(can_infer=True)]
    # a bagged model with a refit on all the data: the refit (``_FULL``) is what would
    # serve, so the bag is neither scored nor timed (its k fold models make it the slowest)
    refits = {str(k): str(v) for k, v in predictor.model_refit_map().items()}
    eligible = [m for m in models if m == best or refits.get(m) not in models]
    features = spec.holdout.drop(columns=[spec.target])
    truth = np.asarray(spec.holdout[spec.target])
    outcomes = _holdout_outcomes(predictor, features, truth, eligible)
    predictor.persist(models=eligible)  # as served: in memory (skipped if it does not fit)
    try:
        timings = _timings(
            predictor, _cheapest_first(predictor, board, best, eligible), features, spec
        )
    finally:
        predictor.unpersist()
    candidates = [
        Candidate(m, outcomes[m], timings[m][0], timings[m][1]) for m in eligible if m in timings
    ]
    mode = ServingChoice(spec.options.get("serving_model") or ServingChoice.FIT_TO_SERVE)
    choice = choose(candidates, best, spec.metric, mode=mode, seed=spec.seed)
    rows = [
        replace(
            row,
            score_holdout=holdout_score(spec.metric, outcomes[row.model_name])
            if row.model_name in outcomes
            else None,
            predict_ms_per_row=timings[row.model_name][0] if row.model_name in timings else None,
            rows_per_second=timings[row.model_name][1] if row.model_name in timings else None,
            served=row.model_name == choice.model_name,
        )
        for row in board
    ]
    return choice, rows


def _holdout_outcomes(
    predictor: Any, features: pd.DataFrame, truth: np.ndarray[Any, Any], models: list[str]
) -> dict[str, Outcome]:
    """Every model's answers on the holdout in one pass (shared base-model predictions)."""
    if predictor.problem_type == "regression":
        values = predictor.predict_multi(features, models=models)
        return {
            m: Outcome(truth, np.asarray(v, dtype=np.float64), None, None, None)
            for m, v in values.items()
        }
    probas = predictor.predict_proba_multi(features, models=models, as_multiclass=True)
    outcomes = {}
    for m, proba in probas.items():
        labels = np.asarray(predictor.predict_from_proba(proba))
        outcomes[m] = Outcome(
            truth, labels, proba.to_numpy(dtype=np.float64), list(proba.columns), None
        )
    return outcomes


def _cheapest_first(
    predictor: Any, board: list[LeaderboardRow], best: str, models: list[str]
) -> list[str]:
    """The best, then the others by AutoGluon's own estimate of their predict time (a
    refit by its bag's): if timing runs out of time, what is left is the slow end."""
    estimate = {r.model_name: r.predict_time_seconds for r in board}
    parent = {str(k): str(v) for k, v in predictor.model_refit_map(inverse=True).items()}

    def cost(model: str) -> float:
        seconds = estimate.get(model)
        if seconds is None:
            seconds = estimate.get(parent.get(model, ""))
        return math.inf if seconds is None else seconds

    return [best, *sorted((m for m in models if m != best), key=cost)]


def _timings(
    predictor: Any, models: list[str], features: pd.DataFrame, spec: FitSpec
) -> dict[str, tuple[float, float]]:
    """Each model's timings in the given order; models left when the measuring time is up
    stay untimed and are not candidates. The time: 10 % of the fit's limit (1 to 3 s), or
    up to 10 % of the fit's limit past its deadline when that is later (the job's hard
    bound leaves 0.35 x budget + 30 s after the fit's deadline for this and the holdout
    scoring)."""
    share = spec.time_limit_seconds * MEASURE_SHARE
    measure = min(max(share, MEASURE_MIN_SECONDS), MEASURE_SECONDS)
    stop = max(
        time.time() + measure,
        spec.deadline + min(spec.time_limit_seconds * MEASURE_SHARE, 60),
    )
    timings: dict[str, tuple[float, float]] = {}
    for model in models:
        if timings and time.time() > stop:
            break
        timings[model] = _timing(predictor, model, features, spec.seed)
    return timings


def _timing(predictor: Any, model: str, features: pd.DataFrame, seed: int) -> tuple[float, float]:
    """Through the predictor's own predict path, as serving calls it."""
    call = predictor.predict if predictor.problem_type == "regression" else predictor.predict_proba
    return time_calls(lambda frame: call(frame, model=model), features, seed)


def fit_facts(predictor: Any, best: str) -> dict[str, Any]:
    """For the reproducibility record (``automl/insights.py``): the best model's
    hyperparameters (an ensemble's with its base models'), and the threshold predict
    applies to the positive class's probability (0.5 unless AutoGluon calibrated it for a
    threshold-dependent metric: ``calibrate_decision_threshold="auto"``)."""

    def model(name: str) -> dict[str, Any]:
        info = predictor.model_info(name)
        return {
            "type": info.get("model_type"),
            "hyperparameters": info.get("hyperparameters"),
            "fitted": info.get("hyperparameters_fit"),
        }

    record = {"model": best, **model(best)}
    bases = (predictor.model_info(best).get("stacker_info") or {}).get("base_model_names")
    if bases:
        record["base_models"] = {str(name): model(str(name)) for name in bases}
    threshold = predictor.decision_threshold if predictor.problem_type == "binary" else None
    return {"hyperparameters": plain(record), "decision_threshold": threshold}


def _version() -> str:
    from autogluon.tabular import __version__

    return str(__version__)
