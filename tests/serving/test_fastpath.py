"""Matrix scoring (serving/fastpath.py): a served LightGBM model whose inputs are plain
floats is scored by its booster on one matrix, and only when that answers exactly as
AutoGluon's ``predict`` does. Real AutoGluon fits (LightGBM only, seconds each), loaded
as serving loads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.autogluon import AutoGluonEngine, AutoGluonModel, quiet_autogluon
from phantom.automl.engines.base import Predictions
from phantom.serving.fastpath import same, stacked, verified_matrix_scorer
from phantom.serving.rows import MAX_MAGNITUDE, rows_to_columns
from tests.automl.support import breast_cancer, diabetes, iris

pytestmark = pytest.mark.slow  # real fits

Fitted = tuple[AutoGluonModel, list[dict[str, str]], pd.DataFrame]


def fit(
    directory: Path, frame: pd.DataFrame, target: str, problem: str, zoo: dict[str, Any]
) -> Fitted:
    """A predictor saved where the engine's ``load`` looks, loaded by it; the features as
    the registry lists them; the training rows without the target (the stored sample)."""
    quiet_autogluon()
    from autogluon.tabular import TabularPredictor

    predictor = TabularPredictor(
        label=target, problem_type=problem, path=str(directory / "predictor"), verbosity=0
    )
    predictor.fit(frame, hyperparameters=zoo, num_cpus=1, fit_weighted_ensemble=len(zoo) > 1)
    inputs = frame.drop(columns=[target])
    features = [{"name": str(c), "dtype": str(t)} for c, t in inputs.dtypes.items()]
    return AutoGluonEngine().load(directory, num_cpus=1), features, inputs


def floats(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    return frame.astype({c: "float64" for c in frame.columns if c != target})


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    frame = floats(breast_cancer().drop(columns=["patient_id"]), "diagnosis")
    return fit(tmp_path_factory.mktemp("binary"), frame, "diagnosis", "binary", {"GBM": {}})


@pytest.fixture(scope="module")
def regression(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    frame = floats(diabetes().drop(columns=["sex"]), "progression")  # two-valued: a flag
    return fit(tmp_path_factory.mktemp("reg"), frame, "progression", "regression", {"GBM": {}})


@pytest.fixture(scope="module")
def multiclass(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    frame = floats(iris(), "species")
    return fit(tmp_path_factory.mktemp("multi"), frame, "species", "multiclass", {"GBM": {}})


def hostile_rows(inputs: pd.DataFrame, count: int = 300, seed: int = 0) -> pd.DataFrame:
    """Rows a caller may send: training-like values, values far outside the training
    range, zeros, the largest magnitudes serving accepts, and missing values."""
    rng = np.random.default_rng(seed)
    values = inputs.sample(count, replace=True, random_state=seed).to_numpy(dtype=np.float64)
    values *= rng.choice([1.0, 1.0, -3.0, 1e6, 0.0], size=values.shape)
    values[rng.random(values.shape) < 0.02] = MAX_MAGNITUDE
    values[rng.random(values.shape) < 0.02] = -MAX_MAGNITUDE
    values[rng.random(values.shape) < 0.1] = np.nan
    return pd.DataFrame(values, columns=inputs.columns)


@pytest.mark.parametrize("fitted", ["binary", "regression", "multiclass"])
def test_matrix_scoring_answers_exactly_as_predict(
    fitted: str, request: pytest.FixtureRequest
) -> None:
    model, features, inputs = request.getfixturevalue(fitted)
    scorer = verified_matrix_scorer(model, features, inputs)
    assert scorer is not None, "a LightGBM model on plain floats is scored as a matrix"
    rows = hostile_rows(inputs)
    records = [
        {k: (None if pd.isna(v) else v) for k, v in row.items()} for row in rows.to_dict("records")
    ]
    columns, count = rows_to_columns(records, features)
    expected = model.predict(rows)
    got = scorer(stacked([columns]))
    assert count == len(rows)
    assert same(expected, got)  # to the last bit
    np.testing.assert_array_equal(expected.labels, got.labels)


def test_a_scorer_that_differs_in_the_last_bit_is_not_used(binary: Fitted) -> None:
    model, features, inputs = binary
    real = model.matrix_scorer

    def off_by_one_ulp(columns: Any) -> Callable[[np.ndarray], Predictions] | None:
        scorer = real(columns)
        assert scorer is not None

        def score(matrix: np.ndarray) -> Predictions:
            answer = scorer(matrix)
            assert answer.probabilities is not None
            probabilities = answer.probabilities.copy()
            probabilities[-1, 1] = np.nextafter(probabilities[-1, 1], 2.0)
            return Predictions(answer.labels, probabilities, answer.classes)

        return score

    model.matrix_scorer = off_by_one_ulp  # type: ignore[method-assign]
    try:
        assert verified_matrix_scorer(model, features, inputs) is None
    finally:
        del model.matrix_scorer
    assert verified_matrix_scorer(model, features, inputs) is not None


def test_without_the_stored_sample_the_model_is_scored_through_predict(binary: Fitted) -> None:
    model, features, inputs = binary
    assert verified_matrix_scorer(model, features, None) is None
    assert verified_matrix_scorer(model, features, inputs.iloc[:0]) is None
    assert (
        verified_matrix_scorer(model, features, inputs.drop(columns=[features[0]["name"]])) is None
    )


def test_models_autogluon_would_change_inputs_for_are_scored_through_predict(
    tmp_path: Path,
) -> None:
    """An int feature (AutoGluon casts what comes in), a two-valued one (a flag), float32
    features (cast too), and an ensemble: each is served through ``predict``."""
    base = floats(breast_cancer().drop(columns=["patient_id"]), "diagnosis")
    with_int = base.assign(mean_radius=base["mean_radius"].round().astype("int64"))
    with_flag = base.assign(flag=np.arange(len(base)) % 2 * 1.0)
    # float32 at training: AutoGluon casts what comes in to float32, so 0.1 != 0.1
    single = base.astype({c: "float32" for c in base.columns if c != "diagnosis"})
    cases: dict[str, tuple[pd.DataFrame, dict[str, Any]]] = {
        "int": (with_int, {"GBM": {}}),
        "flag": (with_flag, {"GBM": {}}),
        "float32": (single, {"GBM": {}}),
        "ensemble": (base, {"GBM": {}, "RF": {"n_estimators": 20}}),
    }
    for name, (frame, zoo) in cases.items():
        model, features, inputs = fit(tmp_path / name, frame, "diagnosis", "binary", zoo)
        if name == "ensemble":
            model.predictor.set_model_best("WeightedEnsemble_L2", save_trainer=False)
        if name != "float32":  # the engine sees float inputs; serving sees their dtype
            assert model.matrix_scorer([f["name"] for f in features]) is None, name
        assert verified_matrix_scorer(model, features, inputs) is None, name
