"""Each section rendered from data in its owner's shape (tests/reports/shapes.py), the
"not available" wording when the data is absent, escaping, and a PDF that fetches
nothing. Pure rendering: no database."""

from __future__ import annotations

import io

import pypdf
import pytest

from phantom.reports import render
from tests.reports.shapes import (
    APPROVALS,
    EXPLANATION_SUMMARY,
    FAIRNESS,
    INSIGHTS,
    REPRODUCIBILITY,
    report_data,
)

NA = "not available for this version"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_every_section_says_not_available_without_its_data() -> None:
    html = render.render_html(report_data())
    for section in (
        "Intended use: " + NA,
        "Owner: " + NA,
        "The reproducibility record: " + NA,
        "Bootstrap 95 % intervals: " + NA,
        "The confusion matrix: " + NA,
        "Permutation importance: " + NA,
        "The SHAP summary: " + NA,
        "The fairness assessment: " + NA,
        "Drift status (the version has served no predictions): " + NA,
        "Limitations: " + NA,
        "The approval history: " + NA,
        "The dataset profile (the dataset was deleted since): " + NA,
    ):
        assert section in html, section
    # the holdout values are there even without intervals
    assert "roc_auc (selection metric)" in html


def test_metric_intervals_and_confusion_from_insights() -> None:
    metrics = str(render.metrics_section({"roc_auc": 0.91}, INSIGHTS, "roc_auc"))
    assert "0.87 to 0.94 (1000 resamples)" in metrics
    assert "0.84 to 0.91" in metrics, "an interval for a metric the version lacks is shown too"
    assert "<svg" in metrics
    assert NA not in metrics
    confusion = str(render.confusion_section(INSIGHTS))
    assert 'chosen threshold 0.35 for the positive class "fraud"' in confusion
    for count in (412, 9, 17, 62):
        assert f"<td>{count}</td>" in confusion
    assert "<svg" in confusion
    assert NA in str(render.confusion_section({**INSIGHTS, "confusion": None}))


def test_reproducibility_importance_fairness_and_approvals() -> None:
    repro = str(render.reproducibility_section(REPRODUCIBILITY))
    assert "medium_quality" in repro
    assert "<td>1.6.3</td>" in repro
    assert "1234" in repro
    importance = str(
        render.importance_section(
            [{"feature": "hour", "importance": 0.05, "stddev": 0.01}], EXPLANATION_SUMMARY
        )
    )
    assert "log-odds of fraud = 1" in importance
    assert importance.count("<svg") == 3  # permutation bars, mean |SHAP| bars, dots
    fairness = str(render.fairness_section(FAIRNESS))
    assert "gender" in fairness
    assert "demographic_parity_difference" in fairness
    assert "flagged" in fairness
    assert "not a feature of the model" in fairness
    assert "No protected attributes were named" in str(render.fairness_section([]))
    approvals = str(render.approvals_section(APPROVALS))
    assert "Carl Compliance" in approvals
    assert "Beats v1 on recall." in approvals
    assert "No promotion has been requested" in str(render.approvals_section([]))


def test_drift_from_monitoring() -> None:
    drift = {
        "status": "WARN",
        "window_start": "2026-12-06T00:00:00+00:00",
        "window_end": "2026-12-07T00:00:00+00:00",
        "predictions": 1200,
        "features": [{"feature": "amount", "psi": 0.18, "status": "WARN"}],
    }
    html = str(render.drift_section(drift))
    assert "<strong>WARN</strong>" in html
    assert "1200 predictions" in html
    assert "<td>0.18</td>" in html


def test_hostile_text_is_escaped_everywhere() -> None:
    """Documentation, feature names, groups and approvals come from people: none of it
    becomes markup, in the page or in the charts."""
    hostile_features = {
        **EXPLANATION_SUMMARY,
        "features": [{"feature": HOSTILE, "mean_abs_shap": 0.5, "points": [[1, 0.5]]}],
    }
    data = report_data(
        documentation={"intended_use": HOSTILE, "owner": HOSTILE, "limitations": HOSTILE},
        feature_importance=[{"feature": HOSTILE, "importance": 0.1, "stddev": 0.0}],
        explanation_summary=hostile_features,
        fairness=[{**FAIRNESS[0], "attribute": HOSTILE}],
        approvals=[{**APPROVALS[0], "justification": HOSTILE, "comment": HOSTILE}],
    )
    html = render.render_html(data)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 7


def test_a_template_that_does_not_escape_is_refused() -> None:
    assert render._env.autoescape is True


def test_the_pdf_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every URL the HTML names reaches our fetcher, which refuses it: no file from this
    machine and no request to any host ends up in the PDF."""
    asked: list[str] = []
    refuse = render.RefuseEveryURL.fetch

    def counting(self: render.RefuseEveryURL, url: str, headers: object = None) -> None:
        asked.append(url)
        refuse(self, url, headers)

    monkeypatch.setattr(render.RefuseEveryURL, "fetch", counting)
    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<img src="file:///etc/hostname"><p>body text</p>'
    )
    pdf = render.render_pdf(html)
    assert sorted(asked) == ["file:///etc/hostname", "http://127.0.0.1:9/x.css"]
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "body text" in text
    with pytest.raises(ValueError, match="fetches nothing"):
        render.RefuseEveryURL().fetch("https://example.com/logo.png")


def test_the_full_report_renders_as_a_pdf() -> None:
    data = report_data(
        insights=INSIGHTS,
        reproducibility=REPRODUCIBILITY,
        explanation_summary=EXPLANATION_SUMMARY,
        fairness=FAIRNESS,
        approvals=APPROVALS,
    )
    pdf = render.render_pdf(render.render_html(data))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Fraud — version 3", "0.87 to 0.94", "gender", "Carl Compliance", "1.6.3"):
        assert expected in text, expected
