"""Section data in the shapes other changes of issue 14 store (docs/governance.md, "Model
documentation"): what the report renders once the lead wires their loaders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from phantom.reports.content import ReportData

INSIGHTS: dict[str, Any] = {
    "metric_intervals": [
        {"metric": "roc_auc", "value": 0.91, "low": 0.87, "high": 0.94, "resamples": 1000},
        {"metric": "accuracy", "value": 0.88, "low": 0.84, "high": 0.91, "resamples": 1000},
    ],
    "confusion": {
        "labels": ["legit", "fraud"],
        "matrix": [[412, 9], [17, 62]],
        "threshold": 0.35,
        "positive_class": "fraud",
    },
    "partial_dependence": [
        {"feature": "amount", "kind": "numeric", "explained": "P(fraud)", "points": []}
    ],
}
REPRODUCIBILITY: dict[str, Any] = {
    "seed": 1234,
    "engine": "autogluon",
    "preset": "medium_quality",
    "time_budget_seconds": 60,
    "libraries": {"autogluon.tabular": "1.6.3", "lightgbm": "4.6.0", "python": "3.11.7"},
    "best_model": "LightGBM",
    "served_model": "LightGBM",
    "hyperparameters": {"LightGBM": {"num_boost_round": 200}},
    "dataset_content_hash": "sha256:" + "ab" * 32,
    "excluded_columns": ["customer_id"],
    "serving_choice": "AUTO",
    "task_type": "BINARY",
    "metric": "roc_auc",
    "target": "fraud",
}
EXPLANATION_SUMMARY: dict[str, Any] = {
    "method": "tree",
    "explained": "log-odds of fraud = 1",
    "rows": 100,
    "features": [
        {
            "feature": "amount",
            "mean_abs_shap": 0.8,
            "points": [[10.5, -0.2], [900.0, 1.4], [55.0, 0.1]],
        },
        {"feature": "channel", "mean_abs_shap": 0.3, "points": [["web", 0.2], ["app", -0.4]]},
    ],
}
FAIRNESS: list[dict[str, Any]] = [
    {
        "attribute": "gender",
        "excluded_from_features": True,
        "flagged": True,
        "summary": "Selection rates differ by 0.12 between groups.",
        "groups": [
            {
                "group": "female",
                "size": 240,
                "too_small": False,
                "selection_rate": 0.21,
                "true_positive_rate": 0.8,
                "false_positive_rate": 0.05,
                "accuracy": 0.9,
                "error": 0.1,
                "mean_prediction": None,
            },
            {
                "group": "male",
                "size": 260,
                "too_small": False,
                "selection_rate": 0.09,
                "true_positive_rate": 0.7,
                "false_positive_rate": 0.04,
                "accuracy": 0.88,
                "error": 0.12,
                "mean_prediction": None,
            },
        ],
        "disparities": [
            {
                "measure": "demographic_parity_difference",
                "value": 0.12,
                "threshold": 0.1,
                "flagged": True,
            }
        ],
    }
]
APPROVALS: list[dict[str, Any]] = [
    {
        "stage": "PRODUCTION",
        "justification": "Beats v1 on recall.",
        "status": "APPROVED",
        "requested_by": "Dana Scientist",
        "requested_at": "2026-12-07T09:00:00+00:00",
        "decided_by": "Carl Compliance",
        "decided_at": "2026-12-07T10:00:00+00:00",
        "comment": "Fairness reviewed.",
        "report_id": "b0c1d2e3-0000-4000-8000-000000000000",
        "report_sha256": "cd" * 32,
    }
]


def report_data(**overrides: Any) -> ReportData:
    """A report's data with nothing but what this branch gathers (the rest None)."""
    values: dict[str, Any] = {
        "report_id": "00000000-0000-4000-8000-000000000001",
        "generated_at": datetime(2026, 12, 7, 12, 0, tzinfo=UTC),
        "generated_by": "Dana Scientist",
        "organization": "Alpha Bank",
        "model": {
            "name": "Fraud",
            "version": 3,
            "id": "00000000-0000-4000-8000-000000000002",
            "stage": "STAGING",
            "engine": "autogluon",
            "task_type": "BINARY",
            "target": "fraud",
            "metric": "roc_auc",
            "best_model": "LightGBM",
            "serving_model": "LightGBM",
            "artifact_hash": "sha256:" + "ef" * 32,
        },
        "documentation": {"intended_use": None, "owner": None, "limitations": None},
        "lineage": {
            "dataset_name": "Payments",
            "content_hash": "sha256:" + "ab" * 32,
            "profile": None,
            "dropped_columns": None,
            "excluded_columns": None,
        },
        "metrics": {"roc_auc": 0.91, "accuracy": 0.88},
    }
    return ReportData(**(values | overrides))
