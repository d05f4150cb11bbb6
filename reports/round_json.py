"""The round report as JSON (`khaosat report round --format json`): for scripts, and for the Department a
sub-unit running khaosat sends its round to (``subunit_results.results_from_round_json`` reads it back).

The file says what it is (``format``, ``version``), whose it is (``organization``), which
round and which questionnaire; ``rates`` are the units' rows of ``report rates --format
json``; ``counts`` are the figures per unit and procedure with, for each choice question,
how many counted replies gave each answer — what a sub-unit's import needs. Satisfaction
indices are fractions of 1 (null without a valid answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from .rates_format import rate_row
from .round import RoundReport
from .round_cells import Cell
from .satisfaction import GroupScore, sum_tallies
from .subunit_results import ROUND_FORMAT, ROUND_FORMAT_VERSION


def _ratio(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def score_json(group: GroupScore) -> dict[str, Any]:
    return {
        "key": group.key,
        "name": group.name,
        "responses": group.responses,
        "index": _ratio(group.index),
        "factors": {code: _ratio(value) for code, value in group.factors.items()},
        "levels": {"very": group.levels.very, "satisfied": group.levels.satisfied, "not": group.levels.not_satisfied},
    }


def counts_json(cells: Iterable[Cell]) -> list[dict[str, Any]]:
    """Per unit and procedure (every channel, and the sub-units' own, together): figures and answer counts."""
    grouped: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        grouped.setdefault((cell.unit[0], cell.procedure[0]), []).append(cell)
    rows = []
    for (unit, procedure), members in sorted(grouped.items()):
        tally = sum_tallies(cell.tally for cell in members)
        reported = sorted({cell.subunit for cell in members if cell.subunit})
        row: dict[str, Any] = {
            "unit": unit,
            "unit_name": members[0].unit[1],
            "procedure": procedure,
            "procedure_name": members[0].procedure[1],
            "dossiers": sum(cell.dossiers for cell in members),
            "sent": sum(cell.sent for cell in members),
            "returned": sum(cell.returned for cell in members),
            "answers": {q: dict(sorted(values.items())) for q, values in sorted(tally.counts.items()) if values},
        }
        if reported:
            row["reported_by"] = "; ".join(reported)
        rows.append(row)
    return rows


def round_json(report: RoundReport) -> dict[str, Any]:
    period = report.period
    questionnaire_id, version = report.questionnaire
    return {
        "format": ROUND_FORMAT,
        "version": ROUND_FORMAT_VERSION,
        "organization": report.organization,
        "round": {"name": period.name, "starts_on": period.starts_on, "ends_on": period.ends_on},
        "generated_at": report.generated_at,
        "questionnaire": {"id": questionnaire_id, "version": version},
        "rates": [rate_row(rate) for rate in report.rates.units],
        "total": rate_row(report.rates.total),
        "satisfaction": {
            "overall": score_json(report.overall),
            "by_unit": _scores(report.by_unit),
            "by_procedure": _scores(report.by_procedure),
            "by_channel": _scores(report.by_channel),
        },
        "counts": counts_json(report.cells),
    }


def _scores(groups: Sequence[GroupScore]) -> list[dict[str, Any]]:
    return [score_json(group) for group in groups]
