"""Rules: what they say, the defaults, and judging one signal (pure functions).

Defaults, for a version without rules of its own (docs/alerts.md#defaults):

| kind | fires when | windows | severity |
|---|---|---|---|
| FEATURE_DRIFT | PSI >= 0.25 (or the signal's reference: the tenant's) | 1 | CRITICAL |
| PREDICTION_DRIFT | PSI >= 0.25 (idem) | 1 | CRITICAL |
| ERROR_RATE | failed calls >= 5 % | 1 | CRITICAL |
| LATENCY_P99 | p99 >= 50 ms | 2 | WARNING |

Performance has no default: whether higher is better depends on the metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from phantom.alerts.models import AlertComparison, AlertKind, AlertSeverity
from phantom.kit.errors import BadUserInput

MAX_RULES = 50
MAX_WINDOWS = 168  # a week of hours
DRIFT_KINDS = (AlertKind.FEATURE_DRIFT, AlertKind.PREDICTION_DRIFT)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    kind: AlertKind
    threshold: float | None  # None (defaults only): the signal's reference, else ``fallback``
    comparison: AlertComparison = AlertComparison.GTE
    windows: int = 1
    severity: AlertSeverity = AlertSeverity.CRITICAL
    feature: str | None = None  # None: any feature (or metric)
    enabled: bool = True
    fallback: float = 0.0

    def threshold_for(self, reference: float | None) -> float:
        if self.threshold is not None:
            return self.threshold
        return reference if reference is not None and reference > 0 else self.fallback

    def matches(self, kind: AlertKind, subject: str) -> bool:
        return self.enabled and self.kind == kind and self.feature in (None, subject)

    def breached(self, value: float, threshold: float) -> bool:
        if math.isnan(value):
            return False
        if self.comparison == AlertComparison.GTE:
            return value >= threshold
        return value <= threshold


DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(AlertKind.FEATURE_DRIFT, None, fallback=0.25),
    RuleSpec(AlertKind.PREDICTION_DRIFT, None, fallback=0.25),
    RuleSpec(AlertKind.ERROR_RATE, 0.05),
    RuleSpec(AlertKind.LATENCY_P99, 50.0, windows=2, severity=AlertSeverity.WARNING),
)


def clean_rules(rules: list[RuleSpec]) -> list[RuleSpec]:
    """Bounded, finite, meaningful rules; one per kind, feature and severity."""
    if len(rules) > MAX_RULES:
        raise BadUserInput(f"At most {MAX_RULES} rules per model version.")
    seen: set[tuple[str, str | None, str]] = set()
    cleaned = []
    for rule in rules:
        if rule.threshold is None or not math.isfinite(rule.threshold):
            raise BadUserInput("A rule's threshold must be a finite number.")
        if not 1 <= rule.windows <= MAX_WINDOWS:
            raise BadUserInput(f"A rule's windows must be between 1 and {MAX_WINDOWS}.")
        if rule.kind in DRIFT_KINDS and rule.threshold < 0:
            raise BadUserInput("A drift threshold (PSI) cannot be negative.")
        if rule.kind == AlertKind.ERROR_RATE and not 0 <= rule.threshold <= 1:
            raise BadUserInput("An error-rate threshold is a fraction between 0 and 1.")
        feature = rule.feature.strip() if rule.feature is not None else None
        if feature is not None and not (1 <= len(feature) <= 200 and feature.isprintable()):
            raise BadUserInput("A rule's feature must be 1 to 200 printable characters.")
        if feature is not None and rule.kind in (
            AlertKind.PREDICTION_DRIFT,
            AlertKind.ERROR_RATE,
            AlertKind.LATENCY_P99,
        ):
            raise BadUserInput(f"{rule.kind.value} rules do not name a feature.")
        key = (rule.kind.value, feature, rule.severity.value)
        if key in seen:
            raise BadUserInput(
                f"Two {rule.severity.value} rules for {rule.kind.value}"
                f"{' of ' + feature if feature else ''}: keep one."
            )
        seen.add(key)
        cleaned.append(
            RuleSpec(
                kind=rule.kind,
                threshold=float(rule.threshold),
                comparison=rule.comparison,
                windows=rule.windows,
                severity=rule.severity,
                feature=feature,
                enabled=rule.enabled,
            )
        )
    return cleaned


SEVERITY_RANK = {AlertSeverity.WARNING.value: 1, AlertSeverity.CRITICAL.value: 2}
