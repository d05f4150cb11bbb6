"""Return rates per unit and round: the plan's 80% target (MISSION.md P2).

The arithmetic is pure and exact: a target such as 0.8 is read as the decimal it was
written as (4/5), so 80% of 5 forms is 4 replies, never 5 by a float's rounding. The query
counts each figure for every unit at once (one GROUP BY per table), never one unit at a time.

- dossiers: dossiers received in the round (with or without a survey yet);
- sent: surveys of the round whose form reached the applicant (an invitation delivered, or
  a reply received: a form that came back was handed out, e.g. at the counter);
- returned: surveys of the round with a counted reply;
- failed: surveys for which every channel failed, shown apart (not in ``sent``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..models import Dossier, Round, Survey, SurveyStatus, Unit
from ..settings import RoundSettings, Settings
from ..survey.rounds import Period, period_for, period_named

TOTAL_LABEL = "Tổng cộng"


@dataclass(frozen=True)
class UnitRate:
    unit: str  # the unit's code ("" for the total)
    name: str
    dossiers: int
    sent: int
    returned: int
    rate: float  # returned / sent, 0 when nothing was sent
    target: float
    needed: int  # replies still missing to reach the target
    failed: int

    @property
    def below_target(self) -> bool:
        return self.needed > 0


@dataclass(frozen=True)
class RatesReport:
    round: Period
    units: list[UnitRate]
    total: UnitRate


def exact(target: float) -> Fraction:
    """The target as the decimal it was written as: 0.8 → 4/5 (not the binary float)."""
    return Fraction(repr(target))


def needed_replies(target: float, sent: int, returned: int) -> int:
    """How many more replies bring ``returned / sent`` to ``target``: ceil(target × sent) − returned."""
    return max(0, math.ceil(exact(target) * sent) - returned)


def unit_rate(unit: str, name: str, *, dossiers: int, sent: int, returned: int, failed: int, target: float) -> UnitRate:
    return UnitRate(
        unit=unit,
        name=name,
        dossiers=dossiers,
        sent=sent,
        returned=returned,
        rate=returned / sent if sent else 0.0,
        target=target,
        needed=needed_replies(target, sent, returned),
        failed=failed,
    )


def total_of(rates: Sequence[UnitRate], target: float) -> UnitRate:
    """The total row: sums, the overall rate, and the replies each unit still needs, added up."""
    sent = sum(rate.sent for rate in rates)
    returned = sum(rate.returned for rate in rates)
    return UnitRate(
        unit="",
        name=TOTAL_LABEL,
        dossiers=sum(rate.dossiers for rate in rates),
        sent=sent,
        returned=returned,
        rate=returned / sent if sent else 0.0,
        target=target,
        needed=sum(rate.needed for rate in rates),
        failed=sum(rate.failed for rate in rates),
    )


def days_of_round(period: Period, rounds: list[RoundSettings]) -> list[tuple[date, date]]:
    """The date ranges (inclusive) whose dossiers belong to ``period``, as ``period_for`` decides.

    Besides the round itself, that is any gap before it (by default 21–31 December belongs to
    the next year's round 1).
    """
    ranges: list[tuple[date, date]] = []
    day = period.starts_on - timedelta(days=366)
    while day <= period.ends_on:
        if period_for(day, rounds).name == period.name:
            if ranges and ranges[-1][1] == day - timedelta(days=1):
                ranges[-1] = (ranges[-1][0], day)
            else:
                ranges.append((day, day))
        day += timedelta(days=1)
    return ranges


def resolve_round(settings: Settings, round_name: str | None, today: date | None) -> Period:
    """The named round, or the one in progress today in the organisation's time zone."""
    if round_name is None:
        today = today or datetime.now(settings.organization.zone).date()
        return period_for(today, settings.rounds)
    try:
        return period_named(round_name.strip(), settings.rounds)
    except ValueError as exc:
        year = datetime.now(settings.organization.zone).year
        names = ", ".join(f"{year}-{r.name}" for r in settings.rounds)
        raise KhaosatError(
            f"không có đợt khảo sát “{round_name}”: ghi NĂM-ĐỢT, ví dụ {names} (các đợt đã cấu hình)"
        ) from exc


def unit_rates(
    session: Session, settings: Settings, *, round_name: str | None = None, today: date | None = None
) -> RatesReport:
    """Dossiers, sent, returned, rate, target and needed for every unit with dossiers in the round."""
    period = resolve_round(settings, round_name, today)
    dossiers = _dossiers_per_unit(session, days_of_round(period, settings.rounds))
    surveys = _surveys_per_unit(session, period.name)
    units = _units(session, dossiers.keys() | surveys.keys())
    rates = []
    for unit_id, (code, name) in sorted(units.items(), key=lambda item: item[1][0]):
        sent, returned, failed = surveys.get(unit_id, (0, 0, 0))
        rates.append(
            unit_rate(
                code,
                name,
                dossiers=dossiers.get(unit_id, 0),
                sent=sent,
                returned=returned,
                failed=failed,
                target=settings.target_for(code),
            )
        )
    return RatesReport(round=period, units=rates, total=total_of(rates, settings.report.target))


def _dossiers_per_unit(session: Session, ranges: list[tuple[date, date]]) -> dict[int, int]:
    if not ranges:
        return {}
    received = col(Dossier.received_on)
    in_round = sa.or_(*(received.between(first, last) for first, last in ranges))
    query = select(Dossier.unit_id, sa.func.count()).where(in_round).group_by(col(Dossier.unit_id))
    return {unit_id: count for unit_id, count in session.exec(query).all()}


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _surveys_per_unit(session: Session, round_name: str) -> dict[int, tuple[int, int, int]]:
    """unit id → (sent, returned, failed) for the surveys of the round, in one GROUP BY."""
    responded = col(Survey.responded).is_(True)
    query = (
        select(
            Survey.unit_id,
            _count_if(sa.or_(col(Survey.sent_at).is_not(None), responded)),
            _count_if(responded),
            _count_if(col(Survey.status) == SurveyStatus.failed),
        )
        .join(Round, col(Round.id) == col(Survey.round_id))
        .where(col(Round.name) == round_name)
        .group_by(col(Survey.unit_id))
    )
    return {unit_id: (int(sent), int(returned), int(failed)) for unit_id, sent, returned, failed in session.exec(query)}


def _units(session: Session, unit_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = session.exec(select(Unit.id, Unit.code, Unit.name).where(col(Unit.id).in_(ids))).all()
    return {unit_id: (code, name) for unit_id, code, name in rows if unit_id is not None}
