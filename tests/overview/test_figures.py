"""The overviews' arithmetic on its own: trend, success rate and the one-month limit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from phantom.overview.service import DailyVolume, TrainingActivity, Volume, add_months


def test_the_trend_is_the_change_against_the_previous_period() -> None:
    days = [DailyVolume(date(2026, 12, 5), 60, 40), DailyVolume(date(2026, 12, 6), 0, 15)]
    assert Volume(days, previous_total=100).trend == pytest.approx(0.15)
    assert Volume(days, previous_total=230).trend == pytest.approx(-0.5)
    assert Volume(days, previous_total=0).trend is None  # no base to compare with


def test_the_success_rate_counts_finished_jobs_only() -> None:
    assert TrainingActivity(jobs=5, succeeded=3, finished=4, compute_seconds=1).success_rate == 0.75
    assert TrainingActivity(jobs=2, succeeded=0, finished=0, compute_seconds=0).success_rate is None


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (datetime(2026, 12, 6, 10, tzinfo=UTC), datetime(2027, 1, 6, 10, tzinfo=UTC)),
        (datetime(2027, 1, 31, tzinfo=UTC), datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2028, 1, 31, tzinfo=UTC), datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2027, 3, 31, tzinfo=UTC), datetime(2027, 4, 30, tzinfo=UTC)),
    ],
)
def test_a_request_is_due_one_calendar_month_later(start: datetime, due: datetime) -> None:
    assert add_months(start, 1) == due
