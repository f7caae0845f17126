"""What the client returns: plain frozen dataclasses with the server's fields in Python
names, built from the GraphQL or REST answers (unknown fields are ignored, so a server
that adds fields never breaks an older client)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class Dataset:
    id: str
    name: str
    status: str  # READY, PROFILING (a large file: a worker profiles it), FAILED
    row_count: int | None
    column_count: int | None
    content_hash: str
    error: str | None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Dataset:
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            status=str(d["status"]),
            row_count=_optional_int(d.get("rowCount")),
            column_count=_optional_int(d.get("columnCount")),
            content_hash=str(d["contentHash"]),
            error=_optional_str(d.get("error")),
        )


@dataclass(frozen=True, slots=True)
class TrainingJob:
    id: str
    status: str  # QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED
    progress: float  # 0..1
    message: str | None
    error: str | None
    error_code: str | None
    task_type: str
    metric: str
    engine: str
    model_name: str
    positive_class: str | None
    model_version_id: str | None  # set once SUCCEEDED
    metrics: dict[str, float] = field(default_factory=dict)  # holdout metrics

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TrainingJob:
        version = d.get("modelVersion")
        return cls(
            id=str(d["id"]),
            status=str(d["status"]),
            progress=float(d["progress"]),
            message=_optional_str(d.get("message")),
            error=_optional_str(d.get("error")),
            error_code=_optional_str(d.get("errorCode")),
            task_type=str(d["taskType"]),
            metric=str(d["metric"]),
            engine=str(d["engine"]),
            model_name=str(d["modelName"]),
            positive_class=_optional_str(d.get("positiveClass")),
            model_version_id=str(version["id"]) if isinstance(version, dict) else None,
            metrics={str(m["name"]): float(m["value"]) for m in d.get("metrics") or []},
        )


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    rank: int
    model_name: str
    score_validation: float | None


@dataclass(frozen=True, slots=True)
class TrainingEvent:
    job_id: str
    sequence: int  # grows with each event of the job: a reconnect never repeats one
    status: str
    progress: float
    message: str | None
    error: str | None
    model_version_id: str | None
    occurred_at: str  # ISO 8601
    leaderboard: list[LeaderboardEntry]

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TrainingEvent:
        return cls(
            job_id=str(d["jobId"]),
            sequence=int(d["sequence"]),
            status=str(d["status"]),
            progress=float(d["progress"]),
            message=_optional_str(d.get("message")),
            error=_optional_str(d.get("error")),
            model_version_id=_optional_str(d.get("modelVersionId")),
            occurred_at=str(d["occurredAt"]),
            leaderboard=[
                LeaderboardEntry(
                    int(r["rank"]),
                    str(r["modelName"]),
                    None if r.get("scoreValidation") is None else float(r["scoreValidation"]),
                )
                for r in d.get("leaderboard") or []
            ],
        )


@dataclass(frozen=True, slots=True)
class Prediction:
    model_version_id: str
    prediction_ids: list[str]  # one per row: name it when recording the outcome
    predictions: list[Any]  # the class, the number, or (anomaly detection) true/false
    probabilities: list[dict[str, float]] | None  # classifiers: {class: p} per row
    scores: list[float] | None  # anomaly detection
    target: str | None
    positive_class: str | None  # binary: the class the probability and threshold refer to
    warnings: list[dict[str, Any]]  # inputs unlike the training data
    explanations: list[dict[str, Any]] | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Prediction:
        return cls(
            model_version_id=str(d["modelVersionId"]),
            prediction_ids=[str(i) for i in d["predictionIds"]],
            predictions=list(d["predictions"]),
            probabilities=d.get("probabilities"),
            scores=d.get("scores"),
            target=_optional_str(d.get("target")),
            positive_class=_optional_str(d.get("positiveClass")),
            warnings=list(d.get("warnings") or []),
            explanations=d.get("explanations"),
        )


@dataclass(frozen=True, slots=True)
class BatchPredictionJob:
    id: str
    status: str
    progress: float
    rows_scored: int
    rows_total: int | None
    message: str | None
    error: str | None
    error_code: str | None
    model_version_id: str | None
    dataset_id: str | None

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BatchPredictionJob:
        return cls(
            id=str(d["id"]),
            status=str(d["status"]),
            progress=float(d["progress"]),
            rows_scored=int(d["rowsScored"]),
            rows_total=_optional_int(d.get("rowsTotal")),
            message=_optional_str(d.get("message")),
            error=_optional_str(d.get("error")),
            error_code=_optional_str(d.get("errorCode")),
            model_version_id=_optional_str(d.get("modelVersionId")),
            dataset_id=_optional_str(d.get("datasetId")),
        )


@dataclass(frozen=True, slots=True)
class BatchPredictionEvent:
    job_id: str
    sequence: int
    status: str
    progress: float
    rows_scored: int
    rows_total: int | None
    message: str | None
    error: str | None

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BatchPredictionEvent:
        return cls(
            job_id=str(d["jobId"]),
            sequence=int(d["sequence"]),
            status=str(d["status"]),
            progress=float(d["progress"]),
            rows_scored=int(d["rowsScored"]),
            rows_total=_optional_int(d.get("rowsTotal")),
            message=_optional_str(d.get("message")),
            error=_optional_str(d.get("error")),
        )
