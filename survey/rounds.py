"""Survey rounds: recurring periods from the configuration, made concrete for a year.

A dossier belongs to the round in progress on the day it was received. A day that falls in
no round (by default 21–31 December, after round 2's deadline) belongs to the next round
to start: round 1 of the following year. A round whose last day has passed is closed.

``periods_around`` is the round calendar every caller reads: the periods of the years
around a day, by start (a dossier's round, the last round started, the rounds a status
email shows, the round whose report is due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..settings import RoundSettings


@dataclass(frozen=True)
class Period:
    name: str  # "2026-1": the year the round starts in, then the configured name
    starts_on: date
    ends_on: date  # inclusive: the round's deadline

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def is_closed(self, today: date) -> bool:
        return today > self.ends_on


def periods_of_year(year: int, rounds: list[RoundSettings]) -> list[Period]:
    periods = []
    for round_ in rounds:
        starts_on = date.fromisoformat(f"{year}-{round_.start}")
        ends_on = _month_day(year, round_.end)
        if ends_on < starts_on:  # the round runs into the next year
            ends_on = _month_day(year + 1, round_.end)
        periods.append(Period(f"{year}-{round_.name}", starts_on, ends_on))
    return periods


def _month_day(year: int, month_day: str) -> date:
    if month_day == "02-29" and not _is_leap(year):
        month_day = "02-28"
    return date.fromisoformat(f"{year}-{month_day}")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def periods_around(
    day: date, rounds: list[RoundSettings], *, years_before: int = 1, years_after: int = 1
) -> list[Period]:
    """The periods of the years from ``years_before`` before ``day``'s to ``years_after`` after it, by start."""
    years = range(day.year - years_before, day.year + years_after + 1)
    return sorted((period for year in years for period in periods_of_year(year, rounds)), key=lambda p: p.starts_on)


def period_for(day: date, rounds: list[RoundSettings]) -> Period:
    """The round a dossier received on ``day`` belongs to."""
    candidates = periods_around(day, rounds)
    for period in candidates:
        if period.contains(day):
            return period
    return next(period for period in candidates if period.starts_on > day)


def period_named(name: str, rounds: list[RoundSettings]) -> Period:
    """The period of a round name such as "2026-1"; ValueError when there is none."""
    year_text, _, round_name = name.partition("-")
    if not year_text.isdigit():
        raise ValueError(f"đợt {name!r}: cần dạng NĂM-TÊN, ví dụ 2026-1")
    for period in periods_of_year(int(year_text), rounds):
        if period.name == name:
            return period
    known = ", ".join(r.name for r in rounds)
    raise ValueError(f"đợt {name!r}: không có đợt tên {round_name!r} (các đợt trong cấu hình: {known})")
