"""Sub-units' results in the database: one report per sub-unit and round, stored with its file's SHA-256.

``store_results`` puts a checked file's results (reports/subunit_results.py) in the caller's
transaction, in place of an earlier import of the same sub-unit and round; the caller writes
the audit log and commits (commands/subunit.py), so the replacement and its record commit
together. The figures live in ``subunitcount``, never in the counters: ``khaosat audit``
recounts the counters from survey rows, and a sub-unit's figures have none behind them,
only its file. The reports read them back here (rates through ``subunit_totals``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..models import Procedure, Round, RoundCount, SubunitCount, SubunitReport, Unit
from ..text import fold_words
from .satisfaction import Tally
from .subunit_results import SubunitResults, subunit_key

Pair = tuple[str, str, str, str]  # unit code, unit name, procedure code, procedure name


@dataclass(frozen=True)
class Stored:
    report_id: int
    replaced: str | None  # the SHA-256 of the file it replaced, None when it is the first
    overlaps: list[str]  # "unit / procedure" for which the Department counted dossiers of its own this round


@dataclass(frozen=True)
class ReportedCell:
    """One unit and procedure of a sub-unit's report, as the round report adds it up."""

    subunit: str
    unit: tuple[str, str]  # (code, name)
    procedure: tuple[str, str]
    dossiers: int
    sent: int
    returned: int
    tally: Tally  # the returned forms' answers


@dataclass(frozen=True)
class ImportRecord:
    """A stored import: which file, when, by whom, and its totals."""

    subunit: str
    source: str
    file_name: str
    sha256: str
    imported_at: datetime
    imported_by: str
    rows: int
    sent: int
    returned: int


# --- writes ---------------------------------------------------------------------------------


def store_results(
    session: Session, results: SubunitResults, *, file_name: str, sha256: str, actor: str, now: datetime
) -> Stored:
    """Store ``results`` in place of the same sub-unit's earlier report of the round; flushes, never commits."""
    earlier = session.exec(
        select(SubunitReport)
        .where(col(SubunitReport.subunit_key) == results.key, col(SubunitReport.round_name) == results.round_name)
        .with_for_update()
    ).first()
    replaced = earlier.sha256 if earlier else None
    if earlier is not None:
        session.execute(sa.delete(SubunitCount).where(col(SubunitCount.report_id) == earlier.id))
        session.delete(earlier)
        session.flush()
    report = SubunitReport(
        subunit=results.subunit,
        subunit_key=results.key,
        round_name=results.round_name,
        source=results.source,
        file_name=file_name[:255],
        sha256=sha256,
        form_version=results.form_version[:32],
        imported_at=now,
        imported_by=actor[:128],
    )
    session.add(report)
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:
        raise KhaosatError(
            f"đơn vị “{results.subunit}”, đợt {results.round_name}: một lần nhập khác đang chạy cùng lúc; hãy nhập lại"
        ) from exc
    assert report.id is not None
    session.add_all(
        SubunitCount(
            report_id=report.id,
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            procedure_code=row.procedure_code,
            procedure_name=row.procedure_name,
            dossiers=row.dossiers,
            sent=row.sent,
            returned=row.returned,
            answers=json.dumps(row.answers, ensure_ascii=False, sort_keys=True),
        )
        for row in results.rows
    )
    session.flush()
    return Stored(report.id, replaced, counted_here(session, results))


def counted_here(session: Session, results: SubunitResults) -> list[str]:
    """The sub-unit's units and procedures for which the Department's own counters hold dossiers this round:
    the same dossiers may be counted twice, a person should look."""
    query = (
        sa.select(col(Unit.code), col(Procedure.code))
        .select_from(RoundCount)
        .join(Round, col(Round.id) == col(RoundCount.round_id))
        .join(Unit, col(Unit.id) == col(RoundCount.unit_id))
        .join(Procedure, col(Procedure.id) == col(RoundCount.procedure_id))
        .where(col(Round.name) == results.round_name, col(RoundCount.dossiers) > 0)
    )
    ours = {(unit.casefold(), procedure.casefold()) for unit, procedure in session.execute(query)}
    return [
        f"{row.unit_code} / {row.procedure_code}"
        for row in results.rows
        if (row.unit_code.casefold(), row.procedure_code.casefold()) in ours
    ]


# --- reads ----------------------------------------------------------------------------------


def _answers(text: str) -> dict[str, dict[str, int]]:
    data = json.loads(text or "{}")
    return {str(q): {str(v): int(n) for v, n in values.items()} for q, values in data.items()}


def reported_cells(session: Session, round_name: str) -> list[ReportedCell]:
    """Every unit and procedure the sub-units reported for the round."""
    query = (
        select(SubunitReport.subunit, SubunitCount)
        .join(SubunitReport, col(SubunitReport.id) == col(SubunitCount.report_id))
        .where(col(SubunitReport.round_name) == round_name)
        .order_by(col(SubunitReport.subunit), col(SubunitCount.unit_code), col(SubunitCount.procedure_code))
    )
    return [
        ReportedCell(
            subunit,
            (row.unit_code, row.unit_name),
            (row.procedure_code, row.procedure_name),
            row.dossiers,
            row.sent,
            row.returned,
            Tally(row.returned, _answers(row.answers)),
        )
        for subunit, row in session.exec(query).all()
    ]


def imports_of(session: Session, round_name: str) -> list[ImportRecord]:
    """The round's imports, by sub-unit."""
    query = (
        sa.select(
            SubunitReport,
            sa.func.count(col(SubunitCount.id)),
            sa.func.coalesce(sa.func.sum(col(SubunitCount.sent)), 0),
            sa.func.coalesce(sa.func.sum(col(SubunitCount.returned)), 0),
        )
        .outerjoin(SubunitCount, col(SubunitCount.report_id) == col(SubunitReport.id))
        .where(col(SubunitReport.round_name) == round_name)
        .group_by(col(SubunitReport.id))
        .order_by(col(SubunitReport.subunit))
    )
    return [
        ImportRecord(
            report.subunit,
            report.source,
            report.file_name,
            report.sha256,
            report.imported_at,
            report.imported_by,
            int(rows),
            int(sent),
            int(returned),
        )
        for report, rows, sent, returned in session.execute(query).all()
    ]


def template_pairs(session: Session, subunit: str) -> list[Pair]:
    """The units and procedures to list in a sub-unit's template: those of its latest import, and those
    the Department's own dossiers give the unit of that code or name."""
    key = subunit_key(subunit)
    latest = session.exec(
        select(SubunitReport.id)
        .where(col(SubunitReport.subunit_key) == key)
        .order_by(col(SubunitReport.imported_at).desc())
        .limit(1)
    ).first()
    pairs: dict[tuple[str, str], Pair] = {}
    if latest is not None:
        for row in session.exec(select(SubunitCount).where(col(SubunitCount.report_id) == latest)).all():
            pairs[row.unit_code.casefold(), row.procedure_code.casefold()] = (
                row.unit_code,
                row.unit_name,
                row.procedure_code,
                row.procedure_name,
            )
    for pair in _known_pairs(session, subunit):
        pairs.setdefault((pair[0].casefold(), pair[2].casefold()), pair)
    return sorted(pairs.values())


def _known_pairs(session: Session, subunit: str) -> Sequence[Pair]:
    units = [
        unit
        for unit in session.exec(select(Unit)).all()
        if unit.code.casefold() == subunit.strip().casefold() or fold_words(unit.name) == fold_words(subunit)
    ]
    if not units:
        return []
    query = (  # the counters: a few rows per unit and procedure, where the dossiers would be millions
        sa.select(col(Unit.code), col(Unit.name), col(Procedure.code), col(Procedure.name))
        .select_from(RoundCount)
        .join(Unit, col(Unit.id) == col(RoundCount.unit_id))
        .join(Procedure, col(Procedure.id) == col(RoundCount.procedure_id))
        .where(col(Unit.id).in_([unit.id for unit in units]), col(RoundCount.dossiers) > 0)
        .distinct()
    )
    pairs: list[Pair] = [(row[0], row[1], row[2], row[3]) for row in session.execute(query).all()]
    return pairs or [(unit.code, unit.name, "", "") for unit in units]
