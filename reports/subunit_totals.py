"""The figures sub-units reported for a round, per unit and sub-unit, read by one plain SQL statement.

Like ``survey.totals.UNIT_TOTALS`` it is SQL text, so that ``khaosat report rates`` runs it
through the bare DB-API driver (``readonly``) and every other caller through a session: the
same figures both ways. The rows come from ``subunitcount`` (reports/subunits.py keeps it),
never from the counters ``khaosat audit`` recounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# One parameter, ``:round`` (the round's name).
SUBUNIT_TOTALS = """\
SELECT subunitcount.unit_code, MIN(subunitcount.unit_name), subunitreport.subunit,
       SUM(subunitcount.dossiers), SUM(subunitcount.sent), SUM(subunitcount.returned)
FROM subunitcount
JOIN subunitreport ON subunitreport.id = subunitcount.report_id
WHERE subunitreport.round_name = :round
GROUP BY subunitcount.unit_code, subunitreport.subunit"""


@dataclass(frozen=True)
class ReportedTotal:
    """What one sub-unit reported for one unit in a round, over its procedures."""

    code: str
    name: str
    subunit: str
    dossiers: int
    sent: int
    returned: int


def reported_totals_from_rows(rows: Iterable[Sequence[Any]]) -> list[ReportedTotal]:
    """``SUBUNIT_TOTALS``'s rows, by unit code and sub-unit."""
    totals = [
        ReportedTotal(str(code), str(name), str(subunit), int(dossiers), int(sent), int(returned))
        for code, name, subunit, dossiers, sent, returned in rows
    ]
    return sorted(totals, key=lambda total: (total.code, total.subunit))
