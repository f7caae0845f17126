"""Confidence-based performance estimation (CBPE, after NannyML) from probability bins.

Before outcomes arrive, a calibrated probability p says the row is positive with chance
p. Summed over a window, that gives the *expected* confusion matrix, and from it the
expected accuracy, precision, recall, F1 and ROC AUC. Calibration comes from the
holdout: in each of the 20 probability bins, the share of holdout rows that were
actually positive (bins with fewer than ``CALIBRATION_MIN_ROWS`` holdout rows keep the
window's own mean probability). It holds while the relation between features and target
stays as in training (covariate shift, not concept drift) - which is exactly why it is
shown *next to* realized performance, never instead of it.

Multiclass: expected accuracy, the mean of the top probability.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from phantom.monitoring.reference import CALIBRATION_MIN_ROWS, PROBABILITY_EDGES


def calibrated(reference: dict[str, Any], counts: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """Per bin: the probability that a row in it is positive."""
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    positives = reference.get("positives")
    if positives is None:
        return own
    ref_counts = np.asarray(reference["counts"], dtype=np.float64)
    ref_pos = np.asarray(positives, dtype=np.float64)
    enough = ref_counts >= CALIBRATION_MIN_ROWS
    return np.where(enough, ref_pos / np.maximum(ref_counts, 1), own)


def estimate_binary(reference: dict[str, Any], window: dict[str, Any]) -> dict[str, float]:
    """Expected metrics of a binary classifier's window (rows predicted positive: the
    bins above 0.5, the engines' decision threshold)."""
    counts = np.asarray(window["counts"], dtype=np.float64)
    sums = np.asarray(window["sums"], dtype=np.float64)
    n = counts.sum()
    if n <= 0:
        return {}
    p = calibrated(reference, counts, sums)
    upper = np.append(np.asarray(PROBABILITY_EDGES), 1.0)
    predicted_positive = upper > 0.5
    expected_pos = counts * p
    expected_neg = counts * (1 - p)
    tp = expected_pos[predicted_positive].sum()
    fp = expected_neg[predicted_positive].sum()
    fn = expected_pos[~predicted_positive].sum()
    tn = expected_neg[~predicted_positive].sum()
    result = {"accuracy": float((tp + tn) / n)}
    if tp + fp > 0:
        result["precision"] = float(tp / (tp + fp))
    if tp + fn > 0:
        result["recall"] = float(tp / (tp + fn))
    if "precision" in result and "recall" in result and tp > 0:
        result["f1"] = float(2 * tp / (2 * tp + fp + fn))
    total_pos, total_neg = expected_pos.sum(), expected_neg.sum()
    if total_pos > 0 and total_neg > 0:
        # P(score of a random positive > that of a random negative); ties within a bin: half
        above = np.cumsum(expected_pos[::-1])[::-1] - expected_pos  # positives in higher bins
        result["roc_auc"] = float(
            np.sum(expected_neg * (above + 0.5 * expected_pos)) / (total_pos * total_neg)
        )
    return result


def estimate(reference: dict[str, Any] | None, window: dict[str, Any] | None) -> dict[str, float]:
    """Estimated metrics of a window's predictions; empty where CBPE does not apply
    (regression, anomaly detection, no reference)."""
    if reference is None or window is None:
        return {}
    kind = reference.get("kind")
    if kind == "probability":
        return estimate_binary(reference, window)
    if kind == "class":
        rows = sum(window["counts"])
        if rows > 0 and window.get("confidence"):
            return {"accuracy": float(window["confidence"]) / rows}
    return {}
