"""The ISO board status report: every live round's rates, the change since the last report, the queues.

The figures of each round are ``unit_rates`` itself, so the status email shows exactly what
``khaosat report rates`` prints at the same moment. A round is live when it has dossiers and
is open, or closed within ``RECENT_DAYS`` days. "Change" compares with the last snapshot
taken before now: the figures of the last status email that was sent (``take_snapshot``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import OutboxMessage, OutboxState, RateSnapshot, ReviewItem, ReviewState
from ..settings import RoundSettings, Settings
from ..survey.rounds import Period, periods_of_year
from .rates import RatesReport, UnitRate, unit_rates

RECENT_DAYS = 30


@dataclass(frozen=True)
class Figures:
    """What a snapshot keeps of a unit: enough to compute a rate again."""

    dossiers: int
    sent: int
    returned: int

    @property
    def rate(self) -> float:
        return self.returned / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class Change:
    returned: int  # replies gained since the snapshot
    rate: float  # rate now minus rate then (0.05 = 5 percentage points)


@dataclass(frozen=True)
class StatusRow:
    rate: UnitRate
    change: Change | None  # None: the unit was not in the last snapshot


@dataclass(frozen=True)
class RoundStatus:
    rates: RatesReport
    rows: list[StatusRow]
    total: StatusRow
    days_left: int  # to the deadline, in the organisation's zone; negative once closed
    previous_at: datetime | None  # when the snapshot compared with was taken

    @property
    def period(self) -> Period:
        return self.rates.round

    @property
    def below_target(self) -> list[UnitRate]:
        return [row.rate for row in self.rows if row.rate.below_target]


@dataclass(frozen=True)
class StatusReport:
    generated_at: datetime  # aware UTC
    today: date  # in the organisation's zone
    organization: str
    rounds: list[RoundStatus]
    review_open: int
    uncertain: int


# --- pure -----------------------------------------------------------------------------------


def days_left(period: Period, today: date) -> int:
    """Days from today to the deadline (0 on the deadline itself, negative after it)."""
    return (period.ends_on - today).days


def candidate_periods(today: date, rounds: list[RoundSettings], recent_days: int = RECENT_DAYS) -> list[Period]:
    """Every round not closed more than ``recent_days`` ago and started within a year, by start."""
    periods = [
        period for year in (today.year - 1, today.year, today.year + 1) for period in periods_of_year(year, rounds)
    ]
    oldest = today - timedelta(days=recent_days)
    return sorted(
        (p for p in periods if p.ends_on >= oldest and p.starts_on <= today + timedelta(days=366)),
        key=lambda p: p.starts_on,
    )


def change_of(rate: UnitRate, before: Figures | None) -> Change | None:
    if before is None:
        return None
    return Change(returned=rate.returned - before.returned, rate=rate.rate - before.rate)


def total_figures(snapshot: Mapping[str, Figures]) -> Figures | None:
    if not snapshot:
        return None
    values = snapshot.values()
    return Figures(
        dossiers=sum(f.dossiers for f in values),
        sent=sum(f.sent for f in values),
        returned=sum(f.returned for f in values),
    )


def round_status(
    rates: RatesReport, today: date, snapshot: Mapping[str, Figures], previous_at: datetime | None
) -> RoundStatus:
    rows = [StatusRow(rate, change_of(rate, snapshot.get(rate.unit))) for rate in rates.units]
    total = StatusRow(rates.total, change_of(rates.total, total_figures(snapshot)))
    return RoundStatus(rates, rows, total, days_left(rates.round, today), previous_at)


def snapshot_rows(report: StatusReport, taken_at: datetime) -> list[RateSnapshot]:
    return [
        RateSnapshot(
            taken_at=taken_at,
            round_name=status.period.name,
            unit_code=row.rate.unit,
            dossiers=row.rate.dossiers,
            sent=row.rate.sent,
            returned=row.rate.returned,
        )
        for status in report.rounds
        for row in status.rows
    ]


# --- database -------------------------------------------------------------------------------


def last_snapshot(session: Session, round_name: str, before: datetime) -> tuple[datetime | None, dict[str, Figures]]:
    """The units' figures in the latest snapshot of the round taken before ``before``."""
    taken_at = session.exec(
        select(sa.func.max(RateSnapshot.taken_at)).where(
            col(RateSnapshot.round_name) == round_name, col(RateSnapshot.taken_at) < before
        )
    ).one()
    if taken_at is None:
        return None, {}
    rows = session.exec(
        select(RateSnapshot).where(col(RateSnapshot.round_name) == round_name, col(RateSnapshot.taken_at) == taken_at)
    ).all()
    return rows[0].taken_at, {row.unit_code: Figures(row.dossiers, row.sent, row.returned) for row in rows}


def queue_sizes(session: Session) -> tuple[int, int]:
    """(open review items, uncertain deliveries)."""
    review = session.exec(
        select(sa.func.count()).select_from(ReviewItem).where(col(ReviewItem.state) == ReviewState.open)
    ).one()
    uncertain = session.exec(
        select(sa.func.count()).select_from(OutboxMessage).where(col(OutboxMessage.state) == OutboxState.uncertain)
    ).one()
    return int(review), int(uncertain)


def live_rates(session: Session, settings: Settings, today: date) -> list[RatesReport]:
    """``unit_rates`` of every candidate round that has dossiers (or surveys)."""
    reports = (
        unit_rates(session, settings, round_name=period.name, today=today)
        for period in candidate_periods(today, settings.rounds)
    )
    return [report for report in reports if report.units]


def build_status(session: Session, settings: Settings, now: datetime) -> StatusReport:
    """The status report as of ``now`` (an aware datetime)."""
    today = now.astimezone(settings.organization.zone).date()
    rounds = []
    for rates in live_rates(session, settings, today):
        previous_at, snapshot = last_snapshot(session, rates.round.name, now)
        rounds.append(round_status(rates, today, snapshot, previous_at))
    review_open, uncertain = queue_sizes(session)
    return StatusReport(now, today, settings.organization.name, rounds, review_open, uncertain)


def take_snapshot(session: Session, report: StatusReport, now: datetime) -> int:
    """Store each unit's reported figures as of ``now``; commits. Returns the rows stored."""
    rows = snapshot_rows(report, now)
    session.add_all(rows)
    session.commit()
    return len(rows)
