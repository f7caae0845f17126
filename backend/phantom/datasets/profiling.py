"""Column profiles and target suggestions: pure functions over an Arrow table.

Deterministic (ties broken by value or column order) and vectorised with Arrow and numpy,
so 100k rows take well under a second. Type rules, in order:

- BOOLEAN: a bool column; or at most two distinct values that are 0/1, or one pair of
  true/false, yes/no, y/n, t/f (any case).
- DATETIME: a date or timestamp column; or text whose every value parses as a date
  (ISO 8601, or one of a few common day/month layouts).
- ID: every row has a value and no two are equal, and the column is integer and named like
  an identifier (``id``, ``customer_id``, ``uuid``, ``key``, ``code``), or text with no
  spaces in its values.
- NUMERIC: other integer, decimal or floating-point columns.
- CATEGORICAL: other text with few distinct values (at most 50, or at most 5% of rows).
- TEXT: other text (free text, high cardinality).
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HISTOGRAM_BINS = 20
TOP_VALUES = 10
MAX_VALUE_CHARS = 200
MAX_SUGGESTIONS = 5
CATEGORICAL_MAX_DISTINCT = 50
CATEGORICAL_MAX_RATIO = 0.05
MULTICLASS_MAX_CLASSES = 20
ID_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key|code|ref|number|no)$|[a-z]Id$|^id", re.I)
TARGET_NAME = re.compile(
    r"target|label|churn|default|fraud|class|outcome|survived|response|approv|convert|"
    r"^y$|^is_|^has_|^did_|^will_",
    re.I,
)
# Words naming an input, never an outcome: durations and ages (`term_months`, a loan's term,
# was suggested as a target), identifiers and counters. Matched as whole words of the name.
FEATURE_WORDS = frozenset(
    {
        "id", "uuid", "guid", "key", "code", "ref", "number", "no", "num", "index", "idx",
        "term", "tenure", "age", "duration", "months", "month", "days", "day", "years",
        "year", "weeks", "week", "hours", "hour", "minutes", "seconds", "date", "time",
        "timestamp",
    }
)  # fmt: skip
BOOLEAN_PAIRS = (
    {"true", "false"},
    {"yes", "no"},
    {"y", "n"},
    {"t", "f"},
    {"0", "1"},
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


class ColumnType(StrEnum):
    NUMERIC = "NUMERIC"
    CATEGORICAL = "CATEGORICAL"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    TEXT = "TEXT"
    ID = "ID"


class TaskType(StrEnum):
    AUTO = "AUTO"
    BINARY = "BINARY"
    MULTICLASS = "MULTICLASS"
    REGRESSION = "REGRESSION"
    ANOMALY_DETECTION = "ANOMALY_DETECTION"
    FORECASTING = "FORECASTING"  # a time column, optionally a series id, a numeric target


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the type rules look at, computed once per column."""

    name: str
    values: pa.Array  # non-missing values
    rows: int
    missing: int
    distinct: int


def profile_table(table: pa.Table) -> dict[str, Any]:
    """The JSON profile stored on the dataset (keys in snake_case)."""
    columns = [
        profile_column(str(name), table.column(i).combine_chunks(), table.num_rows)
        for i, name in enumerate(table.column_names)
    ]
    return {
        "rows": table.num_rows,
        "columns": columns,
        "suggested_targets": suggest_targets(columns),
    }


def profile_column(name: str, column: pa.Array, rows: int) -> dict[str, Any]:
    values = _present(column)
    facts = _Facts(
        name=name,
        values=values,
        rows=rows,
        missing=rows - len(values),
        distinct=int(pc.count_distinct(values).as_py()) if len(values) else 0,
    )
    kind, parsed = infer_type(facts)
    result: dict[str, Any] = {
        "name": name,
        "type": kind.value,
        "missing_count": facts.missing,
        "missing_percent": round(100.0 * facts.missing / rows, 4) if rows else 0.0,
        "distinct_count": facts.distinct,
        "min": None,
        "max": None,
        "mean": None,
        "std": None,
        "min_text": None,
        "max_text": None,
        "histogram": [],
        "top_values": [],
    }
    if kind is ColumnType.NUMERIC:
        result.update(numeric_summary(values))
    elif kind is ColumnType.DATETIME:
        if parsed is not None and len(parsed):
            low, high = pc.min_max(parsed).values()
            result["min_text"], result["max_text"] = _iso(low.as_py()), _iso(high.as_py())
    else:
        result["top_values"] = top_values(values)
    return result


def _present(column: pa.Array) -> pa.Array:
    """The values that are there: no nulls, no NaN, and no blank text."""
    values = pc.drop_null(column)
    if pa.types.is_floating(values.type):
        values = values.filter(pc.invert(pc.is_nan(values)))
    elif pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.filter(pc.not_equal(pc.utf8_trim_whitespace(values), ""))
    elif pa.types.is_null(values.type):
        values = pa.array([], pa.string())
    return values


def _iso(value: object) -> str | None:
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if callable(isoformat) else None


def infer_type(facts: _Facts) -> tuple[ColumnType, pa.Array | None]:
    """The column's type, and for dates the parsed values."""
    kind = facts.values.type
    if pa.types.is_boolean(kind):
        return ColumnType.BOOLEAN, None
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return ColumnType.DATETIME, facts.values
    unique_per_row = facts.missing == 0 and facts.rows > 1 and facts.distinct == facts.rows
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        if facts.distinct <= 2 and _is_zero_one(facts.values):
            return ColumnType.BOOLEAN, None
        if pa.types.is_integer(kind) and unique_per_row and ID_NAME.search(facts.name):
            return ColumnType.ID, None
        return ColumnType.NUMERIC, None
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return ColumnType.CATEGORICAL, None  # binary or other exotic types: counted only
    if facts.distinct == 0:
        return ColumnType.CATEGORICAL, None
    if facts.distinct <= 2 and _is_boolean_text(facts.values):
        return ColumnType.BOOLEAN, None
    parsed = parse_dates(facts.values)
    if parsed is not None:
        return ColumnType.DATETIME, parsed
    if unique_per_row and (
        ID_NAME.search(facts.name)
        or not pc.any(pc.match_substring_regex(facts.values, r"\s")).as_py()
    ):
        return ColumnType.ID, None
    if facts.distinct <= CATEGORICAL_MAX_DISTINCT or facts.distinct <= CATEGORICAL_MAX_RATIO * len(
        facts.values
    ):
        return ColumnType.CATEGORICAL, None
    return ColumnType.TEXT, None


def _is_zero_one(values: pa.Array) -> bool:
    distinct = {float(v) for v in pc.unique(values).to_pylist()}
    return bool(distinct) and distinct <= {0.0, 1.0}


def _is_boolean_text(values: pa.Array) -> bool:
    distinct = {str(v).strip().lower() for v in pc.unique(values).to_pylist()}
    return any(distinct <= pair for pair in BOOLEAN_PAIRS)


def parse_dates(values: pa.Array) -> pa.Array | None:
    """The values as timestamps, if every one parses with one layout; else None."""
    trimmed = pc.utf8_trim_whitespace(values)
    sample = trimmed.slice(0, 100)
    if not pc.all(pc.match_substring_regex(sample, r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")).as_py():
        return None  # cheap pre-check: dates start like one
    for layout in DATE_FORMATS:
        parsed = pc.strptime(trimmed, format=layout, unit="s", error_is_null=True)
        if parsed.null_count == 0:
            return parsed
    try:
        return pc.cast(trimmed, pa.timestamp("s"))  # ISO 8601 with time and zone
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def numeric_summary(values: pa.Array) -> dict[str, Any]:
    data = np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False))
    data = data[np.isfinite(data)]
    if data.size == 0:
        return {}
    low, high = float(data.min()), float(data.max())
    std = float(data.std(ddof=1)) if data.size > 1 else 0.0
    if low == high:
        histogram = [{"lower": low, "upper": high, "count": int(data.size)}]
    else:
        counts, edges = np.histogram(data, bins=HISTOGRAM_BINS, range=(low, high))
        histogram = [
            {"lower": float(edges[i]), "upper": float(edges[i + 1]), "count": int(counts[i])}
            for i in range(HISTOGRAM_BINS)
        ]
    return {
        "min": low,
        "max": high,
        "mean": float(data.mean()),
        "std": std if math.isfinite(std) else None,
        "histogram": histogram,
    }


def top_values(values: pa.Array) -> list[dict[str, Any]]:
    """The most frequent values, ties by value, as text."""
    if not len(values):
        return []
    counted = pc.value_counts(values)
    texts = [_text(v) for v in counted.field("values").to_pylist()]
    counts = counted.field("counts").to_pylist()
    best = heapq.nsmallest(TOP_VALUES, zip(counts, texts, strict=True), key=lambda p: (-p[0], p[1]))
    return [{"value": text, "count": int(count)} for count, text in best]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)[:MAX_VALUE_CHARS]


def suggest_targets(columns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Columns worth predicting, best first: named like an outcome, then two-valued
    columns, then the last column, then other classes and numbers. IDs, free text, dates,
    mostly empty columns and columns named like an input (a duration, an age, a term, an
    identifier) are never suggested."""
    ranked: list[tuple[int, int, dict[str, str]]] = []
    last = len(columns) - 1
    for position, column in enumerate(columns):
        if _named_like_a_feature(column["name"]):
            continue
        suggestion = _suggestion(column, position == last)
        if suggestion is not None:
            score, target = suggestion
            ranked.append((-score, position, target))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [target for _, _, target in ranked[:MAX_SUGGESTIONS]]


def _suggestion(column: dict[str, Any], is_last: bool) -> tuple[int, dict[str, str]] | None:
    kind, distinct, name = column["type"], column["distinct_count"], column["name"]
    if kind in ("ID", "TEXT", "DATETIME") or column["missing_percent"] > 50 or distinct < 2:
        return None
    if kind == "BOOLEAN" or (kind == "CATEGORICAL" and distinct == 2):
        task, what = TaskType.BINARY, "two values: binary classification"
    elif kind == "CATEGORICAL" or (
        kind == "NUMERIC" and distinct <= MULTICLASS_MAX_CLASSES and _whole(column)
    ):
        if distinct > MULTICLASS_MAX_CLASSES:
            return None
        task, what = TaskType.MULTICLASS, f"{distinct} classes: multiclass classification"
    else:
        task, what = TaskType.REGRESSION, "numeric: regression"
    named = bool(TARGET_NAME.search(name))
    score = (
        (100 if named else 0)
        + (30 if task == TaskType.BINARY else 0)
        + (20 if is_last else 0)
        + (5 if task != TaskType.REGRESSION else 0)
    )
    reasons = []
    if named:
        reasons.append("named like a target")
    if is_last:
        reasons.append("the last column")
    reasons.append(what)
    return score, {"column": name, "task_type": task.value, "reason": "; ".join(reasons)}


def _named_like_a_feature(name: str) -> bool:
    """`term_months`, `customerAge`, `days-since-login`: a word of the name (split at
    separators and camelCase) is a duration, an age or an identifier."""
    if TARGET_NAME.search(name):
        return False
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = {w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w}
    return bool(words & FEATURE_WORDS) or bool(ID_NAME.search(name))


def task_for_column(column: dict[str, Any]) -> TaskType | None:
    """The task a column would be predicted with (training's AUTO), or None if it cannot
    be a target."""
    suggestion = _suggestion(column, False)
    return TaskType(suggestion[1]["task_type"]) if suggestion else None


def _whole(column: dict[str, Any]) -> bool:
    low, high = column.get("min"), column.get("max")
    return (
        low is not None
        and high is not None
        and float(low).is_integer()
        and float(high).is_integer()
    )
