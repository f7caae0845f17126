"""A fast, dependency-light engine: scikit-learn's HistGradientBoosting (``engine: SKLEARN``).

Seconds instead of minutes on small data, and nothing beyond scikit-learn: for tests,
drills, and a strong baseline to compare the AutoML engines with.

- Columns are read as the anomaly engine reads them (``columns.py``): numbers with NaN
  kept (the trees route missing values), dates as epoch seconds, everything else as
  categories the trees split on natively; values unseen at fit time count as missing.
- A validation split (stratified for classifiers) is carved from the training rows; each
  configuration stops early on it, and is scored on it in the job's metric.
- A few configurations are fitted while time allows (the first always finishes), boosted
  in chunks so a fit stops at the deadline; the best on validation is then fitted again
  on every training row with what validation chose (its iterations), when time allows,
  and serves (its leaderboard score is the validated fit's).
- A regularised linear model is the second candidate (ridge regression, or logistic
  regression, on scaled numbers with missing-value flags and one-hot categories, its
  penalty chosen by cross-validation): on a small, nearly linear target trees approximate
  a line in steps, which is where H2O's GLM beat the tree ensembles (docs/benchmarks.md).
  It is skipped when its design matrix would take more than seconds to solve.
"""

from __future__ import annotations

import functools
import logging
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from phantom.automl.engines.base import (
    DataError,
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    Predictions,
    Reporter,
    plain,
)
from phantom.automl.engines.columns import encoder
from phantom.automl.fit_to_serve import holdout_score
from phantom.automl.tasks import METRICS, Outcome, TaskType

ARTIFACT = "sklearn.joblib"
VALIDATION_FRACTION = 0.2
MAX_VALIDATION_ROWS = 20_000
MAX_CATEGORIES = 255  # HistGradientBoosting's bins per categorical feature; rarer share one
MAX_ITER = 1_000
CHUNK = 50  # boosting iterations between deadline checks
PATIENCE = 15  # iterations without a better validation loss before stopping early
TASKS = (TaskType.BINARY, TaskType.MULTICLASS, TaskType.REGRESSION)
# name -> hyperparameters over scikit-learn's defaults; the first is always fitted
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "HistGradientBoosting": {},
    "HistGradientBoostingSmall": {
        "learning_rate": 0.05,
        "max_leaf_nodes": 15,
        "l2_regularization": 1.0,
    },
    "HistGradientBoostingLarge": {"max_leaf_nodes": 63, "min_samples_leaf": 10},
}
LINEAR = "LinearModel"
# the order they are tried in while time allows: the linear model is cheap, so second
MODELS = ("HistGradientBoosting", LINEAR, "HistGradientBoostingSmall", "HistGradientBoostingLarge")
ONE_HOT_MAX = 20  # one-hot columns per category column for the linear model (rarer share one)
LINEAR_MAX_WORK = 3e9  # rows x columns^2 of its design matrix: a few seconds' solve at most
# its seconds per row x column x class (logistic regression's cross-validated fits over the
# penalties; the classes multiply them): 300,000 x 80 binary took 8 s, 40,000 x 20 x 40
# classes 5 s on a busy host. It runs only when this estimate fits in the time left (W7-2)
LINEAR_SECONDS_PER_WORK = 3.5e-7
PENALTIES = np.logspace(-3, 3, 7)  # ridge alphas; logistic regression's Cs are their inverses
REFIT_MARGIN = 1.5  # the refit on all rows starts when 1.5x the chosen model's fit time is left
Array = np.ndarray[Any, Any]
log = logging.getLogger(__name__)


@dataclass
class SklearnModel:
    task: TaskType
    features: list[str]
    preprocessor: Any  # fitted ColumnTransformer
    estimator: Any  # fitted HistGradientBoostingClassifier or Regressor
    threads: int = 1  # OpenMP threads per call: the loader's num_cpus
    # binary: the class answered as ``classes[1]`` (scikit-learn sorts its classes); None,
    # and models pickled before it existed: the second of the sorted classes
    positive: Any = None

    def predict(self, frame: pd.DataFrame) -> Predictions:
        with openmp().limit(limits=self.threads, user_api="openmp"):
            return self._predict(frame)

    def _predict(self, frame: pd.DataFrame) -> Predictions:
        classes = self.estimator.classes_ if self.task != TaskType.REGRESSION else None
        flip = self._flipped(classes)
        if flip and classes is not None:
            classes = classes[::-1]
        if frame.empty:  # scikit-learn refuses zero rows; the answer is known
            if classes is None:
                return Predictions(labels=np.empty(0, dtype=np.float64))
            proba = np.empty((0, len(classes)), dtype=np.float64)
            return Predictions(labels=classes[:0], probabilities=proba, classes=list(classes))
        x = self.preprocessor.transform(frame[self.features])
        if classes is None:
            return Predictions(labels=np.asarray(self.estimator.predict(x), dtype=np.float64))
        proba = np.asarray(self.estimator.predict_proba(x), dtype=np.float64)
        if flip:
            proba = proba[:, ::-1]
        # as AutoGluon's: the positive class (classes[1]) above 0.5, else the most probable
        if len(classes) == 2:
            chosen = (proba[:, 1] > 0.5).astype(np.intp)
        else:
            chosen = proba.argmax(axis=1)
        return Predictions(labels=classes[chosen], probabilities=proba, classes=list(classes))

    def _flipped(self, classes: Array | None) -> bool:
        """Binary with a chosen positive class that scikit-learn sorted first."""
        positive = getattr(self, "positive", None)
        return (
            classes is not None
            and len(classes) == 2
            and positive is not None
            and (bool(classes[0] == positive))
        )

    def close(self) -> None:
        pass


@functools.cache
def openmp() -> Any:
    """The process's OpenMP thread pools, to bound them per call: unbounded, a one-row call
    took 100 ms instead of 5 on a busy 2-core host (threads spinning for cores others
    hold), and a fit 25 times longer."""
    import sklearn.ensemble  # noqa: F401 - loads the OpenMP runtime the controller must see
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _estimator(task: TaskType, seed: int, hyperparameters: dict[str, Any], mask: list[bool]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    regression = task == TaskType.REGRESSION
    kind = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
    return kind(
        max_iter=CHUNK,
        early_stopping=True,
        n_iter_no_change=PATIENCE,
        scoring="loss",
        categorical_features=mask if any(mask) else None,
        random_state=seed,
        warm_start=True,
        **hyperparameters,
    )


def _fit_linear(
    task: TaskType, mask: list[bool], x: Array, y: Array, deadline: float = math.inf
) -> Any | None:
    """The fitted linear candidate, or None when it does not apply (too large a design,
    too slow a fit for the time left before ``deadline``, a class too rare to
    cross-validate) or its fit failed: an extra candidate, whose failure (logged) never
    fails the engine's fit. Its fit cannot be stopped, so it must not start late."""
    folds, classes = 3, 1
    if task != TaskType.REGRESSION:
        _, counts = np.unique(y, return_counts=True)
        folds = min(3, int(counts.min()))
        classes = len(counts) if len(counts) > 2 else 1
    seconds = len(x) * _width(mask) * classes * LINEAR_SECONDS_PER_WORK
    if folds < 2 or not _linear_fits(x, mask) or time.time() + seconds > deadline:
        return None
    try:
        return _linear(task, mask, folds).fit(x, y)
    except Exception:
        log.exception("the linear candidate failed; the boosted models stand")
        return None


def _linear(task: TaskType, mask: list[bool], folds: int = 3) -> Any:
    """The linear candidate over the encoder's output: numbers (infinities as gaps: the
    scaler refuses them, finding W7-1) median-filled with a flag per column that had gaps,
    then scaled; category codes one-hot (missing and unseen values
    are a code of their own); the penalty chosen by cross-validation."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    numbers = [i for i, categorical in enumerate(mask) if not categorical]
    categories = [i for i, categorical in enumerate(mask) if categorical]
    columns = ColumnTransformer(
        [
            (
                "numbers",
                make_pipeline(
                    FunctionTransformer(finite),
                    SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                    StandardScaler(),
                ),
                numbers,
            ),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value=-1.0, keep_empty_features=True),
                    OneHotEncoder(
                        handle_unknown="infrequent_if_exist",
                        max_categories=ONE_HOT_MAX,
                        sparse_output=False,
                    ),
                ),
                categories,
            ),
        ]
    )
    if task == TaskType.REGRESSION:
        model: Any = RidgeCV(alphas=PENALTIES)
    else:
        model = LogisticRegressionCV(
            Cs=list(1 / PENALTIES),
            l1_ratios=(0.0,),
            cv=folds,
            max_iter=300,
            scoring="neg_log_loss",
            use_legacy_attributes=False,
        )
    return make_pipeline(columns, model)


def finite(x: Array) -> Array:
    """``x`` with infinities as NaN (a module function: the saved model pickles it)."""
    out: Array = np.where(np.isinf(x), np.nan, x)
    return out


def _linear_fits(x: Array, mask: list[bool]) -> bool:
    """Whether the linear model's design matrix is small enough to solve in seconds."""
    width = _width(mask)
    return float(len(x)) * width * width <= LINEAR_MAX_WORK


def _width(mask: list[bool]) -> int:
    """The linear model's design width at most: a number and its missing flag, a
    category's one-hot columns with the infrequent one."""
    return sum(not c for c in mask) * 2 + sum(mask) * (ONE_HOT_MAX + 1)


def _boost(estimator: Any, x: Array, y: Array, x_val: Array, y_val: Array, deadline: float) -> None:
    """Boost ``CHUNK`` iterations at a time until early stopping, ``MAX_ITER`` or the
    deadline (the first chunk always runs)."""
    while True:
        estimator.fit(x, y, X_val=x_val, y_val=y_val)
        stopped = estimator.n_iter_ < estimator.max_iter
        if stopped or estimator.max_iter >= MAX_ITER or time.time() >= deadline:
            return
        estimator.set_params(max_iter=min(estimator.max_iter + CHUNK, MAX_ITER))


def _split(train: pd.DataFrame, spec: FitSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    size = min(VALIDATION_FRACTION, MAX_VALIDATION_ROWS / max(len(train), 1))
    stratify = train[spec.target] if spec.task != TaskType.REGRESSION else None
    try:
        fit, validation = train_test_split(
            train, test_size=size, random_state=spec.seed, stratify=stratify
        )
    except ValueError:  # a class too rare to stratify: a plain seeded split
        fit, validation = train_test_split(train, test_size=size, random_state=spec.seed)
    return fit, validation


def _ranked(board: list[LeaderboardRow], metric: str) -> list[LeaderboardRow]:
    """Best validation score first; models without one (undefined on this split) last."""
    sign = -1.0 if METRICS[metric].higher_is_better else 1.0
    return sorted(
        board,
        key=lambda r: (r.score_validation is None, sign * (r.score_validation or 0.0)),
    )


class SklearnEngine:
    name = "sklearn"
    reserve_seconds = 2.0  # loading and scoring the holdout after the fit: quick

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        if spec.task not in TASKS or spec.target is None:
            raise DataError(
                f"The SKLEARN engine trains BINARY, MULTICLASS and REGRESSION models, not "
                f"{spec.task.value}; for anomaly detection choose AUTOGLUON or H2O."
            )
        from sklearn.exceptions import ConvergenceWarning

        target = spec.target
        features = [c for c in train.columns if c != target]
        fit, validation = _split(train, spec)
        encoded = encoder(fit[features], impute=False, max_categories=MAX_CATEGORIES)
        preprocessor = encoded.transformer
        x = preprocessor.fit_transform(fit[features])
        x_val = preprocessor.transform(validation[features])
        y, y_val = fit[target].to_numpy(), validation[target].to_numpy()
        if spec.task == TaskType.REGRESSION:
            y, y_val = y.astype(np.float64), y_val.astype(np.float64)
        board: list[LeaderboardRow] = []
        fitted: dict[str, Any] = {}
        seconds: dict[str, float] = {}
        with (
            openmp().limit(limits=max(spec.num_cpus, 1), user_api="openmp"),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", ConvergenceWarning)
            boosting_only = bool(spec.options.get("boosting_only"))  # the baseline's role
            for name in MODELS:
                if boosting_only and name == LINEAR:
                    continue
                if fitted and time.time() >= spec.deadline:
                    break
                started = time.time()
                if name == LINEAR:
                    estimator = _fit_linear(spec.task, encoded.categorical, x, y, spec.deadline)
                    if estimator is None:
                        continue
                else:
                    estimator = _estimator(
                        spec.task, spec.seed, CONFIGURATIONS[name], encoded.categorical
                    )
                    _boost(estimator, x, y, x_val, y_val, spec.deadline)
                fit_time = time.time() - started
                seconds[name] = fit_time
                model = SklearnModel(
                    spec.task, features, preprocessor, estimator, positive=positive(spec)
                )
                started = time.time()
                predicted = model.predict(validation[features])
                predict_time = time.time() - started
                outcome = Outcome(
                    y_val, predicted.labels, predicted.probabilities, predicted.classes, None
                )
                score = holdout_score(spec.metric, outcome)
                fitted[name] = estimator
                board = _ranked(
                    [*board, LeaderboardRow(name, score, fit_time, predict_time)], spec.metric
                )
                scored = f" ({spec.metric} {score:.4g})" if score is not None else ""
                report(f"Trained {name}{scored}", board)
        best = board[0].model_name
        served, estimator = preprocessor, fitted[best]
        refit = not boosting_only and time.time() + REFIT_MARGIN * seconds[best] < spec.deadline
        if refit:
            with openmp().limit(limits=max(spec.num_cpus, 1), user_api="openmp"):
                on_all = _on_all_rows(best, estimator, train, features, spec)
            refit = on_all is not None
            if on_all is not None:
                served, estimator = on_all
        chosen = SklearnModel(spec.task, features, served, estimator, positive=positive(spec))
        joblib.dump(chosen, spec.model_dir / ARTIFACT)
        return FitOutcome(
            leaderboard=board,
            best_model=best,
            details={
                "sklearn_version": _version(),
                "iterations": _iterations(estimator),
                "validation_rows": len(validation),
                "refit_on_all_rows": refit,
                "hyperparameters": plain({"model": best, **estimator.get_params()}),
            },
        )

    def load(self, model_dir: Path, num_cpus: int) -> SklearnModel:
        model: SklearnModel = joblib.load(model_dir / ARTIFACT)
        model.threads = max(num_cpus, 1)
        return model


def _on_all_rows(
    name: str, validated: Any, train: pd.DataFrame, features: list[str], spec: FitSpec
) -> tuple[Any, Any] | None:
    """The chosen model fitted again on every training row, validation rows included, as
    validation chose it (its boosting iterations; the linear model's penalty search runs
    again on all rows): on small data a fifth more rows is worth more than what the
    validation split bought. None (logged) when it fails: the validated model serves."""
    try:
        encoded = encoder(train[features], impute=False, max_categories=MAX_CATEGORIES)
        x = encoded.transformer.fit_transform(train[features])
        y = train[spec.target].to_numpy()
        if spec.task == TaskType.REGRESSION:
            y = y.astype(np.float64)
        if name == LINEAR:
            estimator = _fit_linear(spec.task, encoded.categorical, x, y)
            return None if estimator is None else (encoded.transformer, estimator)
        estimator = _estimator(spec.task, spec.seed, CONFIGURATIONS[name], encoded.categorical)
        estimator.set_params(max_iter=validated.n_iter_, early_stopping=False, warm_start=False)
        estimator.fit(x, y)
        return encoded.transformer, estimator
    except Exception:
        log.exception("refitting on all rows failed; the validated model serves")
        return None


def _iterations(estimator: Any) -> int | None:
    """Boosting iterations; None for the linear model."""
    return int(estimator.n_iter_) if hasattr(estimator, "n_iter_") else None


def positive(spec: FitSpec) -> Any:
    return spec.positive_class if spec.task == TaskType.BINARY else None


def _version() -> str:
    import sklearn

    return str(sklearn.__version__)
