"""``khaosat audit``: the counters the reports read, against the same figures recounted from the rows.

Per round, every counter (each unit, procedure and channel apart) must equal its recount
(``survey.counts.recount``), and each unit's figures must keep dossiers ≥ sent ≥ returned.
The comparison is pure. The counters and the rows are read in one snapshot, so a daemon
working meanwhile never shows as a difference: its change and its counter commit together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from rich import box
from rich.table import Table
from sqlmodel import Session, col, select

from ..models import Procedure, Round, Unit
from ..settings import Settings
from ..survey.counts import FIGURES, CountKey, Counts, recount, stored
from .rates import resolve_round

LABELS = {"dossiers": "Hồ sơ", "surveys": "Phiếu", "sent": "Đã gửi", "returned": "Trả lời", "failed": "Thất bại"}
ORDER = (("sent", "dossiers"), ("returned", "sent"))  # (figure, the figure it may not exceed)


@dataclass(frozen=True)
class Problem:
    """Something that does not reconcile in a unit's figures."""

    unit: str  # the unit's code
    check: str  # "counter": a counter differs from its recount; "order": dossiers ≥ sent ≥ returned broken
    figure: str  # a name of FIGURES
    found: int  # the counter ("counter"), or the unit's recounted figure ("order")
    expected: int  # the recount ("counter"), or the figure it may not exceed ("order")
    procedure: str = ""  # the procedure's code ("counter")
    channel: str = ""  # the survey channel, "" for the dossiers' own counter ("counter")

    @property
    def message(self) -> str:
        label = LABELS[self.figure]
        if self.check == "order":
            above = LABELS[dict(ORDER)[self.figure]]
            return f"{self.unit}: {label} ({self.found}) nhiều hơn {above} ({self.expected})"
        where = f"thủ tục {self.procedure}, {f'kênh {self.channel}' if self.channel else 'hồ sơ'}"
        return f"{self.unit}: {label} — bộ đếm {self.found}, đếm lại từ dữ liệu {self.expected} ({where})"


@dataclass(frozen=True)
class UnitAudit:
    unit: str
    name: str
    counters: Counts  # summed over procedures and channels
    recount: Counts


@dataclass(frozen=True)
class RoundAudit:
    round: str
    units: list[UnitAudit]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AuditReport:
    rounds: list[RoundAudit]

    @property
    def ok(self) -> bool:
        return all(audit.ok for audit in self.rounds)


# --- pure -----------------------------------------------------------------------------------


def differences(
    counters: Mapping[CountKey, Counts], recounted: Mapping[CountKey, Counts]
) -> list[tuple[CountKey, str, int, int]]:
    """(key, figure, counter, recount) for every figure of every key that differs."""
    found = []
    for key in sorted(counters.keys() | recounted.keys()):
        kept, truth = counters.get(key, Counts()), recounted.get(key, Counts())
        found += [(key, name, getattr(kept, name), getattr(truth, name)) for name in FIGURES]
    return [difference for difference in found if difference[2] != difference[3]]


def per_unit(counts: Mapping[CountKey, Counts]) -> dict[int, Counts]:
    totals: dict[int, Counts] = {}
    for key, figures in counts.items():
        totals[key.unit_id] = totals.get(key.unit_id, Counts()) + figures
    return totals


def order_breaks(figures: Counts) -> list[tuple[str, int, int]]:
    """(figure, value, the value it exceeds) where dossiers ≥ sent ≥ returned does not hold."""
    values = asdict(figures)
    return [(name, values[name], values[above]) for name, above in ORDER if values[name] > values[above]]


def round_audit(
    name: str,
    counters: Mapping[CountKey, Counts],
    recounted: Mapping[CountKey, Counts],
    units: Mapping[int, tuple[str, str]],
    procedures: Mapping[int, str],
) -> RoundAudit:
    """The round's units (by code) and its problems, from both sets of figures and the names of the ids."""
    kept, truth = per_unit(counters), per_unit(recounted)
    problems = [
        Problem(units[key.unit_id][0], "counter", figure, counter, counted, procedures[key.procedure_id], key.channel)
        for key, figure, counter, counted in differences(counters, recounted)
    ]
    for unit_id, figures in truth.items():
        problems += [Problem(units[unit_id][0], "order", *broken) for broken in order_breaks(figures)]
    audited = [
        UnitAudit(*units[unit_id], kept.get(unit_id, Counts()), truth.get(unit_id, Counts()))
        for unit_id in kept.keys() | truth.keys()
    ]
    return RoundAudit(
        name,
        sorted(audited, key=lambda unit: unit.unit),
        sorted(problems, key=lambda p: (p.unit, p.check, FIGURES.index(p.figure), p.procedure, p.channel)),
    )


# --- database -------------------------------------------------------------------------------


def _one_snapshot(session: Session) -> None:
    """Read everything that follows at one moment: REPEATABLE READ on PostgreSQL, one read
    transaction on SQLite (whose driver starts none for reads). Call first in the session."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection().exec_driver_sql("BEGIN")


def audit(session: Session, settings: Settings, round_name: str | None = None) -> AuditReport:
    """Every round of the database (or the one named) audited, by start."""
    _one_snapshot(session)
    query = select(Round.id, Round.name).order_by(col(Round.starts_on))
    if round_name is not None:
        query = query.where(col(Round.name) == resolve_round(settings, round_name, None).name)
    rounds = [(round_id, name) for round_id, name in session.exec(query).all() if round_id is not None]
    figures = {round_id: (stored(session, round_id), recount(session, round_id)) for round_id, _ in rounds}
    keys = [key for both in figures.values() for counts in both for key in counts]
    units = _names(session, Unit, {key.unit_id for key in keys})
    procedures = {
        key: code for key, (code, _) in _names(session, Procedure, {key.procedure_id for key in keys}).items()
    }
    return AuditReport([round_audit(name, *figures[round_id], units, procedures) for round_id, name in rounds])


def _names(session: Session, model: type[Unit] | type[Procedure], ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = session.exec(select(model.id, model.code, model.name).where(col(model.id).in_(ids))).all()
    return {row_id: (code, name) for row_id, code, name in rows if row_id is not None}


# --- shown ----------------------------------------------------------------------------------


def audit_json(report: AuditReport) -> dict[str, Any]:
    """The contract for scripts: ``ok``, and per round its units' figures and its problems."""
    return {
        "ok": report.ok,
        "rounds": [
            {
                "round": audited.round,
                "ok": audited.ok,
                "units": [
                    {"unit": u.unit, "name": u.name, "counters": asdict(u.counters), "recount": asdict(u.recount)}
                    for u in audited.units
                ],
                "problems": [{**asdict(problem), "message": problem.message} for problem in audited.problems],
            }
            for audited in report.rounds
        ],
    }


def _cell(counter: int, counted: int) -> str:
    return str(counter) if counter == counted else f"[red]{counter} ≠ {counted}[/]"


def audit_table(audited: RoundAudit) -> Table:
    """One round: each unit's counters, a red "counter ≠ recount" where they differ."""
    table = Table(title=f"Đối soát số liệu — đợt {audited.round}", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Đơn vị", min_width=16, overflow="fold")
    for name in FIGURES:
        table.add_column(LABELS[name], justify="right", no_wrap=True)
    table.add_column("Kết quả", justify="center")
    troubled = {problem.unit for problem in audited.problems}
    for unit in audited.units:
        cells = [_cell(getattr(unit.counters, name), getattr(unit.recount, name)) for name in FIGURES]
        verdict = "[red]✗[/]" if unit.unit in troubled else "[green]✓[/]"
        table.add_row(f"{unit.name} [dim]({unit.unit})[/]", *cells, verdict)
    return table


def audit_notes(report: AuditReport) -> list[str]:
    """The lines under the tables: every problem, then the verdict."""
    if not report.rounds:
        return ["Chưa có đợt khảo sát nào có số liệu."]
    problems = [problem.message for audited in report.rounds for problem in audited.problems]
    if not problems:
        return [f"Khớp: bộ đếm của {len(report.rounds)} đợt bằng số đếm lại từ dữ liệu; Hồ sơ ≥ Đã gửi ≥ Trả lời."]
    return [*problems, f"Không khớp: {len(problems)} vấn đề."]
