"""Forecasting's data rules and the statsforecast engine, on real fits in this process
(small series, seconds each): every refusal names what to fix, the backtest beats
seasonal naive on clearly seasonal data, intervals hold, times continue the grid, and
the budget is kept."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.base import DataError, FitOutcome, FitSpec
from phantom.automl.engines.forecast import BASELINE, SELECTION, ForecastEngine, ForecastModel
from phantom.automl.forecasting import (
    MAX_SERIES,
    ForecastDataError,
    ForecastSettings,
    check_history,
    check_settings,
    required_points,
    season_length,
)
from phantom.automl.tasks import TaskType
from tests.automl.forecast_support import seasonal

SETTINGS = ForecastSettings("month", "store", horizon=6)


def spec_for(tmp: Path, settings: ForecastSettings, seconds: float = 60) -> FitSpec:
    (tmp / "model").mkdir(parents=True)
    (tmp / "work").mkdir(parents=True)
    return FitSpec(
        task=TaskType.FORECASTING,
        target="sales",
        metric="mase",
        time_limit_seconds=seconds,
        deadline=time.time() + seconds,
        num_cpus=1,
        memory_limit_mb=1024,
        seed=0,
        model_dir=tmp / "model",
        work_dir=tmp / "work",
        options={"forecast": settings.to_json()},
    )


def fit(frame: pd.DataFrame, spec: FitSpec) -> FitOutcome:
    return ForecastEngine().fit(frame, spec, lambda message, board: None)


# --- the data rules ----------------------------------------------------------------------


def test_seasons_follow_the_frequency() -> None:
    assert [season_length(f) for f in ("D", "B", "W-SUN", "MS", "ME", "QS", "h", "YS")] == [
        7,
        5,
        52,
        12,
        12,
        4,
        24,
        1,
    ]
    assert season_length("2h") == 12
    assert season_length("5h") == 1
    assert required_points(6, 12) == 24 + 18


def bad(frame: pd.DataFrame, settings: ForecastSettings = SETTINGS, target: str = "sales") -> str:
    with pytest.raises(ForecastDataError) as refused:
        check_history(frame, settings, target)
    return str(refused.value)


def test_each_bad_history_is_refused_saying_what_to_fix() -> None:
    good = seasonal()
    assert check_history(good, SETTINGS, "sales").frequency == "MS"
    assert "no column 'when'" in bad(good, ForecastSettings("when", "store", 6))
    unparseable = good.copy()
    unparseable.loc[3, "month"] = "the third of never"
    assert "are not dates or times (e.g. 'the third of never')" in bad(unparseable)
    numeric_time = good.assign(month=np.arange(len(good)))
    assert "holds numbers" in bad(numeric_time)
    missing_time = good.copy()
    missing_time.loc[5, "month"] = None
    assert "no value in the time column" in bad(missing_time)
    irregular = good.drop(index=[10, 11]).reset_index(drop=True)  # two months missing
    assert "no regular frequency" in bad(irregular)
    assert "'store-0'" in bad(irregular)
    duplicated = pd.concat([good, good.iloc[[7]]], ignore_index=True)
    assert "repeat a (series, time) pair, e.g. 2018-08-01" in bad(duplicated)
    text_target = good.assign(sales=good["sales"].astype(str))
    text_target.loc[4, "sales"] = "lots"
    assert "numeric target" in bad(text_target)
    assert "'lots'" in bad(text_target)
    assert "numeric target" in bad(good.assign(sales=good["sales"] > 50))
    gap = good.copy()
    gap.loc[9, "sales"] = np.nan
    assert "1 rows have no finite value" in bad(gap)
    short = good.groupby("store").head(30)
    assert "fewer than 42 points" in bad(short)
    assert "two seasons, then 3 backtest" in bad(short)
    mixed = pd.concat(
        [good[good.store == "store-0"], seasonal(1, 60, "D").assign(store="daily")],
        ignore_index=True,
    )
    assert "different frequencies" in bad(mixed)
    many = pd.concat(
        [seasonal(1, 3).assign(store=f"s{i}") for i in range(MAX_SERIES + 1)], ignore_index=True
    )
    assert f"at most {MAX_SERIES} can be forecast" in bad(many)
    no_id = good.copy()
    no_id.loc[0, "store"] = None
    assert "no series id" in bad(no_id)
    long_id = good.assign(store=good["store"] + "x" * 300)
    assert "at most 200 characters" in bad(long_id)


def test_hostile_column_names_and_values_are_data_not_code() -> None:
    hostile = {"month": "'; DROP TABLE x; --", "store": "__proto__", "sales": "<script>"}
    frame = seasonal().rename(columns=hostile)
    settings = ForecastSettings(hostile["month"], hostile["store"], 6)
    checked = check_history(frame, settings, hostile["sales"])
    assert checked.series == ["store-0", "store-1"]
    assert "no column '${{7*7}}'" in bad(frame, ForecastSettings("${{7*7}}", None, 6), "<script>")


def test_settings_are_bounded() -> None:
    for horizon in (0, -1, 501):
        with pytest.raises(ForecastDataError, match="between 1 and 500"):
            check_settings(ForecastSettings("month", "store", horizon), "sales")
    with pytest.raises(ForecastDataError, match="80, 95"):
        check_settings(ForecastSettings("month", "store", 6, level=50), "sales")
    with pytest.raises(ForecastDataError, match="three different columns"):
        check_settings(ForecastSettings("month", "month", 6), "sales")
    with pytest.raises(ForecastDataError, match="needs a target"):
        check_settings(ForecastSettings("month", "store", 6), None)


# --- the engine --------------------------------------------------------------------------


def test_backtest_beats_seasonal_naive_and_forecasts_hold_their_intervals(
    tmp_path: Path,
) -> None:
    spec = spec_for(tmp_path, SETTINGS)
    outcome = fit(seasonal(), spec)
    facts = outcome.details["forecast"]
    # the served per-series choice, scored on the window no choice saw, beats the baseline
    assert outcome.best_model == outcome.served_model == SELECTION
    assert facts["metrics"]["mase"] < 0.8 * facts["seasonal_naive"]["mase"], facts
    assert facts["metrics"]["wql"] < facts["seasonal_naive"]["wql"], facts
    assert facts["frequency"] == "MS"
    assert facts["season_length"] == 12
    assert facts["training_end"] == "2022-12-01T00:00:00"
    names = [row.model_name for row in outcome.leaderboard]
    assert {BASELINE, SELECTION, "AutoETS"} <= set(names), names
    assert all(row.score_validation is not None for row in outcome.leaderboard)
    # loaded elsewhere: horizon steps per series, continuing the monthly grid
    model = ForecastEngine().load(spec.model_dir, 1)
    forecast = model.forecast(None)
    assert len(forecast) == 2 * 6
    for series, steps in forecast.groupby("series"):
        expected = pd.date_range("2023-01-01", periods=6, freq="MS")
        assert list(steps["time"]) == list(expected), series
    assert (forecast["lower"] <= forecast["mean"]).all()
    assert (forecast["mean"] <= forecast["upper"]).all()
    assert (forecast["upper"] - forecast["lower"] > 0).all()
    # the truth (without noise) mostly lies in the 80 % interval
    t = np.arange(60, 66)
    truth = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.4 * t
    first = forecast[forecast["series"] == "store-0"]
    inside = (first["lower"].to_numpy() <= truth) & (truth <= first["upper"].to_numpy())
    assert inside.sum() >= 4, (first, truth)


def test_a_forecast_after_given_history_starts_after_it(tmp_path: Path) -> None:
    spec = spec_for(tmp_path, SETTINGS)
    fit(seasonal(), spec)
    model = ForecastEngine().load(spec.model_dir, 1)
    history = seasonal(seed=3).groupby("store").head(36)  # ends 2020-12
    history = history[history["store"] == "store-1"]
    forecast = model.forecast(history)
    assert list(forecast["series"]) == ["store-1"] * 6
    assert forecast["time"].iloc[0] == pd.Timestamp("2021-01-01")
    # an unseen series is forecast with the candidate chosen most often
    renamed = history.assign(store="new shop")
    assert list(model.forecast(renamed)["series"].unique()) == ["new shop"]
    # history too short for the season, or on another grid: refused
    with pytest.raises(ForecastDataError, match="fewer than 24 points"):
        model.forecast(history.head(20))
    daily = seasonal(1, 40, "D").assign(store="store-1")
    with pytest.raises(ForecastDataError, match="trained on MS"):
        model.forecast(daily)


def test_a_single_series_names_no_series(tmp_path: Path) -> None:
    settings = ForecastSettings("month", None, horizon=3, level=95)
    spec = spec_for(tmp_path, settings)
    fit(seasonal(1).drop(columns=["store"]), spec)
    model: ForecastModel = ForecastEngine().load(spec.model_dir, 1)
    forecast = model.forecast(None)
    assert list(forecast["series"]) == [None] * 3
    assert model.settings.level == 95


def test_a_short_budget_is_kept_with_the_baseline_at_least(tmp_path: Path) -> None:
    frame = pd.concat(
        [seasonal(1, 60, seed=s).assign(store=f"s{s}") for s in range(40)], ignore_index=True
    )
    spec = spec_for(tmp_path, SETTINGS, seconds=3)
    began = time.time()
    outcome = fit(frame, spec)
    took = time.time() - began
    facts = outcome.details["forecast"]
    assert BASELINE in facts["candidates"]
    # candidates that would have run past the deadline were not started for all series
    left_out = sum(c["series_left_out"] for c in facts["candidates"].values())
    assert left_out > 0 or took < 10, facts
    assert took < 25, took  # the statsforecast import and JIT are the floor, not the fit


def test_other_tasks_and_bad_data_fail_as_data_errors(tmp_path: Path) -> None:
    spec = spec_for(tmp_path, SETTINGS)
    irregular = seasonal().drop(index=[10]).reset_index(drop=True)
    with pytest.raises(DataError, match="no regular frequency"):
        fit(irregular, spec)


def _fail() -> None:
    raise ValueError("no fit")


def test_a_bounded_fit_is_killed_at_its_deadline_and_errors_come_back() -> None:
    from phantom.automl.engines.forecast import bounded

    began = time.time()
    assert bounded(time.sleep, (30,), 0.5) is None
    assert time.time() - began < 5
    assert bounded(sum, ([1, 2, 3],), 10) == 6
    assert bounded(sum, ([1],), 0) is None
    with pytest.raises(RuntimeError, match="ValueError: no fit"):
        bounded(_fail, (), 10)
