"""The ISO board status report: every live round's rates, the change since the last report, the queues.

The figures of each round are ``unit_rates`` itself, so the status email shows exactly what
``khaosat report rates`` prints at the same moment; they are read from the round's counters,
so a candidate round without dossiers costs nothing. A round is live when it has dossiers and
is open, or closed within ``RECENT_DAYS`` days. "Change" compares with the last snapshot
taken before now: the figures of the last status email that was sent (``take_snapshot``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import Channel, OutboxMessage, OutboxState, RateSnapshot, ReviewItem, ReviewState
from ..settings import RoundSettings, Settings
from ..survey.rounds import Period, periods_around
from .rates import RatesReport, UnitRate, unit_rates

RECENT_DAYS = 30
PAPER = (Channel.post, Channel.counter)


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
    resent: int  # uncertain emails and faxes sent once more ([dispatch] resend_uncertain)
    paper_unconfirmed: int  # paper forms printed in a batch whose posting nobody has confirmed yet


# --- pure -----------------------------------------------------------------------------------


def days_left(period: Period, today: date) -> int:
    """Days from today to the deadline (0 on the deadline itself, negative after it)."""
    return (period.ends_on - today).days


def candidate_periods(today: date, rounds: list[RoundSettings], recent_days: int = RECENT_DAYS) -> list[Period]:
    """Every round not closed more than ``recent_days`` ago and started within a year, by start."""
    oldest, latest = today - timedelta(days=recent_days), today + timedelta(days=366)
    return [p for p in periods_around(today, rounds) if p.ends_on >= oldest and p.starts_on <= latest]


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


@dataclass(frozen=True)
class QueueSizes:
    """How much waits: forms to send, being sent or uncertain, paper to print or to confirm, items for a person."""

    outbox_pending: int
    outbox_claimed: int  # claimed or on the wire
    outbox_uncertain: int  # may have left: resent after the grace period, or a person checks
    outbox_resent: int  # sent once more after an uncertain send
    paper_waiting: int
    paper_unconfirmed: int  # printed in a batch not yet confirmed as posted or handed out: not counted as sent
    review_open: int
    uncertain_answers: int  # open review items of kind "uncertain"


def queue_sizes(session: Session) -> QueueSizes:
    """The queues as they stand (for ``khaosat status`` and the status report)."""
    waiting = [
        OutboxState.pending,
        OutboxState.claimed,
        OutboxState.transmitting,
        OutboxState.uncertain,
        OutboxState.batched,
    ]
    outbox: Counter[tuple[str, bool]] = Counter()
    for state, channel, count in session.exec(
        select(OutboxMessage.state, OutboxMessage.channel, sa.func.count())
        .where(col(OutboxMessage.state).in_(waiting))
        .group_by(col(OutboxMessage.state), col(OutboxMessage.channel))
    ).all():
        outbox[str(state), channel in PAPER] += count
    review: Counter[str] = Counter()
    for kind, count in session.exec(
        select(ReviewItem.kind, sa.func.count())
        .where(col(ReviewItem.state) == ReviewState.open)
        .group_by(col(ReviewItem.kind))
    ).all():
        review[str(kind)] += count
    return QueueSizes(
        outbox_pending=outbox["pending", False],
        outbox_claimed=outbox["claimed", False] + outbox["transmitting", False],
        outbox_uncertain=outbox["uncertain", False],
        outbox_resent=session.exec(select(sa.func.count()).where(col(OutboxMessage.resent_at).is_not(None))).one(),
        paper_waiting=outbox["pending", True],
        paper_unconfirmed=outbox["batched", True] + outbox["batched", False],
        review_open=sum(review.values()),
        uncertain_answers=review["uncertain"],
    )


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
    queues = queue_sizes(session)
    return StatusReport(
        now,
        today,
        settings.organization.name,
        rounds,
        queues.review_open,
        queues.outbox_uncertain,
        queues.outbox_resent,
        queues.paper_unconfirmed,
    )


def take_snapshot(session: Session, report: StatusReport, now: datetime) -> int:
    """Store each unit's reported figures as of ``now``; commits. Returns the rows stored."""
    rows = snapshot_rows(report, now)
    session.add_all(rows)
    session.commit()
    return len(rows)
