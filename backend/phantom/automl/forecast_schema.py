"""Forecasting's GraphQL types: what a FORECASTING job was asked, what its version found
(backtest, frequency, interval level), and what a chart of a series needs: the history
tail kept on the version, and ``predict``'s forecast points with their interval."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="What a FORECASTING job was asked.")
class ForecastRequest:
    time_column: str
    series_id_column: str | None = strawberry.field(description="Null: one series.")
    horizon: int = strawberry.field(description="Steps forecast after the history's end.")
    interval_level: int = strawberry.field(description="Prediction interval, in percent.")

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ForecastRequest | None:
        if not data:
            return None
        return cls(
            time_column=data["time_column"],
            series_id_column=data.get("series_id_column"),
            horizon=int(data["horizon"]),
            interval_level=int(data.get("level", 80)),
        )


@strawberry.type(description="One forecast step of one series, with its interval.")
class ForecastPoint:
    series: str | None = strawberry.field(description="Null for a single series.")
    time: datetime
    mean: float
    lower: float = strawberry.field(description="The interval's lower bound (<= mean).")
    upper: float = strawberry.field(description="The interval's upper bound (>= mean).")

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> ForecastPoint:
        return cls(
            series=item["series"],
            time=datetime.fromisoformat(item["time"]),
            mean=item["mean"],
            lower=item["lower"],
            upper=item["upper"],
        )


@strawberry.type
class HistoryPoint:
    time: datetime
    value: float


@strawberry.type(description="The last points of a series' training history.")
class SeriesHistory:
    series: str | None = strawberry.field(description="Null for a single series.")
    points: list[HistoryPoint]


@strawberry.type(description="A candidate's score on the last backtest window.")
class CandidateBacktest:
    model_name: str
    mase: float | None
    wql: float | None
    seconds: float = strawberry.field(description="Backtesting time.")
    series_left_out: int = strawberry.field(
        description="Series it was not backtested on (out of the budget's time)."
    )
    series_chosen: int = strawberry.field(description="Series it forecasts in this version.")


@strawberry.type(description="A FORECASTING version's settings and backtest.")
class Forecast:
    time_column: str
    series_id_column: str | None
    horizon: int
    interval_level: int = strawberry.field(
        description="predict's lower/upper bound this interval, in percent (80 or 95)."
    )
    frequency: str = strawberry.field(description='pandas offset alias: "D", "MS", "h"...')
    season_length: int
    series_count: int
    backtest_windows: int = strawberry.field(description="Rolling origins, horizon apart.")
    training_end: datetime = strawberry.field(
        description="The last time of the training data: predict with no rows forecasts after it."
    )
    mase: float | None = strawberry.field(
        description="The served per-series choice on the last backtest window (chosen on "
        "the earlier ones)."
    )
    wql: float | None
    seasonal_naive_mase: float | None = strawberry.field(
        description="The baseline on the same window: MASE below it beats seasonal naive."
    )
    seasonal_naive_wql: float | None
    candidates: list[CandidateBacktest]
    history_series_left_out: int = strawberry.field(
        description="Series beyond the first 20 (by id) whose history tail is not kept."
    )
    chosen: JSON = strawberry.field(description='Series per candidate: {"AutoETS": 12, ...}.')
    tails: strawberry.Private[dict[str, list[list[Any]]]]
    single: strawberry.Private[bool]

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry's, with arguments
        description="The training history's last points (up to 120 per series, first 20 "
        "series by id): with predict(rows: []), a chart of history, forecast and interval."
    )
    def history(self, series: str | None = None) -> list[SeriesHistory]:
        names = [series] if series is not None else list(self.tails)
        return [
            SeriesHistory(
                series=None if self.single else name,
                points=[
                    HistoryPoint(time=datetime.fromisoformat(t), value=v)
                    for t, v in self.tails[name]
                ],
            )
            for name in names
            if name in self.tails
        ]

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Forecast | None:
        if not data:
            return None
        metrics, naive = data.get("metrics") or {}, data.get("seasonal_naive") or {}
        chosen = data.get("chosen") or {}
        return cls(
            time_column=data["time_column"],
            series_id_column=data.get("series_id_column"),
            horizon=int(data["horizon"]),
            interval_level=int(data["level"]),
            frequency=data["frequency"],
            season_length=int(data["season_length"]),
            series_count=int(data["series_count"]),
            backtest_windows=int(data["backtest_windows"]),
            training_end=datetime.fromisoformat(data["training_end"]),
            mase=metrics.get("mase"),
            wql=metrics.get("wql"),
            seasonal_naive_mase=naive.get("mase"),
            seasonal_naive_wql=naive.get("wql"),
            candidates=[
                CandidateBacktest(
                    model_name=name,
                    mase=facts.get("mase"),
                    wql=facts.get("wql"),
                    seconds=facts.get("seconds", 0.0),
                    series_left_out=facts.get("series_left_out", 0),
                    series_chosen=int(chosen.get(name, 0)),
                )
                for name, facts in (data.get("candidates") or {}).items()
            ],
            history_series_left_out=int(data.get("history_series_left_out", 0)),
            chosen=JSON(chosen),
            tails=data.get("history") or {},
            single=data.get("series_id_column") is None,
        )
