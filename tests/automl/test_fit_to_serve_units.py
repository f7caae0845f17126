"""The rule that picks the served model, on synthetic leaderboards: holdout answers made
to be tied, clearly worse or within noise, and timings chosen by the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phantom.automl.fit_to_serve import (
    Candidate,
    ServingChoice,
    bootstrap_scores,
    choose,
    fast_score,
    holdout_score,
    p_not_worse,
    resamples,
    time_calls,
)
from phantom.automl.tasks import Outcome

CLASSES = ["no", "yes"]


def truth(n: int = 400, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).choice(CLASSES, n)


def binary(y: np.ndarray, signal: float, seed: int) -> Outcome:
    """Probabilities of "yes" that separate the classes by ``signal`` plus noise."""
    rng = np.random.default_rng(seed)
    p_yes = np.clip((y == "yes") * signal + rng.uniform(0, 1 - signal, len(y)), 0, 1)
    proba = np.column_stack([1 - p_yes, p_yes])
    labels = np.where(p_yes >= 0.5, "yes", "no")
    return Outcome(y, labels, proba, CLASSES, None)


def regression(y: np.ndarray, noise: float, seed: int) -> Outcome:
    predicted = y + np.random.default_rng(seed).normal(0, noise, len(y))
    return Outcome(y, predicted, None, None, None)


def test_a_faster_model_with_the_same_answers_serves_instead_of_the_ensemble() -> None:
    # given: the ensemble's answers are exactly its fastest member's
    y = truth()
    same = binary(y, 0.3, seed=1)
    candidates = [
        Candidate("WeightedEnsemble_L2", same, ms_per_row=55.0),
        Candidate("LightGBM", same, ms_per_row=0.6),
        Candidate("RandomForest", binary(y, 0.3, seed=2), ms_per_row=50.0),
    ]
    # when
    choice = choose(candidates, "WeightedEnsemble_L2", "roc_auc")
    # then: the tie goes to the fast model, and the reason says so with both figures
    assert choice.model_name == "LightGBM"
    assert choice.p_value == 1.0
    assert choice.reason.startswith("LightGBM: holdout roc_auc ")
    assert "difference within noise, p=1.00" in choice.reason
    assert "0.6 ms vs 55 ms per row" in choice.reason
    assert set(choice.holdout_scores) == {"WeightedEnsemble_L2", "LightGBM", "RandomForest"}


def test_a_clearly_better_ensemble_is_kept() -> None:
    # given: every faster model separates the classes far worse than the ensemble
    y = truth()
    candidates = [
        Candidate("WeightedEnsemble_L2", binary(y, 0.6, seed=1), ms_per_row=55.0),
        Candidate("LightGBM", binary(y, 0.1, seed=2), ms_per_row=0.6),
        Candidate("CatBoost", binary(y, 0.15, seed=3), ms_per_row=0.9),
    ]
    # when
    choice = choose(candidates, "WeightedEnsemble_L2", "roc_auc")
    # then
    assert choice.model_name == "WeightedEnsemble_L2"
    assert choice.p_value is None
    assert "every faster model scores worse" in choice.reason
    assert "fastest: LightGBM" in choice.reason
    scores = choice.holdout_scores
    assert scores["WeightedEnsemble_L2"] > scores["CatBoost"] > scores["LightGBM"]


def test_the_fastest_model_not_measurably_worse_serves_not_merely_the_fastest() -> None:
    # given: the fastest is clearly worse; two slower ones answer as the best does
    y = truth(600)
    best = binary(y, 0.5, seed=1)
    candidates = [
        Candidate("Ensemble", best, ms_per_row=40.0),
        Candidate("Fastest", binary(y, 0.05, seed=2), ms_per_row=0.3),
        Candidate("Close", best, ms_per_row=1.5),
        Candidate("AlsoClose", best, ms_per_row=2.0),
    ]
    # when
    choice = choose(candidates, "Ensemble", "roc_auc")
    # then
    assert choice.model_name == "Close"
    assert choice.p_value == 1.0


def test_a_faster_model_worse_within_noise_does_not_serve() -> None:
    """Worse on the holdout, though not measurably (the best wins in most resamples but
    fewer than 95 %): the swap would cost what the holdout sees, so the best stays."""
    # given: a regression whose fast model errs a little more than the ensemble
    y = np.random.default_rng(0).normal(100, 20, 120)
    ensemble, fast = regression(y, 10.0, seed=1), regression(y, 10.0, seed=7)
    draws = resamples(len(y), 0)
    p = p_not_worse(
        "rmse", bootstrap_scores("rmse", ensemble, draws), bootstrap_scores("rmse", fast, draws)
    )
    assert 0.05 <= p < 0.5, p  # within noise at 5 %, yet worse in most resamples
    candidates = [Candidate("Ensemble", ensemble, 30.0), Candidate("Fast", fast, 0.2)]
    # when
    choice = choose(candidates, "Ensemble", "rmse")
    # then
    assert choice.model_name == "Ensemble", choice.reason
    assert "every faster model scores worse on the holdout (fastest: Fast" in choice.reason


def test_a_model_barely_faster_than_the_best_does_not_replace_it() -> None:
    # given: the same answers, 10 % faster: within the timings' jitter
    y = truth()
    same = binary(y, 0.3, seed=1)
    candidates = [Candidate("Best", same, ms_per_row=1.0), Candidate("Other", same, 0.9)]
    # when
    choice = choose(candidates, "Best", "roc_auc")
    # then
    assert choice.model_name == "Best"
    assert "no model is clearly faster to serve" in choice.reason


def test_best_score_keeps_the_leaderboards_best_whatever_it_costs() -> None:
    y = truth()
    same = binary(y, 0.3, seed=1)
    candidates = [Candidate("Ensemble", same, 55.0), Candidate("LightGBM", same, 0.6)]
    choice = choose(candidates, "Ensemble", "roc_auc", mode=ServingChoice.BEST_SCORE)
    assert choice.model_name == "Ensemble"
    assert "as the job asked (servingModel BEST_SCORE)" in choice.reason


def test_lower_is_better_metrics_compare_the_right_way() -> None:
    # given: regression, the fast model's error clearly larger (RMSE: lower is better)
    y = np.random.default_rng(0).normal(100, 20, 500)
    candidates = [
        Candidate("Ensemble", regression(y, 5.0, seed=1), 30.0),
        Candidate("Linear", regression(y, 15.0, seed=2), 0.2),
    ]
    assert choose(candidates, "Ensemble", "rmse").model_name == "Ensemble"
    # and the other way round: the fast model's error smaller
    candidates = [
        Candidate("Ensemble", regression(y, 5.0, seed=1), 30.0),
        Candidate("Linear", regression(y, 4.0, seed=3), 0.2),
    ]
    choice = choose(candidates, "Ensemble", "rmse")
    assert choice.model_name == "Linear"
    assert choice.p_value is not None
    assert choice.p_value > 0.5
    assert choice.holdout_scores["Linear"] == pytest.approx(4.0, rel=0.15)


def test_the_best_must_be_a_candidate() -> None:
    y = truth()
    with pytest.raises(ValueError, match="not among the candidates"):
        choose([Candidate("A", binary(y, 0.3, 1), 1.0)], "B", "roc_auc")


def test_p_value_counts_draws_where_the_candidate_is_at_least_as_good() -> None:
    best = np.array([0.9, 0.9, 0.9, 0.9, np.nan])
    candidate = np.array([0.8, 0.9, 0.95, 0.85, 0.99])
    assert p_not_worse("roc_auc", best, candidate) == 0.5  # the NaN draw is left out
    assert p_not_worse("rmse", best, candidate) == 0.75  # lower is better
    assert p_not_worse("roc_auc", np.array([np.nan]), np.array([0.5])) == 1.0


def test_timings_are_the_median_of_one_row_calls_and_a_batch_throughput() -> None:
    frame = pd.DataFrame({"x": range(50)})
    sizes: list[int] = []

    def predict(rows: pd.DataFrame) -> None:
        sizes.append(len(rows))

    ms, rows_per_second = time_calls(predict, frame, seed=0)
    assert sizes == [1] * 8 + [1000]  # a warm-up, seven timed one-row calls, one batch
    assert 0 <= ms < 5
    assert rows_per_second > 1000


@pytest.mark.parametrize("metric", ["roc_auc", "log_loss", "accuracy", "f1"])
def test_the_bootstraps_fast_metrics_equal_the_holdout_metrics(metric: str) -> None:
    outcome = binary(truth(300), 0.3, seed=5)
    rounded = Outcome(  # many tied probabilities, as tree models give
        outcome.y_true, outcome.labels, outcome.probabilities.round(1), CLASSES, None
    )
    assert fast_score(metric, rounded) == pytest.approx(holdout_score(metric, rounded))
    assert fast_score(metric, outcome) == pytest.approx(holdout_score(metric, outcome))
    one_class = Outcome(
        np.array(["yes"] * 3), np.array(["yes"] * 3), np.full((3, 2), 0.5), CLASSES, None
    )
    if metric == "roc_auc":
        assert fast_score(metric, one_class) is None  # undefined, not guessed
