"""A round's figures per unit, read from its counters by one plain SQL statement.

``Counts`` are the figures a counter holds (survey/counts.py keeps them; reports/rates.py
says what each means). ``UNIT_TOTALS`` sums them over procedures and channels for every
unit of a round. It is SQL text, not a SQLAlchemy expression, so that both ways into the
database run the very same query: a session's (``survey.counts.unit_totals``) and the
DB-API driver's alone (``readonly``), which ``khaosat report rates`` takes because importing
SQLAlchemy and the tables would cost it more than everything else it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Counts:
    dossiers: int = 0
    surveys: int = 0
    sent: int = 0
    returned: int = 0
    failed: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, name) + getattr(other, name) for name in FIGURES))

    def __neg__(self) -> Counts:
        return Counts(*(-getattr(self, name) for name in FIGURES))

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in FIGURES)


FIGURES = tuple(field.name for field in fields(Counts))

_SUMS = ", ".join(f"COALESCE(SUM(roundcount.{name}), 0)" for name in FIGURES)

# One parameter, ``:round`` (the round's name). A round without a Round row has no counters.
UNIT_TOTALS = f"""\
SELECT unit.id, unit.code, unit.name, {_SUMS}
FROM roundcount
JOIN round ON round.id = roundcount.round_id
JOIN unit ON unit.id = roundcount.unit_id
WHERE round.name = :round
GROUP BY unit.id, unit.code, unit.name"""


@dataclass(frozen=True)
class UnitTotal:
    """One unit's figures in a round, over every procedure and channel."""

    unit_id: int
    code: str
    name: str
    counts: Counts


def unit_totals_from_rows(rows: Iterable[Sequence[Any]]) -> list[UnitTotal]:
    """``UNIT_TOTALS``'s rows as totals, by unit code; units with neither dossiers nor surveys left out."""
    totals = [
        UnitTotal(unit_id, code, name, Counts(*(int(value) for value in figures)))
        for unit_id, code, name, *figures in rows
    ]
    return sorted((total for total in totals if total.counts.dossiers or total.counts.surveys), key=lambda t: t.code)
