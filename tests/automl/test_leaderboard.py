"""The leaderboard a person watches (automl/leaderboard.py): snapshots merged so no row
vanishes, refits folded into their parent, and names in people's words. The snapshots
here are the shapes AutoGluon reports: a stacking check on part of the data, then the
real fit starting again empty, then bagged models with `_FULL` refits."""

from __future__ import annotations

from typing import Any

from phantom.automl.leaderboard import during_fit, final, plain_model_name


def row(name: str, score: float | None, **more: Any) -> dict[str, Any]:
    return {
        "model_name": name,
        "score_validation": score,
        "fit_time_seconds": 1.0,
        "predict_time_seconds": 0.1,
        **more,
    }


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [r["model_name"] for r in rows]


def test_rows_once_shown_stay_with_the_best_score_seen() -> None:
    # at 19 s: the stacking check on part of the data has two models
    shown = during_fit([], [row("LightGBM_BAG_L1", 0.81), row("KNN_BAG_L1", 0.70)], "accuracy")
    # at 33 s: the real fit restarted; its leaderboard holds one model so far
    shown = during_fit(shown, [row("LightGBM_BAG_L1", 0.79)], "accuracy")
    assert names(shown) == ["LightGBM_BAG_L1", "KNN_BAG_L1"]
    # the best score seen stays (0.81, not the restarted fit's 0.79)
    assert shown[0]["score_validation"] == 0.81
    assert [r["rank"] for r in shown] == [1, 2]
    # for an error metric the best is the lowest
    errors = during_fit([], [row("GBM", 3.0)], "rmse")
    errors = during_fit(errors, [row("GBM", 5.0), row("XGB", 4.0)], "rmse")
    assert [(r["model_name"], r["score_validation"]) for r in errors] == [
        ("GBM", 3.0),
        ("XGB", 4.0),
    ]


def test_refits_are_one_row_with_their_parent_never_an_unscored_candidate() -> None:
    snapshot = [
        row("WeightedEnsemble_L2", 0.84),
        row("LightGBM_BAG_L1", 0.82),
        row("LightGBM_BAG_L1_FULL", None),
        row("WeightedEnsemble_L2_FULL", None),
    ]
    shown = during_fit([], snapshot, "accuracy")
    assert names(shown) == ["WeightedEnsemble_L2", "LightGBM_BAG_L1"]
    assert [r["refit_model_name"] for r in shown] == [
        "WeightedEnsemble_L2_FULL",
        "LightGBM_BAG_L1_FULL",
    ]
    assert all(r["score_validation"] is not None for r in shown)


def test_the_final_board_ranks_candidates_marks_the_served_refit_and_keeps_trial_rows() -> None:
    during = during_fit(
        [], [row("LightGBM_BAG_L1", 0.81), row("WeightedEnsemble_L3", 0.83)], "accuracy"
    )
    result = [
        row("WeightedEnsemble_L2", 0.8047),
        row("LightGBM_BAG_L1", 0.80),
        # the bag with a refit is not timed: the refit is, and it is what serves
        row(
            "WeightedEnsemble_L2_FULL",
            None,
            score_holdout=0.8442,
            predict_ms_per_row=3.0,
            rows_per_second=9000.0,
            served=True,
        ),
    ]
    board = final(during, result, "accuracy")
    assert names(board) == ["WeightedEnsemble_L2", "LightGBM_BAG_L1", "WeightedEnsemble_L3"]
    best = board[0]
    assert best["served"] is True
    assert best["refit_model_name"] == "WeightedEnsemble_L2_FULL"
    assert (best["score_validation"], best["score_holdout"]) == (0.8047, 0.8442)
    # the final fit's own score, not the trial's better one: the engine chose by these
    assert board[1]["score_validation"] == 0.80
    # the model seen only while trying combinations stays, below, not a candidate
    trial = board[2]
    assert (trial["final_fit"], trial["served"], trial["rank"]) == (False, False, 3)
    assert all(r.get("final_fit", True) for r in board[:2])


def test_model_names_in_peoples_words() -> None:
    assert plain_model_name("WeightedEnsemble_L3_FULL") == "Weighted ensemble, refit on all data"
    assert plain_model_name("WeightedEnsemble_L2") == "Weighted ensemble"
    assert plain_model_name("LightGBMXT_BAG_L1") == "LightGBM (extra trees)"
    assert plain_model_name("CatBoost_BAG_L2_FULL") == "CatBoost, refit on all data"
    assert plain_model_name("GBM_1_AutoML_1_20240101") == "Gradient boosting"
    assert plain_model_name("MyCustom_L1") == "MyCustom"
