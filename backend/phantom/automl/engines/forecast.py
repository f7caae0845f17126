"""FORECASTING with statistical models (``statsforecast``): light to install, strong on
the short, seasonal series businesses forecast, and fast enough to refit at predict time.

- Candidates: AutoETS, AutoTheta and AutoARIMA, each backtested over ``BACKTEST_WINDOWS``
  rolling origins of ``horizon`` steps, beside SeasonalNaive (the baseline every forecast
  is judged against). Scores: MASE (error over the in-sample seasonal-naive error) and WQL
  (weighted quantile loss at the interval's two quantiles and the median).
- Each series is served by the candidate best on its own backtest. The version's figures
  are honest: the choice is made on the earlier windows and scored on the last, which no
  choice saw; the served choice then uses every window.
- The budget: candidates run cheapest first, a chunk of series at a time; a chunk that
  would end past the deadline is not started (a series keeps what finished for it;
  SeasonalNaive always runs). Predict's default forecast (after the training data's end)
  is computed here; forecasts after a caller's history refit the chosen candidates on it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
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
)
from phantom.automl.forecasting import (
    BACKTEST_WINDOWS,
    MIN_FIT_POINTS,
    SERIES,
    TIME,
    VALUE,
    ForecastDataError,
    ForecastSettings,
    History,
    check_history,
)
from phantom.automl.tasks import TaskType

ARTIFACT = "forecast.joblib"
BASELINE = "SeasonalNaive"
CANDIDATES = ("AutoETS", "AutoTheta", "AutoARIMA")  # cheapest first (measured)
SELECTION = "BestPerSeries"  # the served row: each series' best candidate
CHUNK_SERIES = 10  # series per backtest call between deadline checks
BACKTEST_SHARE = 0.75  # of the fit's time: the rest refits the chosen models
# seconds per series and window of 100 points, before a candidate's first chunk is measured
FIRST_GUESS = {"AutoETS": 0.2, "AutoTheta": 0.1, "AutoARIMA": 3.0}
# a candidate's cost relative to AutoETS's measured one, before its own is measured
RELATIVE_TO_ETS = {"AutoTheta": 0.5, "AutoARIMA": 12.0}
FORECAST_COLUMNS = ["series", "time", "mean", "lower", "upper"]
# the most recent points each fit sees: statistical models need no more, and AutoARIMA on
# a 526-month series took 110 s for three windows (37x AutoETS) on a busy host
MAX_FIT_POINTS = 300
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies


def bounded(function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any | None:
    """``function(*args)`` in a forked child, or None when it did not answer within
    ``seconds`` (the child is killed): a statsforecast fit cannot be interrupted, and
    AutoARIMA's time varies tenfold with the data, so no estimate alone keeps a budget."""
    if seconds <= 0:
        return None
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(writer, function, args, os.getpid()), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            return None
        status, value = reader.recv()
    except EOFError:  # the child died without answering (memory): as an error
        status, value = "error", f"the fit's process ended with {child.exitcode}"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()
    if status == "error":
        raise RuntimeError(value)
    return value


def _answer(writer: Any, function: Callable[..., Any], args: tuple[Any, ...], parent: int) -> None:
    _die_with(parent)
    try:
        writer.send(("ok", function(*args)))
    except Exception as error:  # the parent raises it
        writer.send(("error", f"{type(error).__name__}: {error}"[:2000]))
    finally:
        writer.close()


def _die_with(parent: int) -> None:
    """The kernel kills this child when the process that forked it dies: its deadline is
    kept by that process, and an API process killed mid-refit (OOM, a supervisor) left it
    running to its end with a copy of the parent's memory (finding W7-3)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def _model(name: str, season: int) -> Any:
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    kinds: dict[str, Any] = {
        BASELINE: SeasonalNaive,
        "AutoETS": AutoETS,
        "AutoTheta": AutoTheta,
        "AutoARIMA": AutoARIMA,
    }
    return kinds[name](season_length=season)


def _run(
    name: str, season: int, frequency: str, frame: pd.DataFrame, horizon: int, level: int
) -> pd.DataFrame:
    """Forecasts of ``name`` for every series of ``frame`` after its end, in our columns."""
    from statsforecast import StatsForecast

    engine = StatsForecast(models=[_model(name, season)], freq=frequency, n_jobs=1)
    recent = frame.groupby(SERIES, sort=False).tail(MAX_FIT_POINTS)
    out = engine.forecast(df=recent, h=horizon, level=[level]).reset_index()
    return pd.DataFrame(
        {
            "series": out[SERIES].astype(str),
            "time": pd.to_datetime(out[TIME]),
            "mean": out[name].astype(float),
            "lower": out[f"{name}-lo-{level}"].astype(float),
            "upper": out[f"{name}-hi-{level}"].astype(float),
        }
    )


def _backtest(
    name: str, history: History, frame: pd.DataFrame, horizon: int, level: int
) -> pd.DataFrame:
    from statsforecast import StatsForecast

    engine = StatsForecast(
        models=[_model(name, history.season_length)], freq=history.frequency, n_jobs=1
    )
    out = engine.cross_validation(
        df=frame,
        h=horizon,
        n_windows=BACKTEST_WINDOWS,
        step_size=horizon,
        input_size=MAX_FIT_POINTS,
        level=[level],
    ).reset_index()
    return out[[SERIES, TIME, "cutoff", VALUE, name, f"{name}-lo-{level}", f"{name}-hi-{level}"]]


# --- scores ------------------------------------------------------------------------------


def _scales(history: History, cutoffs: pd.DataFrame) -> pd.Series:
    """MASE's denominator per (series, cutoff): the mean absolute seasonal difference of
    the history up to the cutoff (lag 1 where the season does not fit)."""
    scales = {}
    grouped = {str(k): g for k, g in history.frame.groupby(SERIES, sort=False)}
    for series, cutoff in cutoffs.itertuples(index=False):
        y = grouped[str(series)]
        y = y.loc[y[TIME] <= cutoff, VALUE].to_numpy()
        lag = history.season_length if len(y) > history.season_length else 1
        scales[(str(series), cutoff)] = (
            float(np.mean(np.abs(y[lag:] - y[:-lag]))) if len(y) > lag else np.nan
        )
    return pd.Series(scales)


def scored(cv: pd.DataFrame, name: str, level: int, scales: pd.Series) -> pd.DataFrame:
    """Per (series, cutoff): scaled absolute error (MASE's numerator over its scale), the
    quantile loss summed over the window, and the window's sum of |y| (WQL's weight)."""
    y = cv[VALUE].to_numpy(dtype=float)
    alpha = (1 - level / 100) / 2
    predictions = {
        alpha: cv[f"{name}-lo-{level}"].to_numpy(dtype=float),
        0.5: cv[name].to_numpy(dtype=float),
        1 - alpha: cv[f"{name}-hi-{level}"].to_numpy(dtype=float),
    }
    loss = np.zeros_like(y)
    for q, p in predictions.items():
        loss += 2 * np.maximum(q * (y - p), (q - 1) * (y - p))
    frame = pd.DataFrame(
        {
            "series": cv[SERIES].astype(str).to_numpy(),
            "cutoff": cv["cutoff"].to_numpy(),
            "abs_error": np.abs(y - predictions[0.5]),
            "loss": loss / len(predictions),
            "abs_y": np.abs(y),
        }
    )
    windows = frame.groupby(["series", "cutoff"], sort=True).agg(
        mae=("abs_error", "mean"), loss=("loss", "sum"), abs_y=("abs_y", "sum")
    )
    windows["scale"] = [scales.get((s, c), np.nan) for s, c in windows.index]
    return windows.reset_index()


def mase(windows: pd.DataFrame) -> float | None:
    """Mean over (series, window) of MAE over the scale; windows of flat histories
    (scale 0) are left out rather than divided by zero."""
    usable = windows[(windows["scale"] > 0) & np.isfinite(windows["scale"])]
    return float((usable["mae"] / usable["scale"]).mean()) if len(usable) else None


def wql(windows: pd.DataFrame) -> float | None:
    """Quantile loss over the sum of |y|, over every series and window (weighted)."""
    total = float(windows["abs_y"].sum())
    return float(windows["loss"].sum() / total) if total > 0 else None


SCORES = {"mase": mase, "wql": wql}


# --- the model ---------------------------------------------------------------------------


@dataclass
class ForecastModel:
    settings: ForecastSettings
    target: str
    frequency: str
    season_length: int
    choice: dict[str, str]  # series -> the candidate that forecasts it
    default_candidate: str  # for series the training data did not have
    forecasts: pd.DataFrame  # after the training data's end: FORECAST_COLUMNS
    single: bool = False  # no series id column: answers name no series
    threads: int = field(default=1)

    def forecast(self, history: pd.DataFrame | None, deadline: float | None = None) -> pd.DataFrame:
        """``horizon`` steps per series after the training data (no history), or after
        the history given (time, series id, target rows), refitting each series' chosen
        candidate on it. ``ForecastDataError`` when the history cannot be forecast.

        ``deadline`` (``time.monotonic()``): the refit runs in a forked child killed then,
        and ``TimeoutError`` is raised. A statsforecast fit cannot be interrupted, so an
        API process must not refit in a thread: its work would outlive the caller's 503
        and hold the shared process's CPU (finding W6-2)."""
        if history is None or history.empty:
            answer = self.forecasts.copy()
        else:
            checked = check_history(
                history,
                self.settings,
                self.target,
                min_points=max(2 * self.season_length, MIN_FIT_POINTS),
                frequency=self.frequency,
            )
            if deadline is None:
                answer = self._refit(checked.frame)
            else:
                answer = bounded(self._refit, (checked.frame,), deadline - time.monotonic())
                if answer is None:
                    raise TimeoutError("the forecast's refit did not end by its deadline")
        answer["lower"] = np.minimum(answer["lower"], answer["mean"])
        answer["upper"] = np.maximum(answer["upper"], answer["mean"])
        answer = answer.sort_values(["series", "time"], kind="stable").reset_index(drop=True)
        if self.single:
            answer["series"] = None
        return answer[FORECAST_COLUMNS]

    def _refit(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each series' chosen candidate fitted on its history, and its forecasts."""
        chosen = frame[SERIES].map(lambda s: self.choice.get(s, self.default_candidate))
        parts = [
            _run(
                str(name),
                self.season_length,
                self.frequency,
                group,
                self.settings.horizon,
                self.settings.level,
            )
            for name, group in frame.groupby(chosen, sort=True)
        ]
        return pd.concat(parts, ignore_index=True)

    def predict(self, frame: pd.DataFrame) -> Predictions:
        """The forecast's means as labels (the engine protocol): ``frame`` is history."""
        return Predictions(labels=self.forecast(frame)["mean"].to_numpy(dtype=float))

    def close(self) -> None:
        pass


# --- the engine ----------------------------------------------------------------------------


@dataclass
class _Backtests:
    windows: dict[str, pd.DataFrame] = field(default_factory=dict)  # name -> scored windows
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # name -> series left out

    def add(self, name: str, scored_windows: pd.DataFrame, seconds: float) -> None:
        previous = self.windows.get(name)
        self.windows[name] = (
            scored_windows
            if previous is None
            else pd.concat([previous, scored_windows], ignore_index=True)
        )
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


def choose(
    backtests: dict[str, pd.DataFrame], metric: str, last_window_only: bool
) -> tuple[dict[str, str], pd.DataFrame]:
    """Each series' best candidate on its backtest windows (all of them, or all but the
    last: ``last_window_only`` then returns the choice's scored last windows, which no
    choice saw). Ties and missing scores go to the earlier candidate, SeasonalNaive
    first."""
    score = SCORES[metric]
    cutoffs = sorted(next(iter(backtests.values()))["cutoff"].unique())
    last = cutoffs[-1]
    choice: dict[str, str] = {}
    held: list[pd.DataFrame] = []
    for series in sorted(backtests[BASELINE]["series"].unique()):
        best, best_score = BASELINE, None
        for name, windows in backtests.items():
            mine = windows[windows["series"] == series]
            if mine["cutoff"].nunique() < len(cutoffs):
                continue  # not backtested on this series (out of time)
            seen = mine[mine["cutoff"] != last] if last_window_only else mine
            value = score(seen)
            if value is not None and (best_score is None or value < best_score - 1e-12):
                best, best_score = name, value
        choice[series] = best
        if last_window_only:
            windows = backtests[best]
            held.append(windows[(windows["series"] == series) & (windows["cutoff"] == last)])
    return choice, pd.concat(held, ignore_index=True) if held else pd.DataFrame()


class ForecastEngine:
    name = "forecast"
    reserve_seconds = 2.0  # loading the artefact after the fit: quick

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        if spec.task != TaskType.FORECASTING or spec.target is None:
            raise DataError("The forecasting engine trains FORECASTING jobs only.")
        settings = ForecastSettings.from_json(spec.options["forecast"])
        try:
            history = check_history(train, settings, spec.target)
        except ForecastDataError as error:
            raise DataError(str(error)) from None
        started = time.time()
        backtest_deadline = started + BACKTEST_SHARE * max(spec.deadline - started, 0.0)
        scales: pd.Series | None = None
        done = _Backtests()
        board: list[LeaderboardRow] = []
        for name in (BASELINE, *CANDIDATES):
            per_series = self._guess(name, done, history)
            queue = list(history.series)
            covered = 0
            while queue:
                # the baseline at once (it is cheap); a candidate's first chunk is one
                # series, so a slow candidate costs one series' time, not ten
                size = len(queue) if name == BASELINE else (CHUNK_SERIES if covered else 1)
                chunk = queue[:size]
                frame = history.frame[history.frame[SERIES].isin(chunk)]
                began = time.time()
                if name == BASELINE:
                    cv = _backtest(name, history, frame, settings.horizon, settings.level)
                else:
                    if began + per_series * len(chunk) > backtest_deadline:
                        break
                    cv = bounded(
                        _backtest,
                        (name, history, frame, settings.horizon, settings.level),
                        backtest_deadline - began,
                    )
                    if cv is None:  # out of the backtest's time: these series go without
                        done.seconds[name] = done.seconds.get(name, 0.0) + time.time() - began
                        break
                if scales is None or not set(chunk) <= {s for s, _ in scales.index}:
                    cutoffs = cv[[SERIES, "cutoff"]].drop_duplicates()
                    found = _scales(history, cutoffs)
                    scales = found if scales is None else pd.concat([scales, found])
                    scales = scales[~scales.index.duplicated()]
                took = time.time() - began
                done.add(name, scored(cv, name, settings.level, scales), took)
                queue = queue[size:]
                covered += len(chunk)
                per_series = took / len(chunk)
            if queue:
                done.skipped[name] = len(queue)
            if name in done.windows:
                board = self._board(done, spec.metric)
                report(f"Backtested {name} on {covered} series", board)
        if set(done.windows) == {BASELINE}:
            skipped = "the budget left no time for the statistical candidates"
        else:
            skipped = None
        honest, held = choose(done.windows, spec.metric, last_window_only=True)
        choice, _ = choose(done.windows, spec.metric, last_window_only=False)
        board = self._board(done, spec.metric, held)
        forecasts, fallen = self._final(history, choice, settings, spec.deadline)
        for series in fallen:
            choice[series] = BASELINE
        counts = Counter(choice.values())
        default = counts.most_common(1)[0][0]
        model = ForecastModel(
            settings=settings,
            target=spec.target,
            frequency=history.frequency,
            season_length=history.season_length,
            choice=choice,
            default_candidate=default,
            forecasts=forecasts,
            single=settings.series_id_column is None,
        )
        joblib.dump(model, spec.model_dir / ARTIFACT)
        last = {name: _last(windows) for name, windows in done.windows.items()}
        metrics = {m: f(held) for m, f in SCORES.items()}
        baseline = {m: f(last[BASELINE]) for m, f in SCORES.items()}
        reason = (
            f"{SELECTION}: each series forecast by the candidate best on its own backtest "
            f"({', '.join(f'{n} {c}' for n, c in counts.most_common())} series); on the last "
            f"backtest window, which no choice saw, {spec.metric} "
            f"{_text(metrics[spec.metric])} against SeasonalNaive's "
            f"{_text(baseline[spec.metric])}."
        )
        if skipped:
            reason += f" Only SeasonalNaive ran: {skipped}."
        if fallen:
            reason += (
                f" {len(fallen)} series are forecast by SeasonalNaive: refitting their "
                "chosen candidate on the whole history ran out of the budget's time."
            )
        return FitOutcome(
            leaderboard=board,
            best_model=SELECTION,
            served_model=SELECTION,
            serving_reason=reason,
            details={
                "statsforecast_version": _version(),
                "forecast": {
                    "metrics": {k: v for k, v in metrics.items() if v is not None},
                    "seasonal_naive": {k: v for k, v in baseline.items() if v is not None},
                    "candidates": {
                        name: {
                            **{
                                m: f(last[name]) if name in last else None
                                for m, f in SCORES.items()
                            },
                            "seconds": round(done.seconds.get(name, 0.0), 3),
                            "series_left_out": done.skipped.get(name, 0),
                        }
                        for name in dict.fromkeys([*done.windows, *done.skipped])
                    },
                    "chosen": dict(counts),
                    "honest_chosen": dict(Counter(honest.values())),
                    "refit_fell_back": len(fallen),
                    "frequency": history.frequency,
                    "season_length": history.season_length,
                    "series_count": len(history.series),
                    "backtest_windows": BACKTEST_WINDOWS,
                    "training_end": str(history.frame[TIME].max().isoformat()),
                },
            },
        )

    @staticmethod
    def _guess(name: str, done: _Backtests, history: History) -> float:
        """Seconds per series a candidate's backtest should take before its first chunk
        is measured: a multiple of AutoETS's measured time when there is one (same data,
        same host load), else a rule of thumb scaled by the series' length."""
        if name == BASELINE:
            return 0.0
        ets = done.seconds.get("AutoETS")
        measured = done.windows.get("AutoETS")
        covered = measured["series"].nunique() if measured is not None else 0
        if ets and covered and name in RELATIVE_TO_ETS:
            return RELATIVE_TO_ETS[name] * ets / covered
        points = len(history.frame) / max(len(history.series), 1)
        return FIRST_GUESS[name] * BACKTEST_WINDOWS * max(points / 100, 0.5)

    def _board(
        self, done: _Backtests, metric: str, held: pd.DataFrame | None = None
    ) -> list[LeaderboardRow]:
        """Every candidate scored on the last backtest window (the selection's window too:
        one yardstick), best first; with ``held``, the served selection's row."""
        rows = [
            LeaderboardRow(name, SCORES[metric](_last(windows)), done.seconds[name], None)
            for name, windows in done.windows.items()
        ]
        if held is not None and len(held):
            value = SCORES[metric](held)
            rows.append(LeaderboardRow(SELECTION, value, sum(done.seconds.values()), None, value))
        return sorted(
            rows,
            key=lambda r: (
                r.score_validation is None,
                r.score_validation or 0.0,
                r.model_name != SELECTION,  # on a tie, the selection ranks first
            ),
        )

    def _final(
        self,
        history: History,
        choice: dict[str, str],
        settings: ForecastSettings,
        deadline: float,
    ) -> tuple[pd.DataFrame, list[str]]:
        """The forecast after the training data's end, each series by its chosen
        candidate refitted on its (recent) history, bounded by the fit's deadline; series
        whose refit did not finish fall back to SeasonalNaive (listed)."""
        chosen = history.frame[SERIES].map(choice)
        parts, fallen = [], []
        for name, group in history.frame.groupby(chosen, sort=True):
            args = (
                str(name),
                history.season_length,
                history.frequency,
                group,
                settings.horizon,
                settings.level,
            )
            if name == BASELINE:
                parts.append(_run(*args))
                continue
            out = bounded(_run, args, max(deadline - time.time(), 1.0))
            if out is None:
                fallen += sorted(group[SERIES].unique().tolist())
                out = _run(BASELINE, *args[1:])
            parts.append(out)
        return pd.concat(parts, ignore_index=True), fallen

    def load(self, model_dir: Path, num_cpus: int) -> ForecastModel:
        model: ForecastModel = joblib.load(model_dir / ARTIFACT)
        model.threads = max(num_cpus, 1)
        return model


def _last(windows: pd.DataFrame) -> pd.DataFrame:
    return windows[windows["cutoff"] == windows["cutoff"].max()]


def _text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _version() -> str:
    import statsforecast

    return str(statsforecast.__version__)
