"""Synthetic loan applications of a retail bank, and whether each loan defaulted.

No freely licensed credit data set ships with this project's dependencies (scikit-learn,
statsmodels, AutoGluon and H2O bundle iris, diabetes, prostate and the like), and the
demo must work offline, so the demo's data is generated here from a fixed seed: realistic
marginals (income log-normal, credit scores 300-850, terms in whole years) and a default
probability that a credit officer would recognise (debt-to-income, credit score, late
payments and loan-to-income raise it; years in employment and home ownership lower it).
The same function draws the "live" applications the demo scores, with ``drift`` raising
debt-to-income (a cost-of-living squeeze): the monitored feature that drifts.

``python -m phantom.demo.applicants`` rewrites ``data/loan_applications.csv`` (CC0; see
``data/README.md``); the output is byte-for-byte the same on every run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

TARGET = "defaulted"
ID_COLUMN = "customer_id"
DRIFTING = "debt_to_income"
CSV = Path(__file__).resolve().parent / "data" / "loan_applications.csv"
ROWS, SEED = 3000, 20261206
PURPOSES = ("debt_consolidation", "car", "home_improvement", "business", "education", "other")
PURPOSE_SHARES = (0.34, 0.24, 0.18, 0.09, 0.05, 0.10)
PURPOSE_RISK = {
    "debt_consolidation": 0.25,
    "car": -0.15,
    "home_improvement": -0.2,
    "business": 0.45,
    "education": 0.1,
    "other": 0.05,
}
HOMES = ("RENT", "MORTGAGE", "OWN")


def applicants(
    rows: int, rng: np.random.Generator, drift: float = 0.0, first_id: int = 100_000
) -> tuple[pd.DataFrame, np.ndarray]:
    """``rows`` applications (features and customer ids) and each one's probability of
    default. ``drift`` (0 to 1) moves debt-to-income up by as much as 0.15."""
    age = np.clip(rng.normal(41, 12, rows), 19, 79).round().astype(int)
    employment = np.clip(rng.gamma(2.0, 3.5, rows), 0, age - 18).round().astype(int)
    income = np.exp(rng.normal(10.45, 0.45, rows)) + 400 * employment
    income = (income / 100).round() * 100
    home = rng.choice(HOMES, rows, p=(0.38, 0.42, 0.20))
    purpose = rng.choice(PURPOSES, rows, p=PURPOSE_SHARES)
    amount = np.clip(rng.lognormal(9.2, 0.6, rows), 1000, 60_000)
    amount = (amount / 250).round() * 250
    term = rng.choice((12, 24, 36, 48, 60), rows, p=(0.1, 0.2, 0.35, 0.15, 0.2))
    score = np.clip(rng.normal(690, 60, rows) + 1.2 * employment, 300, 850).round().astype(int)
    late = rng.poisson(np.clip((720 - score) / 90, 0.05, None))
    lines = rng.poisson(5 + age / 15)
    dti = np.clip(rng.beta(2.2, 6.5, rows) + 0.15 * drift + rng.normal(0, 0.01, rows), 0, 0.95)
    dti = dti.round(3)
    rate = np.clip(4.0 + (760 - score) * 0.03 + term * 0.015 + rng.normal(0, 0.6, rows), 2.5, 24)
    rate = rate.round(2)
    risk = (
        -2.05
        + 5.0 * (dti - 0.25)
        - 0.011 * (score - 690)
        + 0.38 * late
        + 0.9 * np.clip(amount / income - 0.3, -0.3, 1.5)
        + 0.012 * (term - 36)
        - 0.035 * employment
        + np.where(home == "OWN", -0.3, np.where(home == "MORTGAGE", -0.1, 0.15))
        + np.vectorize(PURPOSE_RISK.__getitem__)(purpose)
    )
    probability = 1 / (1 + np.exp(-risk))
    frame = pd.DataFrame(
        {
            ID_COLUMN: [f"C{first_id + i:07d}" for i in range(rows)],
            "age": age,
            "annual_income": income.astype(int),
            "employment_years": employment,
            "home_ownership": home,
            "loan_purpose": purpose,
            "loan_amount": amount.astype(int),
            "term_months": term,
            "interest_rate": rate,
            "credit_score": score,
            "debt_to_income": dti,
            "open_credit_lines": lines,
            "late_payments_2y": late,
        }
    )
    return frame, probability


def outcomes(probability: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Whether each loan defaulted, drawn from its probability."""
    return ["yes" if hit else "no" for hit in rng.random(len(probability)) < probability]


def training_frame() -> pd.DataFrame:
    """The bundled data set: the applications of the past, with how they ended."""
    rng = np.random.default_rng(SEED)
    frame, probability = applicants(ROWS, rng)
    frame[TARGET] = outcomes(probability, rng)
    return frame


if __name__ == "__main__":
    training_frame().to_csv(CSV, index=False)
    import sys

    sys.stdout.write(f"wrote {CSV}\n")
