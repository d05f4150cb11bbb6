"""Return rates per unit and round: the plan's 80% target (MISSION.md P2).

The arithmetic is pure and exact: a target such as 0.8 is read as the decimal it was
written as (4/5), so 80% of 5 forms is 4 replies, never 5 by a float's rounding. The figures
are read from the round's counters (survey/counts.py), kept as the rows change and summed
here over procedures and channels, so they cost the same at a million dossiers as at a
thousand, and nothing for a round without dossiers. What each counts:

- dossiers: dossiers received in the round (with or without a survey yet);
- sent: surveys of the round whose form reached the applicant (an invitation delivered, or
  a reply received: a form that came back was handed out, e.g. at the counter);
- returned: surveys of the round with a counted reply;
- failed: surveys for which every channel failed, shown apart (not in ``sent``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from ..errors import KhaosatError
from ..settings import Settings
from ..survey.rounds import Period, period_for, period_named
from ..survey.totals import UnitTotal

if TYPE_CHECKING:
    from sqlmodel import Session

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
    """Dossiers, sent, returned, rate, target and needed for every unit with dossiers (or surveys) in the round."""
    from ..survey.counts import unit_totals  # SQLAlchemy: not for `report rates`, which reads through `readonly`

    period = resolve_round(settings, round_name, today)
    return rates_report(period, unit_totals(session, period.name), settings)


def rates_report(period: Period, totals: Sequence[UnitTotal], settings: Settings) -> RatesReport:
    """The round's report from its totals per unit (``survey.totals``)."""
    rates = [
        unit_rate(
            total.code,
            total.name,
            dossiers=total.counts.dossiers,
            sent=total.counts.sent,
            returned=total.counts.returned,
            failed=total.counts.failed,
            target=settings.target_for(total.code),
        )
        for total in totals
    ]
    return RatesReport(round=period, units=rates, total=total_of(rates, settings.report.target))
