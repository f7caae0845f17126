"""Forecasting's data rules, shared by the start checks (``validation.py``), the engine
(``engines/forecast.py``) and serving's history rows, so a series refused at one is
refused at all, with the same words.

A forecasting dataset is long: one row per (series, time) with a numeric target. The
checks here need only pandas: the time column parses, every series has a regular
frequency (one for the whole dataset), no (series, time) appears twice, the target is a
finite number on every row, and each series is long enough for its season and the
rolling-window backtest."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_HORIZON = 500  # steps ahead; also bounded by each series' history (``required_points``)
MAX_SERIES = 1_000  # per dataset: every series is backtested with every candidate
MAX_SERIES_ID = 200  # characters of a series id
BACKTEST_WINDOWS = 3  # rolling origins, ``horizon`` steps apart
LEVELS = (80, 95)  # prediction interval levels offered; 80 is the default
DEFAULT_LEVEL = 80
MIN_FIT_POINTS = 8  # below the season's two cycles: what any candidate needs to fit
SERIES = "unique_id"  # the engine's long frame: series, time, value
TIME = "ds"
VALUE = "y"


class ForecastDataError(ValueError):
    """The history cannot be forecast as asked; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    """What a FORECASTING job is asked (``StartTrainingInput``); stored on the job and,
    with what the fit found, on the model version."""

    time_column: str
    series_id_column: str | None
    horizon: int
    level: int = DEFAULT_LEVEL

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ForecastSettings:
        return cls(
            time_column=str(data["time_column"]),
            series_id_column=data.get("series_id_column"),
            horizon=int(data["horizon"]),
            level=int(data.get("level", DEFAULT_LEVEL)),
        )


@dataclass(frozen=True, slots=True)
class History:
    """Checked history in the engine's long shape (sorted by series, then time)."""

    frame: pd.DataFrame  # unique_id (str), ds (datetime64[ns]), y (float64)
    frequency: str  # pandas offset alias, e.g. "MS", "D", "h"
    season_length: int
    series: list[str]


def season_length(frequency: str) -> int:
    """The natural cycle of a frequency: a week of days, a year of months, a day of hours."""
    offset = pd.tseries.frequencies.to_offset(frequency)
    n = max(int(getattr(offset, "n", 1)), 1)
    name = type(offset).__name__
    cycles = {
        "Day": 7,
        "BusinessDay": 5,
        "Week": 52,
        "MonthBegin": 12,
        "MonthEnd": 12,
        "QuarterBegin": 4,
        "QuarterEnd": 4,
        "Hour": 24,
        "Minute": 60,
    }
    cycle = cycles.get(name, 1)
    if n > 1:
        cycle = cycle // n if cycle % n == 0 else 1
    return max(cycle, 1)


def required_points(horizon: int, season: int, windows: int = BACKTEST_WINDOWS) -> int:
    """History a series needs to train: two cycles of its season (at least
    ``MIN_FIT_POINTS``) before the first backtest origin, then ``windows`` horizons."""
    return max(2 * season, MIN_FIT_POINTS) + windows * horizon


def check_settings(settings: ForecastSettings, target: str | None) -> None:
    """What needs no data: the horizon's bounds, the level, distinct column roles."""
    if not 1 <= settings.horizon <= MAX_HORIZON:
        raise ForecastDataError(
            f"The horizon must be between 1 and {MAX_HORIZON} steps; got {settings.horizon}."
        )
    if settings.level not in LEVELS:
        raise ForecastDataError(
            f"The interval level must be one of {', '.join(map(str, LEVELS))} (percent); "
            f"got {settings.level}."
        )
    if target is None:
        raise ForecastDataError("FORECASTING needs a target: the numeric column to forecast.")
    roles = [settings.time_column, target]
    if settings.series_id_column is not None:
        roles.append(settings.series_id_column)
    if len(set(roles)) != len(roles):
        raise ForecastDataError(
            "The time column, the series id column and the target must be three different columns."
        )


def _name(column: str) -> str:
    return repr(column[:100])


def _times(values: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        raise ForecastDataError(
            f"The time column {_name(column)} holds numbers; it needs dates or times "
            "(ISO 8601, e.g. 2024-01-31 or 2024-01-31T13:00)."
        )
    if values.isna().any():
        raise ForecastDataError(
            f"{int(values.isna().sum())} rows have no value in the time column {_name(column)}."
        )
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    text = values.astype("string")
    parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    bad = parsed.isna() & text.notna()
    if bad.any():
        example = str(text[bad].iloc[0])[:50]
        raise ForecastDataError(
            f"{int(bad.sum())} values of the time column {_name(column)} are not dates or "
            f"times (e.g. {example!r}); use ISO 8601 (2024-01-31 or 2024-01-31T13:00)."
        )
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def _values(values: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        numbers = pd.to_numeric(values.astype("string"), errors="coerce")
        bad = numbers.isna() & values.notna()
        if bad.any() or pd.api.types.is_bool_dtype(values):
            example = str(values[bad].iloc[0] if bad.any() else values.iloc[0])[:50]
            raise ForecastDataError(
                f"FORECASTING needs a numeric target; {_name(column)} has values that are "
                f"not numbers (e.g. {example!r})."
            )
        values = numbers
    numbers = values.astype("float64")
    if not np.isfinite(numbers.to_numpy(na_value=np.nan)).all():
        missing = int((~np.isfinite(numbers.to_numpy(na_value=np.nan))).sum())
        raise ForecastDataError(
            f"{missing} rows have no finite value in the target {_name(column)}; every "
            "(series, time) needs one (fill or drop the gaps, keeping the series regular)."
        )
    return numbers


def _series(values: pd.Series | None, rows: int, column: str | None) -> pd.Series:
    if values is None or column is None:
        return pd.Series(["series"] * rows, dtype="object")
    if values.isna().any():
        raise ForecastDataError(
            f"{int(values.isna().sum())} rows have no series id in {_name(column)}."
        )
    ids = values.astype("string").astype("object")
    too_long = ids.map(len) > MAX_SERIES_ID
    if too_long.any():
        raise ForecastDataError(
            f"Series ids in {_name(column)} are at most {MAX_SERIES_ID} characters; "
            f"{int(too_long.sum())} rows have longer ones."
        )
    return ids


def frequency_of(times: pd.Series, series: str) -> str:
    """The series' regular frequency (pandas' inference), or a refusal naming the series."""
    if len(times) < 3:
        raise ForecastDataError(
            f"The series {series[:100]!r} has {len(times)} points; at least 3 are needed to "
            "tell its frequency."
        )
    frequency = pd.infer_freq(pd.DatetimeIndex(times))
    if frequency is None:
        gaps = pd.Series(np.diff(times.to_numpy())).value_counts()
        raise ForecastDataError(
            f"The series {series[:100]!r} has no regular frequency (its {len(gaps)} different "
            "gaps between times include missing or irregular steps); resample it to a regular "
            "grid (one row per day, month, hour...) and fill the gaps."
        )
    return str(frequency)


def check_history(
    frame: pd.DataFrame,
    settings: ForecastSettings,
    target: str,
    *,
    min_points: int | None = None,
    frequency: str | None = None,
    max_series: int = MAX_SERIES,
) -> History:
    """The history checked and in the engine's shape. ``min_points``: what each series
    needs (default: the training requirement, ``required_points``); ``frequency``: the
    one the history must have (serving: the trained model's)."""
    for column in (settings.time_column, settings.series_id_column, target):
        if column is not None and column not in frame.columns:
            raise ForecastDataError(f"The data has no column {_name(column)}.")
    if frame.empty:
        raise ForecastDataError("The history is empty.")
    times = _times(frame[settings.time_column].reset_index(drop=True), settings.time_column)
    values = _values(frame[target].reset_index(drop=True), target)
    sid = settings.series_id_column
    ids = _series(frame[sid].reset_index(drop=True) if sid else None, len(frame), sid)
    long = pd.DataFrame({SERIES: ids, TIME: times, VALUE: values})
    series = sorted(long[SERIES].unique().tolist())
    if len(series) > max_series:
        raise ForecastDataError(
            f"The data has {len(series)} series; at most {max_series} can be forecast at once."
        )
    duplicated = long.duplicated([SERIES, TIME])
    if duplicated.any():
        first = long[duplicated].iloc[0]
        where = f" of series {str(first[SERIES])[:100]!r}" if sid else ""
        raise ForecastDataError(
            f"{int(duplicated.sum())} rows repeat a (series, time) pair, e.g. "
            f"{first[TIME].isoformat()}{where}; keep one value per series and time "
            "(aggregate duplicates first)."
        )
    long = long.sort_values([SERIES, TIME], kind="stable").reset_index(drop=True)
    found: dict[str, list[str]] = {}
    for name, group in long.groupby(SERIES, sort=False):
        found.setdefault(frequency_of(group[TIME], str(name)), []).append(str(name))
    if len(found) > 1:
        described = "; ".join(f"{f}: {', '.join(s[:3])[:200]}" for f, s in found.items())
        raise ForecastDataError(
            f"The series have different frequencies ({described}); forecast one frequency "
            "per dataset."
        )
    inferred = next(iter(found))
    if frequency is not None and _offset(inferred) != _offset(frequency):
        raise ForecastDataError(
            f"The history's frequency is {inferred}; the model was trained on {frequency}."
        )
    season = season_length(frequency or inferred)
    needed = required_points(settings.horizon, season) if min_points is None else min_points
    lengths = long.groupby(SERIES, sort=False).size()
    short = lengths[lengths < needed]
    if len(short):
        raise ForecastDataError(
            f"{len(short)} series have fewer than {needed} points (e.g. "
            f"{str(short.index[0])[:100]!r}: {int(short.iloc[0])}); with a season of {season} "
            f"and a horizon of {settings.horizon}, each needs {needed} "
            + (
                f"(two seasons, then {BACKTEST_WINDOWS} backtest windows of the horizon)."
                if min_points is None
                else "to be forecast."
            )
        )
    return History(long, frequency or inferred, season, series)


def _offset(frequency: str) -> Any:
    return pd.tseries.frequencies.to_offset(frequency)


def future_times(last: pd.Timestamp, frequency: str, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` times after ``last`` on the series' grid."""
    return pd.date_range(last, periods=horizon + 1, freq=frequency)[1:]
