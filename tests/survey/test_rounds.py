"""Rounds from the configuration."""

from datetime import date

import pytest

from khaosat.settings import RoundSettings, default_rounds
from khaosat.survey.rounds import period_for, period_named

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
    with pytest.raises(ValueError, match="no round named"):
        period_named("2026-9", ROUNDS)
