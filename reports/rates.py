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

A sub-unit that surveys itself (MISSION.md P5) reports its own dossiers, sent and returned
(reports/subunits.py, read by ``subunit_totals.SUBUNIT_TOTALS``). They are added to the unit
of the same code, or make a row of their own, and the row says so: its name is marked and
``reported_by`` names the sub-units, so no one mistakes them for figures counted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from ..errors import KhaosatError
from ..language import N_, tr
from ..settings import Settings
from ..survey.rounds import Period, period_for, period_named
from ..survey.totals import UnitTotal
from ..text import fold_words
from .subunit_totals import ReportedTotal

if TYPE_CHECKING:
    from sqlmodel import Session

TOTAL_LABEL = N_("Tổng cộng")


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
    reported_by: str = ""  # the sub-units whose own results are in these figures ("": counted here alone)

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


def unit_rate(
    unit: str,
    name: str,
    *,
    dossiers: int,
    sent: int,
    returned: int,
    failed: int,
    target: float,
    reported_by: str = "",
) -> UnitRate:
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
        reported_by=reported_by,
    )


def total_of(rates: Sequence[UnitRate], target: float) -> UnitRate:
    """The total row: sums, the overall rate, and the replies each unit still needs, added up."""
    sent = sum(rate.sent for rate in rates)
    returned = sum(rate.returned for rate in rates)
    return UnitRate(
        unit="",
        name=tr(TOTAL_LABEL),
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
            tr(
                "không có đợt khảo sát “{round}”: ghi NĂM-ĐỢT, ví dụ {names} (các đợt đã cấu hình)",
                round=round_name,
                names=names,
            )
        ) from exc


def unit_rates(
    session: Session, settings: Settings, *, round_name: str | None = None, today: date | None = None
) -> RatesReport:
    """Dossiers, sent, returned, rate, target and needed for every unit with dossiers (or surveys) in the round,
    and every unit a sub-unit reported for it."""
    import sqlalchemy as sa  # not for `report rates`, which reads through `readonly`

    from ..survey.counts import unit_totals
    from .subunit_totals import SUBUNIT_TOTALS, reported_totals_from_rows

    period = resolve_round(settings, round_name, today)
    reported = reported_totals_from_rows(session.execute(sa.text(SUBUNIT_TOTALS), {"round": period.name}))
    return rates_report(period, unit_totals(session, period.name), settings, reported)


def marked_name(name: str, subunits: Sequence[str], *, ours_too: bool) -> str:
    """A unit's name marked as holding a sub-unit's own figures: "… (Chi cục TĐC tự khảo sát)"."""
    who = "; ".join(subunit for subunit in subunits if fold_words(subunit) != fold_words(name))
    said = tr("do {who} tự khảo sát", who=who) if who else tr("tự khảo sát")
    return (
        tr("{name} (gồm số liệu {said})", name=name, said=said)
        if ours_too
        else tr("{name} (số liệu {said})", name=name, said=said)
    )


def rates_report(
    period: Period, totals: Sequence[UnitTotal], settings: Settings, reported: Sequence[ReportedTotal] = ()
) -> RatesReport:
    """The round's report from its totals per unit (``survey.totals``) and what sub-units reported."""
    ours = {total.code.casefold(): total for total in totals}
    theirs: dict[str, list[ReportedTotal]] = {}
    for total in reported:
        theirs.setdefault(total.code.casefold(), []).append(total)
    rates = [_merged_rate(ours.get(key), theirs.get(key, []), settings) for key in sorted(ours.keys() | theirs.keys())]
    rates.sort(key=lambda rate: rate.unit)
    return RatesReport(round=period, units=rates, total=total_of(rates, settings.report.target))


def _merged_rate(ours: UnitTotal | None, theirs: Sequence[ReportedTotal], settings: Settings) -> UnitRate:
    code = ours.code if ours else theirs[0].code
    name = ours.name if ours else theirs[0].name
    subunits = sorted({total.subunit for total in theirs})
    counts = ours.counts if ours else None
    return unit_rate(
        code,
        marked_name(name, subunits, ours_too=ours is not None) if subunits else name,
        dossiers=(counts.dossiers if counts else 0) + sum(total.dossiers for total in theirs),
        sent=(counts.sent if counts else 0) + sum(total.sent for total in theirs),
        returned=(counts.returned if counts else 0) + sum(total.returned for total in theirs),
        failed=counts.failed if counts else 0,
        target=settings.target_for(code),
        reported_by="; ".join(subunits),
    )
