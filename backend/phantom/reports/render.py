"""The report as HTML (Jinja2, autoescape always on) and as PDF (WeasyPrint, with a URL
fetcher that refuses every URL: a report loads nothing, and a hostile text that looks
like markup is escaped text anyway).

Each ``*_section`` takes its data in the shape its owner stores (content.py) and returns
the section's HTML; a section without data says "not available for this version"."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from phantom.reports import charts
from phantom.reports.content import ReportData

MAX_TABLE_ROWS = 50  # features, profile columns: a report stays readable


def _num(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # never select_autoescape: every template, whatever its name
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["num"] = _num


def _macro(name: str, *args: Any) -> Markup:
    # an autoescaping template's macro returns Markup already (its values are escaped)
    html = getattr(_env.get_template("sections.html.j2").module, name)(*args)
    if not isinstance(html, Markup):
        raise TypeError("report templates must autoescape")
    return html


def documentation_section(documentation: dict[str, str | None]) -> Markup:
    return _macro("documentation", documentation)


def limitations_section(documentation: dict[str, str | None]) -> Markup:
    return _macro("limitations", documentation)


def lineage_section(lineage: dict[str, Any]) -> Markup:
    profile = lineage.get("profile")
    if profile:
        profile = {**profile, "columns": profile.get("columns", [])[:MAX_TABLE_ROWS]}
    return _macro("lineage", {**lineage, "profile": profile})


def reproducibility_section(reproducibility: dict[str, Any] | None) -> Markup:
    return _macro("reproducibility", reproducibility)


def metrics_section(
    metrics: dict[str, float], insights: dict[str, Any] | None, selection_metric: str | None
) -> Markup:
    """Holdout values, with their bootstrap intervals when insights has them."""
    intervals = {i["metric"]: i for i in (insights or {}).get("metric_intervals") or []}
    names = list(metrics) + [m for m in intervals if m not in metrics]
    rows = []
    for name in names:
        value = metrics.get(name, intervals.get(name, {}).get("value"))
        interval = intervals.get(name)
        rows.append(
            {
                "metric": name,
                "primary": name == selection_metric,
                "value": _num(value),
                "interval": (
                    f"{_num(interval['low'])} to {_num(interval['high'])} "
                    f"({interval['resamples']} resamples)"
                    if interval
                    else None
                ),
            }
        )
    chart = charts.interval_chart(list(intervals.values()), "Holdout metrics, 95 % intervals")
    resamples = {i.get("resamples") for i in intervals.values()}
    caption = (
        f"Point: the holdout value; line: the 95 % bootstrap interval "
        f"({', '.join(str(r) for r in sorted(resamples, key=str))} resamples)."
    )
    return _macro("metrics", {"rows": rows, "chart": chart or None, "caption": caption})


def confusion_section(insights: dict[str, Any] | None) -> Markup:
    confusion = (insights or {}).get("confusion")
    if not confusion:
        return _macro("confusion", None)
    labels = [str(label) for label in confusion["labels"]]
    matrix = confusion["matrix"]
    chart = charts.confusion_chart(labels, matrix, "Confusion matrix on the holdout")
    return _macro("confusion", {**confusion, "labels": labels, "chart": chart})


def importance_section(
    feature_importance: list[dict[str, Any]], explanation_summary: dict[str, Any] | None
) -> Markup:
    permutation = sorted(feature_importance, key=lambda f: -float(f.get("importance") or 0))
    permutation = permutation[:MAX_TABLE_ROWS]
    data: dict[str, Any] = {
        "permutation": [
            {
                "feature": f.get("feature"),
                "importance": _num(f.get("importance")),
                "stddev": _num(f.get("stddev")),
            }
            for f in permutation
        ],
        "permutation_chart": charts.bar_chart(
            [(str(f.get("feature")), float(f.get("importance") or 0)) for f in permutation[:15]],
            "Permutation importance",
        ),
        "shap": None,
    }
    features = (explanation_summary or {}).get("features") or []
    if explanation_summary and features:
        data["shap"] = explanation_summary
        data["shap_bars"] = charts.bar_chart(
            [(str(f["feature"]), float(f["mean_abs_shap"])) for f in features[:15]],
            "Mean absolute SHAP value",
        )
        data["shap_dots"] = charts.shap_dot_chart(features, "SHAP summary") or None
    return _macro("importance", data)


def fairness_section(fairness: list[dict[str, Any]] | None) -> Markup:
    if not fairness:
        return _macro("fairness", fairness)
    attributes = []
    for attribute in fairness:
        rates = [
            (str(g["group"]), float(g["selection_rate"]))
            for g in attribute.get("groups", [])
            if g.get("selection_rate") is not None
        ]
        chart = charts.bar_chart(rates[:15], f"Selection rate by {attribute['attribute']}")
        attributes.append({**attribute, "chart": chart or None})
    return _macro("fairness", attributes)


def drift_section(drift: dict[str, Any] | None) -> Markup:
    if drift:
        drift = {**drift, "features": drift.get("features", [])[:MAX_TABLE_ROWS]}
    return _macro("drift", drift)


def approvals_section(approvals: list[dict[str, Any]] | None) -> Markup:
    return _macro("approvals", approvals)


def render_html(data: ReportData) -> str:
    sections = [
        documentation_section(data.documentation),
        lineage_section(data.lineage),
        reproducibility_section(data.reproducibility),
        metrics_section(data.metrics, data.insights, data.model.get("metric")),
        confusion_section(data.insights),
        importance_section(data.feature_importance, data.explanation_summary),
        fairness_section(data.fairness),
        drift_section(data.drift),
        limitations_section(data.documentation),
        approvals_section(data.approvals),
    ]
    return _env.get_template("report.html.j2").render(
        model=data.model,
        organization=data.organization,
        report_id=data.report_id,
        generated_at=data.generated_at.isoformat(timespec="seconds"),
        generated_by=data.generated_by,
        sections=sections,
    )


class RefuseEveryURL(URLFetcher):
    """No stylesheet, image, font or file is ever fetched: not from the network, not
    from this machine's disk (``file:``), whatever the HTML names."""

    def fetch(self, url: str, headers: object = None) -> NoReturn:
        raise ValueError(f"report rendering fetches nothing (refused {url[:100]})")


def render_pdf(html: str) -> bytes:
    """CPU-bound (a second or so): call it in a thread."""
    pdf: bytes = HTML(string=html, url_fetcher=RefuseEveryURL(), base_url=None).write_pdf()
    return pdf
