"""The checks a training request passes before a job exists: a job that would fail on its
data or options fails here instead, with a message a person can act on. The checks run in
a fixed order (the dataset, the target and task, the columns, the rows, the metric, the
budget, the engine, the model name), so one request always gets the same first refusal.
Protected attributes are checked with the columns."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.automl.engines.sklearn import TASKS as SKLEARN_TASKS
from phantom.automl.fit_to_serve import ServingChoice
from phantom.automl.forecasting import ForecastDataError, ForecastSettings, check_history
from phantom.automl.forecasting import check_settings as check_forecast_settings
from phantom.automl.lifecycle import Limits, tenant_limits
from phantom.automl.models import Engine
from phantom.automl.tasks import DEFAULT_METRIC, METRICS, TaskType
from phantom.config import settings
from phantom.datasets.profiling import MULTICLASS_MAX_CLASSES, task_for_column
from phantom.datasets.service import TrainingData, training_data
from phantom.kit.errors import BadUserInput
from phantom.kit.storage import get_store
from phantom.registry.service import registry

MAX_NAME = 200
MAX_COLUMN_NAME = 1000
MAX_PROTECTED = 10
MAX_GROUPS = 50  # distinct values of a protected attribute: more are not groups to compare
H2O_MIN_BUDGET_SECONDS = 45  # two Java node start-ups (the H2O engine's reserve_seconds)


@dataclass(frozen=True, slots=True)
class StartRequest:
    dataset_id: uuid.UUID
    target: str | None
    task_type: TaskType
    time_budget_seconds: int
    metric: str | None
    engine: Engine
    model_name: str | None
    excluded_columns: list[str] = field(default_factory=list)
    serving_choice: ServingChoice = ServingChoice.FIT_TO_SERVE
    protected_attributes: list[str] = field(default_factory=list)
    positive_class: str | None = None
    forecast: ForecastSettings | None = None  # FORECASTING: its columns and horizon


@dataclass(frozen=True, slots=True)
class ValidStart:
    """A request that passed every check, resolved: the task is never AUTO, the metric
    and the model name are chosen, excluded columns are listed once each."""

    data: TrainingData
    task: TaskType
    target: str | None
    metric: str
    model_name: str
    excluded_columns: list[str]
    protected_attributes: list[str] = field(default_factory=list)
    positive_class: str | None = None
    forecast: ForecastSettings | None = None


def engine_available(engine: Engine) -> bool:
    if engine in (Engine.AUTOGLUON, Engine.SKLEARN):
        return True
    return importlib.util.find_spec("h2o") is not None and (
        settings.H2O_URL is not None or shutil.which("java") is not None
    )


async def validate(
    session: AsyncSession, tenant_id: uuid.UUID, request: StartRequest, show_values: bool = True
) -> ValidStart:
    """``show_values``: whether errors may quote the data's values (the caller holds
    datasets:read; training:run alone does not show a dataset's contents, finding W6-3)."""
    data = await training_data(session, request.dataset_id)
    target = request.target
    task = _task(data, target, request.task_type)
    _check_forecast_request(task, request)
    _check_excluded(data, target, request.excluded_columns)
    _check_protected(data, target, request.protected_attributes)
    if task == TaskType.FORECASTING and request.forecast is not None:
        await _check_forecast_data(data, target, request.forecast)
    elif target is not None:
        values = await asyncio.to_thread(_read_column, data.storage_path, target)
        _check_classes(task, target, values)
        _check_positive(task, target, values, request.positive_class, show_values)
    elif request.positive_class is not None:
        raise BadUserInput("positiveClass needs a target: it names one of the target's classes.")
    elif (data.row_count or 0) < settings.TRAINING_MIN_ROWS:
        raise BadUserInput(
            f"The dataset has {data.row_count} rows; training needs at least "
            f"{settings.TRAINING_MIN_ROWS}."
        )
    metric = _metric(task, target, request.metric)
    limits = await tenant_limits(session, tenant_id)
    _check_budget(request.engine, request.time_budget_seconds, limits)
    _check_engine_task(request.engine, task)
    model_name = clean_model_name(request.model_name, data.name, target)
    problem = await registry.mismatch_with_model(session, model_name, task.value, target)
    if problem is not None:
        raise BadUserInput(problem)
    return ValidStart(
        data=data,
        task=task,
        target=target,
        metric=metric,
        model_name=model_name,
        excluded_columns=list(dict.fromkeys(request.excluded_columns)),
        protected_attributes=list(dict.fromkeys(request.protected_attributes)),
        positive_class=request.positive_class,
        forecast=request.forecast if task == TaskType.FORECASTING else None,
    )


def _check_forecast_request(task: TaskType, request: StartRequest) -> None:
    """FORECASTING needs a time column and a horizon, and learns from the time, the series
    id and the target only; the other tasks take none of the forecasting fields."""
    if task != TaskType.FORECASTING:
        if request.forecast is not None:
            raise BadUserInput(
                "timeColumn, seriesIdColumn, horizon and intervalLevel are for taskType "
                "FORECASTING only."
            )
        return
    if request.forecast is None:
        raise BadUserInput("FORECASTING needs timeColumn (the dates) and horizon (steps ahead).")
    if request.excluded_columns or request.protected_attributes:
        raise BadUserInput(
            "FORECASTING learns from the time, the series id and the target only: leave "
            "excludedColumns and protectedAttributes out (no fairness report applies)."
        )
    if request.positive_class is not None:
        raise BadUserInput("positiveClass is for BINARY classification; a forecast has none.")
    if request.engine != Engine.AUTOGLUON:
        raise BadUserInput(
            f"The {request.engine.value} engine does not forecast; leave engine out (the "
            "default trains statistical forecasters: AutoETS, AutoTheta, AutoARIMA)."
        )
    if not request.forecast.time_column:
        raise BadUserInput("FORECASTING needs timeColumn: the column of dates or times.")
    for column in (request.forecast.time_column, request.forecast.series_id_column):
        if column is not None and not 0 < len(column) <= MAX_COLUMN_NAME:
            raise BadUserInput("timeColumn and seriesIdColumn must be column names of the dataset.")
    try:
        check_forecast_settings(request.forecast, request.target)
    except ForecastDataError as error:
        raise BadUserInput(str(error)) from None


async def _check_forecast_data(
    data: TrainingData, target: str | None, settings: ForecastSettings
) -> None:
    """The engine's own checks on the dataset's three columns, before a job exists."""
    for column in (settings.time_column, settings.series_id_column):
        if column is not None and _column(data, column) is None:
            raise BadUserInput(f"The dataset has no column '{column[:100]}'.")
    columns = [c for c in (settings.time_column, settings.series_id_column, target) if c]
    try:
        await asyncio.to_thread(_check_forecast_frame, data.storage_path, columns, settings, target)
    except ForecastDataError as error:
        raise BadUserInput(str(error)) from None


def _check_forecast_frame(
    key: str, columns: list[str], settings: ForecastSettings, target: str | None
) -> None:
    import pyarrow.parquet as pq

    with get_store().open(key) as stream:
        frame = pq.read_table(stream, columns=columns).to_pandas()
    check_history(frame, settings, str(target))


def clean_model_name(name: str | None, dataset_name: str, target: str | None) -> str:
    if name is None:
        name = f"{dataset_name} · {target or 'anomalies'}"[:MAX_NAME]
    name = " ".join(name.split())
    if not name:
        raise BadUserInput("Give the model a name, or leave modelName out for the default.")
    if len(name) > MAX_NAME:
        raise BadUserInput(f"The model name is {len(name)} characters; at most {MAX_NAME}.")
    if _is_uuid(name):  # /api/v1/models/<uuid>/predict names a version, not a model
        raise BadUserInput("A model name cannot look like an id (a UUID); choose another.")
    return name


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _column(data: TrainingData, name: str) -> dict[str, Any] | None:
    return next((c for c in data.columns if c["name"] == name), None)


def _task(data: TrainingData, target: str | None, requested: TaskType) -> TaskType:
    """The task to train: the requested one, or inferred from the target's profile."""
    if target is not None and (not target or len(target) > MAX_COLUMN_NAME):
        raise BadUserInput("The target must be a column name of the dataset.")
    target_column = _column(data, target) if target is not None else None
    if target is not None and target_column is None:
        raise BadUserInput(f"The dataset has no column '{target[:100]}'.")
    if target_column is None:
        if requested == TaskType.FORECASTING:
            raise BadUserInput("FORECASTING needs a target: the numeric column to forecast.")
        if requested != TaskType.ANOMALY_DETECTION:
            raise BadUserInput(
                "Choose a target column, or taskType ANOMALY_DETECTION for unsupervised training."
            )
        return requested
    if requested == TaskType.AUTO:
        return _infer_task(target_column)
    return requested


def _infer_task(column: dict[str, Any]) -> TaskType:
    task = task_for_column(column)
    if task is None:
        raise BadUserInput(
            f"Cannot infer a task for '{column['name'][:100]}' ({column['type'].lower()}, "
            f"{column['distinct_count']} distinct values, {column['missing_percent']:.0f}% "
            "missing); choose the taskType, or another target."
        )
    return task


def _check_excluded(data: TrainingData, target: str | None, excluded: list[str]) -> None:
    if len(excluded) > len(data.columns):
        raise BadUserInput("More excluded columns than the dataset has.")
    for column in excluded:
        if _column(data, column) is None:
            raise BadUserInput(f"Cannot exclude '{column[:100]}': the dataset has no such column.")
        if column == target:
            raise BadUserInput("The target cannot be an excluded column.")
    if len(excluded) >= len(data.columns) - (1 if target else 0):
        raise BadUserInput("Every feature column is excluded: keep at least one.")


def _check_protected(data: TrainingData, target: str | None, protected: list[str]) -> None:
    """Columns of the dataset, not the target, each with few enough distinct values to be
    groups (the profile's exact count); a protected attribute that is also excluded is
    evaluated but never learned from."""
    if len(protected) > MAX_PROTECTED:
        raise BadUserInput(
            f"At most {MAX_PROTECTED} protected attributes per job; {len(protected)} were named."
        )
    for name in protected:
        column = _column(data, name) if 0 < len(name) <= MAX_COLUMN_NAME else None
        if column is None:
            raise BadUserInput(
                f"Cannot evaluate fairness for '{name[:100]}': the dataset has no such column."
            )
        if name == target:
            raise BadUserInput(
                f"The target '{name[:100]}' cannot be a protected attribute; name the column "
                "that identifies the groups (e.g. gender, age band)."
            )
        distinct = int(column["distinct_count"])
        if distinct > MAX_GROUPS:
            how = (
                "bin it first (e.g. age bands in a new column) and name that column"
                if column["type"] == "NUMERIC"
                else "merge rare values into a new column first and name that column"
            )
            raise BadUserInput(
                f"The protected attribute '{name[:100]}' has {distinct} distinct values; at most "
                f"{MAX_GROUPS} groups can be compared: {how}."
            )
        if distinct == 0:
            raise BadUserInput(f"The protected attribute '{name[:100]}' has no values.")


def _read_column(key: str, name: str) -> list[Any]:
    import pyarrow.parquet as pq

    with get_store().open(key) as stream:
        values: list[Any] = pq.read_table(stream, columns=[name]).column(0).to_pylist()
    return values


def _check_classes(task: TaskType, target: str, values: list[Any]) -> None:
    counts = Counter(v for v in values if v is not None)
    rows = sum(counts.values())
    if rows < settings.TRAINING_MIN_ROWS:
        raise BadUserInput(
            f"Only {rows} rows have a value in '{target}'; training needs at least "
            f"{settings.TRAINING_MIN_ROWS}."
        )
    if task in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ANOMALY_DETECTION):
        _check_class_counts(task, target, counts)
    if task == TaskType.REGRESSION:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in counts):
            raise BadUserInput(f"REGRESSION needs a numeric target; '{target}' is not numeric.")


def _check_class_counts(task: TaskType, target: str, counts: Counter[Any]) -> None:
    if task == TaskType.BINARY and len(counts) != 2:
        raise BadUserInput(
            f"BINARY needs exactly two values in '{target}'; it has {len(counts)}. "
            "Use MULTICLASS or REGRESSION."
        )
    if task == TaskType.ANOMALY_DETECTION and len(counts) != 2:
        raise BadUserInput(
            f"A label column for anomaly detection needs exactly two values (normal and "
            f"anomalous); '{target}' has {len(counts)}."
        )
    if task == TaskType.MULTICLASS and not 3 <= len(counts) <= MULTICLASS_MAX_CLASSES:
        raise BadUserInput(
            f"MULTICLASS needs 3 to {MULTICLASS_MAX_CLASSES} classes in '{target}'; it has "
            f"{len(counts)}."
            + (" Use BINARY." if len(counts) == 2 else " Use REGRESSION for numbers.")
        )
    value, count = min(counts.items(), key=lambda item: item[1])
    needed = settings.TRAINING_MIN_ROWS_PER_CLASS if task != TaskType.ANOMALY_DETECTION else 2
    if count < needed:
        raise BadUserInput(
            f"The class '{value}' of '{target}' has only {count} rows; each class needs at "
            f"least {needed}. Collect more examples or merge rare classes."
        )


def class_names(value: Any) -> set[str]:
    """The texts that name a class in ``positiveClass``: as ``ModelVersion.classes`` shows
    it, and a whole float also as its integer ("1" for 1.0)."""
    names = {str(value)}
    if isinstance(value, float) and value.is_integer():
        names.add(str(int(value)))
    return names


def _check_positive(
    task: TaskType, target: str, values: list[Any], positive: str | None, show: bool = True
) -> None:
    """``positiveClass``: binary tasks only, and one of the target's two classes."""
    if positive is None:
        return
    if task != TaskType.BINARY:
        raise BadUserInput(
            f"positiveClass applies to BINARY tasks only; this job is {task.value}. "
            "Leave positiveClass out."
        )
    observed = {v for v in values if v is not None}
    if not any(positive in class_names(v) for v in observed):
        shown = positive[:100] + ("..." if len(positive) > 100 else "")
        if not show:
            raise BadUserInput(
                f"positiveClass '{shown}' is not a class of '{target[:100]}' (its classes are "
                "shown to members who may read datasets)."
            )
        classes = sorted(str(v)[:100] for v in observed)
        raise BadUserInput(
            f"positiveClass '{shown}' is not a class of '{target[:100]}'; its classes are "
            + ", ".join(f"'{c}'" for c in classes)
            + "."
        )


def _metric(task: TaskType, target: str | None, requested: str | None) -> str:
    metric = requested or DEFAULT_METRIC[task]
    valid = [m.name for m in METRICS.values() if task in m.tasks]
    if metric not in valid:
        raise BadUserInput(
            f"The metric '{metric[:50]}' does not apply to {task.value}; choose one of "
            f"{', '.join(valid)}."
        )
    if task == TaskType.ANOMALY_DETECTION and target is None and requested is not None:
        raise BadUserInput("A metric needs a label column: give target, or leave metric out.")
    return metric


def _check_budget(engine: Engine, budget: int, limits: Limits) -> None:
    if not limits.min_budget_seconds <= budget <= limits.max_budget_seconds:
        raise BadUserInput(
            f"The time budget must be between {limits.min_budget_seconds} and "
            f"{limits.max_budget_seconds} seconds for this organization."
        )
    if engine == Engine.H2O and budget < H2O_MIN_BUDGET_SECONDS:
        raise BadUserInput(
            f"The H2O engine needs a budget of at least {H2O_MIN_BUDGET_SECONDS} seconds "
            "(it starts a Java node to fit and another to score); use AUTOGLUON for "
            "shorter runs."
        )
    if not engine_available(engine):  # only H2O can be missing
        raise BadUserInput(
            "The H2O engine is not available on this deployment (install the h2o extra "
            "and Java, or set PHANTOM_H2O_URL); use AUTOGLUON."
        )


def _check_engine_task(engine: Engine, task: TaskType) -> None:
    if task == TaskType.FORECASTING:
        return  # checked with the forecasting request
    if engine == Engine.SKLEARN and task not in SKLEARN_TASKS:
        raise BadUserInput(
            f"The SKLEARN engine trains classifiers and regressors (BINARY, MULTICLASS, "
            f"REGRESSION), not {task.value}; use AUTOGLUON or H2O for anomaly detection."
        )
