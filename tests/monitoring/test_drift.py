"""Drift, reference binning and CBPE as pure functions on counts (no database)."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from phantom.monitoring import cbpe
from phantom.monitoring import drift as d
from phantom.monitoring import reference as ref
from phantom.monitoring.windows import LATENCY_EDGES, latency_counts, latency_quantile

THRESHOLDS = d.Thresholds(psi_warn=0.1, psi_alert=0.25, min_rows=200)


def _counts(spec: dict, values: pd.Series) -> list[float]:
    counts, missing = ref.count_feature(spec, values)
    return [*counts, missing]


def _spec(values: pd.Series) -> dict:
    return ref.feature_reference("x", values, 0.1)


def test_identical_distributions_have_no_drift() -> None:
    rng = np.random.default_rng(0)
    train = pd.Series(rng.normal(0, 1, 20_000))
    spec = _spec(train)
    reference = [*spec["counts"], spec["missing"]]
    same = _counts(spec, pd.Series(rng.normal(0, 1, 5_000)))
    assert d.psi(reference, reference) == pytest.approx(0.0, abs=1e-12)
    assert d.psi(reference, same) < 0.02
    assert d.ks_binned(reference[:-1], same[:-1]) < 0.03
    assert d.status_of(d.psi(reference, same), 5_000, THRESHOLDS) == d.DriftStatus.OK


def test_a_shifted_feature_alerts() -> None:
    rng = np.random.default_rng(1)
    spec = _spec(pd.Series(rng.normal(0, 1, 20_000)))
    reference = [*spec["counts"], spec["missing"]]
    shifted = _counts(spec, pd.Series(rng.normal(1.0, 1, 5_000)))
    value = d.psi(reference, shifted)
    assert value > 0.25
    assert d.ks_binned(reference[:-1], shifted[:-1]) > 0.3
    assert d.status_of(value, 5_000, THRESHOLDS) == d.DriftStatus.ALERT


def test_small_windows_are_insufficient_data() -> None:
    """50 rows of the reference itself read as drift by PSI alone: hence min_rows."""
    rng = np.random.default_rng(2)
    spec = _spec(pd.Series(rng.normal(0, 1, 20_000)))
    reference = [*spec["counts"], spec["missing"]]
    noisy = [d.psi(reference, _counts(spec, pd.Series(rng.normal(0, 1, 50)))) for _ in range(30)]
    assert np.mean(noisy) > 0.1  # the noise floor of a 50-row window is above the warn level
    assert d.status_of(max(noisy), 50, THRESHOLDS) == d.DriftStatus.INSUFFICIENT_DATA
    assert d.status_of(None, 5_000, THRESHOLDS) == d.DriftStatus.NO_REFERENCE


def test_empty_bins_are_finite_thanks_to_epsilon() -> None:
    value = d.psi([100, 0, 0], [0, 0, 100])
    assert np.isfinite(value)
    assert value > 10
    with pytest.raises(ValueError, match="same bins"):
        d.psi([1, 2], [1, 2, 3])


def test_categories_other_and_missing() -> None:
    train = pd.Series(["a"] * 50 + ["b"] * 30 + [f"rare{i}" for i in range(40)] + [None] * 5)
    spec = _spec(train)
    assert spec["kind"] == ref.CATEGORICAL
    assert spec["categories"][:2] == ["a", "b"]
    assert len(spec["categories"]) == ref.MAX_CATEGORIES
    assert spec["missing"] == 5
    current = _counts(spec, pd.Series(["a", "zzz", None, "b", 7]))
    assert current[0] == 1
    assert current[1] == 1
    assert current[-2] == 2  # zzz and 7: other
    assert current[-1] == 1  # missing
    long_text = _spec(pd.Series(["x" * 5_000] * 10 + ["short"]))
    assert long_text["categories"] == ["short"]  # free text is "other", not a category
    shifted = _counts(spec, pd.Series(["b"] * 500))
    reference = [*spec["counts"], spec["missing"]]
    assert d.js_distance(reference, reference) == pytest.approx(0.0, abs=1e-9)
    assert d.js_distance(reference, shifted) > 0.5
    assert d.psi(reference, shifted) > 0.25


def test_numeric_bins_are_open_ended_and_deduplicated() -> None:
    spec = _spec(pd.Series([1.0] * 90 + [2.0] * 10))
    assert spec["edges"] == [1.0]  # nine deciles, all 1.0 but the last: two bins
    counts, missing = ref.count_numeric(
        pd.Series([-1e9, 1.0, 1.5, 2.0, 1e9, np.nan, "x"]), spec["edges"]
    )
    assert counts == [2, 3]
    assert missing == 2
    assert _spec(pd.Series([True, False, True]))["kind"] == ref.CATEGORICAL
    assert _spec(pd.Series(pd.to_datetime(["2026-01-01"])))["kind"] == ref.SKIPPED


def test_summary_is_weighted_by_importance() -> None:
    unimportant_drifts = [(0.0, 0.5), (0.0, 0.4), (3.0, 0.0)]
    important_drifts = [(0.6, 0.5), (0.0, 0.4), (0.0, 0.0)]
    assert d.summary_status(unimportant_drifts, 0.0, 1_000, THRESHOLDS) == d.DriftStatus.OK
    assert d.summary_status(important_drifts, 0.0, 1_000, THRESHOLDS) == d.DriftStatus.ALERT
    assert d.summary_status([], None, 1_000, THRESHOLDS) == d.DriftStatus.NO_REFERENCE
    assert d.summary_status([(0.0, 1.0)], 0.5, 1_000, THRESHOLDS) == d.DriftStatus.ALERT


def test_cbpe_matches_the_truth_on_calibrated_probabilities() -> None:
    rng = np.random.default_rng(3)
    n = 20_000
    p = rng.beta(2, 2, n)
    truth = rng.random(n) < p  # p is calibrated by construction
    probabilities = np.column_stack([1 - p, p])
    labels = np.where(p > 0.5, "yes", "no")
    spec = ref.prediction_reference(
        "BINARY", ["no", "yes"], labels, probabilities, None, np.where(truth, "yes", "no")
    )
    window = ref.count_predictions(spec, labels, probabilities, None)
    estimated = cbpe.estimate(spec, window)
    from sklearn.metrics import f1_score, roc_auc_score

    actual_accuracy = float(np.mean((p > 0.5) == truth))
    assert estimated["accuracy"] == pytest.approx(actual_accuracy, abs=0.02)
    assert estimated["f1"] == pytest.approx(f1_score(truth, p > 0.5), abs=0.02)
    assert estimated["roc_auc"] == pytest.approx(roc_auc_score(truth, p), abs=0.03)
    assert cbpe.estimate(None, window) == {}


def test_latency_histogram_quantiles() -> None:
    latencies = [2.0] * 98 + [300.0] * 2
    counts = latency_counts(latencies)
    assert sum(counts) == 100
    assert latency_quantile(counts, 0.5) == pytest.approx(2.0, rel=0.13)
    assert latency_quantile(counts, 0.99) == pytest.approx(300.0, rel=0.13)
    assert latency_quantile([0] * (len(LATENCY_EDGES) + 1), 0.5) is None


def test_multiclass_regression_and_anomaly_prediction_bins() -> None:
    rng = np.random.default_rng(4)
    probabilities = rng.dirichlet([2, 2, 2], 3_000)
    classes = ["setosa", "versicolor", "virginica"]
    labels = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
    spec = ref.prediction_reference("MULTICLASS", classes, labels, probabilities, None, None)
    assert spec["kind"] == "class"
    assert spec["categories"] == classes
    assert sum(spec["counts"]) == 3_000
    estimated = cbpe.estimate(spec, spec)
    assert estimated == {"accuracy": pytest.approx(probabilities.max(axis=1).mean())}
    values = rng.normal(100, 15, 3_000)
    regression = ref.prediction_reference("REGRESSION", None, values, None, None, None)
    assert regression["kind"] == "value"
    assert len(regression["edges"]) == 9
    assert cbpe.estimate(regression, regression) == {}
    shifted = ref.count_predictions(regression, values + 30, None, None)
    assert d.psi([*regression["counts"], 0], [*shifted["counts"], 0]) > 0.25
    scores = rng.random(1_000)
    anomaly = ref.prediction_reference("ANOMALY_DETECTION", None, scores > 0.9, None, scores, None)
    assert anomaly["kind"] == "score"
    assert sum(anomaly["counts"]) == 1_000


def test_actual_values_are_checked_per_task() -> None:
    from phantom.monitoring.outcomes import _actual
    from phantom.registry.service import MonitoredVersion

    def version(task: str, classes: list[object] | None = None) -> MonitoredVersion:
        return MonitoredVersion(uuid.uuid4(), task, "accuracy", {}, classes, None)

    assert _actual(" 3.5 ", version("REGRESSION")) == "3.5"
    assert _actual(2, version("REGRESSION")) == "2.0"
    for bad in ["abc", "nan", "inf", float("nan")]:
        with pytest.raises(ValueError, match=r"finite|number"):
            _actual(bad, version("REGRESSION"))
    assert _actual(True, version("ANOMALY_DETECTION")) == "true"
    assert _actual("No", version("ANOMALY_DETECTION")) == "false"
    with pytest.raises(ValueError, match="true"):
        _actual("maybe", version("ANOMALY_DETECTION"))
    assert _actual(1.0, version("BINARY", [0, 1])) == "1"
    assert _actual(True, version("BINARY", [False, True])) == "true"
    with pytest.raises(ValueError, match="classes"):
        _actual("2", version("BINARY", [0, 1]))
    for hostile in [None, "   ", ["a"], {"a": 1}, "x" * 1001]:
        with pytest.raises(ValueError, match=r"missing|single value|longer"):
            _actual(hostile, version("BINARY", None))


def test_since_is_bounded() -> None:
    from datetime import UTC, datetime, timedelta

    from phantom.monitoring.health import HealthWindow, clamp_since

    now = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)
    assert clamp_since(HealthWindow.HOUR, None, now) == now - timedelta(hours=24)
    assert clamp_since(HealthWindow.HOUR, datetime(2000, 1, 1, tzinfo=UTC), now) == datetime(
        2026, 11, 5, 10, tzinfo=UTC
    )
    assert clamp_since(HealthWindow.DAY, datetime(2026, 12, 1, 13, 5), now) == datetime(
        2026, 12, 1, tzinfo=UTC
    )


def test_a_small_reference_is_noise_not_drift() -> None:
    """Two samples of one distribution (a 40-row holdout reference, 600-row windows):
    PSI often passes the alert threshold from noise alone, the test almost never."""
    rng = np.random.default_rng(7)
    shares_ = np.full(10, 0.1)
    over_alert = significant = alerted = 0
    trials = 400
    for _ in range(trials):
        reference = rng.multinomial(40, shares_)
        current = rng.multinomial(600, shares_)
        value = d.psi(reference, current)
        over_alert += value >= 0.25
        p = d.p_value(reference, current)
        significant += p < d.NOISE_SIGNIFICANCE
        alerted += d.status_of(value, 600, THRESHOLDS, p) == d.DriftStatus.ALERT
    assert over_alert / trials > 0.1  # why the test exists
    assert significant / trials < 0.01
    assert alerted / trials < 0.01
    # a real shift is still seen: half the mass moved to one bin
    shifted = rng.multinomial(600, np.r_[0.55, np.full(9, 0.05)])
    reference = rng.multinomial(40, shares_)
    p = d.p_value(reference, shifted)
    assert p < d.NOISE_SIGNIFICANCE
    assert d.status_of(d.psi(reference, shifted), 600, THRESHOLDS, p) == d.DriftStatus.ALERT


def test_the_chi_squared_p_value_is_scipys() -> None:
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(8)
    for _ in range(100):
        k = int(rng.integers(2, 25))
        reference, current = rng.integers(0, 1000, k), rng.integers(0, 100, k)
        reference[:2] += 1
        current[0] += 1
        table = np.vstack([reference, current]).astype(float)
        table = table[:, table.sum(axis=0) > 0]
        expected = chi2_contingency(table, correction=False).pvalue
        assert d.p_value(reference, current) == pytest.approx(expected, rel=1e-9, abs=1e-300)
    assert d.p_value([5, 0], [0, 0]) == 1.0  # untestable: one side empty
