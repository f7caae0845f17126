"""Forecasting quality: the product's FORECASTING engine (``engines/forecast.py``, fitted as
a job fits it, with its own backtest and per-series choice inside the budget) against
SeasonalNaive, on public series bundled with statsmodels and a many-series synthetic set.

    nice -n 10 .venv/bin/python bench/forecast_quality.py [--origins 2] [--budget 60]
                                                          [--datasets co2,nile]

Rolling origins: for each origin, the model sees the history before it and forecasts
``horizon`` steps, scored against what followed (origins ``horizon`` apart, the last one
ending at the data's end). MASE: mean absolute error over the history's in-sample seasonal
naive error, averaged over series and origins (below 1 beats the in-sample naive). WQL:
the quantile loss at the 80 % interval's bounds and the median, over the sum of |y|.
Nothing is downloaded: statsmodels (dev extra) ships the public series.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LEVEL = 80


def _long(frame: pd.DataFrame, times: pd.DatetimeIndex, columns: list[str]) -> pd.DataFrame:
    parts = [
        pd.DataFrame({"time": times, "series": c, "y": frame[c].to_numpy(dtype=float)})
        for c in columns
    ]
    return pd.concat(parts, ignore_index=True)


def co2() -> tuple[pd.DataFrame, int]:
    """Mauna Loa CO2, weekly 1958-2001, as monthly means (gaps interpolated): 526 months."""
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().interpolate()
    frame = pd.DataFrame({"time": monthly.index, "series": "co2", "y": monthly.to_numpy()})
    return frame, 12


def sunspots() -> tuple[pd.DataFrame, int]:
    """Yearly sunspot activity 1700-2008 (an 11-year cycle no calendar season names)."""
    import statsmodels.api as sm

    data = sm.datasets.sunspots.load_pandas().data
    times = pd.date_range("1700-01-01", periods=len(data), freq="YS")
    return _long(data, times, ["SUNACTIVITY"]), 10


def macrodata() -> tuple[pd.DataFrame, int]:
    """US quarterly macro series 1959-2009: six of them, one model each."""
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    times = pd.date_range("1959-01-01", periods=len(data), freq="QS")
    columns = ["realgdp", "realcons", "realinv", "cpi", "unemp", "m1"]
    return _long(data, times, columns), 8


def elnino() -> tuple[pd.DataFrame, int]:
    """Monthly Pacific sea surface temperature 1950-2010."""
    import statsmodels.api as sm

    data = sm.datasets.elnino.load_pandas().data.drop(columns=["YEAR"])
    values = data.to_numpy(dtype=float).ravel()
    times = pd.date_range("1950-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"time": times, "series": "elnino", "y": values}), 12


def nile() -> tuple[pd.DataFrame, int]:
    """Yearly Nile flow at Aswan 1871-1970 (100 years, a level shift in 1898)."""
    import statsmodels.api as sm

    data = sm.datasets.nile.load_pandas().data
    times = pd.date_range("1871-01-01", periods=len(data), freq="YS")
    return _long(data, times, ["volume"]), 10


def synthetic(series: int = 100, points: int = 72, seed: int = 0) -> tuple[pd.DataFrame, int]:
    """Many monthly series: levels, trends, yearly cycles of varied strength and phase,
    noise from small to large, a tenth of them random walks."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2018-01-01", periods=points, freq="MS")
    parts = []
    t = np.arange(points)
    for s in range(series):
        if s % 10 == 9:
            y = 100 + np.cumsum(rng.normal(0, 2, points))
        else:
            y = (
                rng.uniform(20, 200)
                + rng.normal(0, 0.5) * t
                + rng.uniform(0, 20) * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6.3))
                + rng.normal(0, rng.uniform(0.5, 8), points)
            )
        parts.append(pd.DataFrame({"time": times, "series": f"s{s:03d}", "y": y}))
    return pd.concat(parts, ignore_index=True), 6


DATASETS: dict[str, Callable[[], tuple[pd.DataFrame, int]]] = {
    "co2": co2,
    "sunspots": sunspots,
    "macrodata": macrodata,
    "elnino": elnino,
    "nile": nile,
    "synthetic_100": synthetic,
}


def scores(
    history: pd.DataFrame, future: pd.DataFrame, forecast: pd.DataFrame, season: int
) -> pd.DataFrame:
    """Per series: MAE over the in-sample seasonal naive error, quantile loss, sum |y|."""
    rows = []
    alpha = (1 - LEVEL / 100) / 2
    for name, truth in future.groupby("series"):
        past = history.loc[history["series"] == name, "y"].to_numpy()
        lag = season if len(past) > season else 1
        scale = float(np.mean(np.abs(past[lag:] - past[:-lag])))
        mine = forecast[forecast["series"] == name].sort_values("time")
        y = truth.sort_values("time")["y"].to_numpy()
        loss = 0.0
        for q, column in ((alpha, "lower"), (0.5, "mean"), (1 - alpha, "upper")):
            p = mine[column].to_numpy()
            loss += float(np.sum(2 * np.maximum(q * (y - p), (q - 1) * (y - p)))) / 3
        mae = float(np.mean(np.abs(y - mine["mean"].to_numpy())))
        rows.append(
            {"mase": mae / scale if scale > 0 else np.nan, "loss": loss, "abs_y": np.abs(y).sum()}
        )
    return pd.DataFrame(rows)


def seasonal_naive(
    history: pd.DataFrame, frequency: str, season: int, horizon: int
) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import SeasonalNaive

    frame = history.rename(columns={"series": "unique_id", "time": "ds"})
    out = StatsForecast(models=[SeasonalNaive(season)], freq=frequency, n_jobs=1).forecast(
        df=frame, h=horizon, level=[LEVEL]
    )
    return pd.DataFrame(
        {
            "series": out["unique_id"].astype(str),
            "time": out["ds"],
            "mean": out["SeasonalNaive"],
            "lower": out[f"SeasonalNaive-lo-{LEVEL}"],
            "upper": out[f"SeasonalNaive-hi-{LEVEL}"],
        }
    )


def ours(history: pd.DataFrame, horizon: int, budget: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The engine as a job runs it: its backtest, its per-series choice, its budget."""
    from phantom.automl.engines.base import FitSpec
    from phantom.automl.engines.forecast import ForecastEngine
    from phantom.automl.forecasting import ForecastSettings
    from phantom.automl.tasks import TaskType

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "model").mkdir()
        (root / "work").mkdir()
        spec = FitSpec(
            task=TaskType.FORECASTING,
            target="y",
            metric="mase",
            time_limit_seconds=budget,
            deadline=time.time() + budget,
            num_cpus=1,
            memory_limit_mb=2048,
            seed=0,
            model_dir=root / "model",
            work_dir=root / "work",
            options={"forecast": ForecastSettings("time", "series", horizon, LEVEL).to_json()},
        )
        frame = history.assign(time=history["time"].dt.strftime("%Y-%m-%d"))
        outcome = ForecastEngine().fit(frame, spec, lambda message, board: None)
        model = ForecastEngine().load(root / "model", 1)
        forecast = model.forecast(None)
    return forecast, outcome.details["forecast"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--origins", type=int, default=2)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    args = parser.parse_args()
    from phantom.automl.forecasting import season_length

    results = []
    for name in args.datasets.split(","):
        data, horizon = DATASETS[name]()
        data = data.sort_values(["series", "time"]).reset_index(drop=True)
        frequency = pd.infer_freq(
            pd.DatetimeIndex(data[data["series"] == data["series"].iloc[0]]["time"])
        )
        season = season_length(str(frequency))
        ends = sorted(data["time"].unique())
        per_origin: dict[str, list[pd.DataFrame]] = {"ours": [], "naive": []}
        chosen: dict[str, int] = {}
        seconds = 0.0
        for k in range(args.origins, 0, -1):
            start = len(ends) - k * horizon
            history = data[data["time"] < ends[start]]
            future = data[data["time"].isin(ends[start : start + horizon])]
            began = time.time()
            forecast, facts = ours(history, horizon, args.budget)
            seconds += time.time() - began
            for model_name, count in facts["chosen"].items():
                chosen[model_name] = chosen.get(model_name, 0) + count
            naive = seasonal_naive(history, str(frequency), season, horizon)
            per_origin["ours"].append(scores(history, future, forecast, season))
            per_origin["naive"].append(scores(history, future, naive, season))
        row: dict[str, Any] = {
            "dataset": name,
            "series": data["series"].nunique(),
            "points": int(data.groupby("series").size().median()),
            "freq": frequency,
            "h": horizon,
        }
        for who, frames in per_origin.items():
            frame = pd.concat(frames, ignore_index=True)
            row[f"mase_{who}"] = float(frame["mase"].mean())
            row[f"wql_{who}"] = float(frame["loss"].sum() / frame["abs_y"].sum())
        row["fit_s"] = seconds / args.origins
        row["chosen"] = ", ".join(
            f"{k} {v}" for k, v in sorted(chosen.items(), key=lambda i: -i[1])
        )
        results.append(row)
        print(row, flush=True)
    table = pd.DataFrame(results)
    print()
    header = (
        "| data set | series | points | freq | h | MASE ours | MASE naive | WQL ours | "
        "WQL naive | fit s | chosen (series x origins) |"
    )
    print(header)
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in table.to_dict("records"):
        print(
            f"| {r['dataset']} | {r['series']} | {r['points']} | {r['freq']} | {r['h']} | "
            f"{r['mase_ours']:.3f} | {r['mase_naive']:.3f} | {r['wql_ours']:.4f} | "
            f"{r['wql_naive']:.4f} | {r['fit_s']:.1f} | {r['chosen']} |"
        )
    better = (table["mase_ours"] < table["mase_naive"]).sum()
    print(
        f"\nMASE better than seasonal naive on {better} of {len(table)} data sets; "
        f"mean MASE ours {table['mase_ours'].mean():.3f} vs naive {table['mase_naive'].mean():.3f}"
    )


if __name__ == "__main__":
    main()
