"""Rounds from the configuration."""

from datetime import date

import pytest

from khaosat.settings import RoundSettings, default_rounds
from khaosat.survey.rounds import period_for, period_named, periods_around

ROUNDS = default_rounds()


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2026, 1, 1), "2026-1"),
        (date(2026, 10, 31), "2026-1"),
        (date(2026, 11, 1), "2026-2"),
        (date(2026, 12, 20), "2026-2"),
        (date(2026, 12, 21), "2027-1"),  # after round 2's deadline: next year's round 1
        (date(2026, 12, 31), "2027-1"),
    ],
)
def test_default_rounds(received, expected):
    """A dossier falls in the round in progress, or the next one to start."""
    assert period_for(received, ROUNDS).name == expected


def test_round_across_the_new_year():
    """A round may run from November to February."""
    rounds = [RoundSettings(name="A", start="03-01", end="10-31"), RoundSettings(name="B", start="11-01", end="02-28")]
    assert period_for(date(2027, 1, 15), rounds).name == "2026-B"
    assert period_for(date(2027, 1, 15), rounds).ends_on == date(2027, 2, 28)
    assert period_for(date(2027, 2, 28), rounds).name == "2026-B"
    assert period_for(date(2027, 3, 1), rounds).name == "2027-A"


def test_closed():
    period = period_named("2026-1", ROUNDS)
    assert not period.is_closed(date(2026, 10, 31))
    assert period.is_closed(date(2026, 11, 1))
    with pytest.raises(ValueError, match="không có đợt tên"):
        period_named("2026-9", ROUNDS)


def test_periods_around_a_day():
    """The calendar: every round of the years around a day, ordered by start."""
    names = [period.name for period in periods_around(date(2026, 6, 1), ROUNDS)]
    assert names == ["2025-1", "2025-2", "2026-1", "2026-2", "2027-1", "2027-2"]
    assert [p.name for p in periods_around(date(2026, 6, 1), ROUNDS, years_after=0)][-1] == "2026-2"
    assert [p.name for p in periods_around(date(2026, 6, 1), ROUNDS, years_before=0, years_after=0)] == [
        "2026-1",
        "2026-2",
    ]
    rounds = [RoundSettings(name="B", start="11-01", end="02-28"), RoundSettings(name="A", start="03-01", end="10-31")]
    starts = [p.starts_on for p in periods_around(date(2027, 1, 15), rounds, years_before=0)]
    assert starts == sorted(starts) and len(starts) == 4
