"""The audit as a person reads it (a table per round that fits 80 columns, then its problems) and as JSON.

The JSON lists every problem; under a table each check shows at most ``SHOWN_PER_CHECK``
of a round's problems and says how many more the JSON has.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..language import N_, day_text, tr
from .audit import CHECKS, AuditReport, RoundAudit, UnitAudit
from .reconcile import Problem

SHOWN_PER_CHECK = 20
COLUMNS = (  # (header, ledger figure, the counter it is also kept in)
    (N_("Hồ sơ"), "dossiers", "dossiers"),
    (N_("Đã gửi"), "sent", "sent"),
    (N_("Chờ gửi"), "pending", ""),
    (N_("Thất bại"), "failed", "failed"),
    (N_("Trả lời"), "returned", "returned"),
    (N_("Chưa trả lời"), "outstanding", ""),
)
EQUATIONS = N_("Phải có: Hồ sơ = Đã gửi + Chờ gửi + Thất bại; Đã gửi = Trả lời + Chưa trả lời.")
COUNTER_NOTE = N_("Đỏ “a ≠ b”: bộ đếm a, đếm lại từ dữ liệu b.")


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"unit": problem.unit, "check": problem.check, "message": problem.message, **problem.facts}


def audit_json(report: AuditReport) -> dict[str, Any]:
    """The contract for scripts: ``ok``, each round's units and problems, then the problems of no round."""
    return {
        "ok": report.ok,
        "raw_files_rehashed": report.rehashed,
        "rounds": [
            {
                "round": audited.round,
                "ok": audited.ok,
                "replies_checked": audited.replies_checked,
                "raw_files_erased": audited.erased,
                "erased_on": audited.erased_on.isoformat() if audited.erased_on else None,
                "units": [_unit_json(unit, audited) for unit in audited.units],
                "problems": [problem_json(problem) for problem in audited.problems],
            }
            for audited in report.rounds
        ],
        "problems": [problem_json(problem) for problem in report.problems],
    }


def _unit_json(unit: UnitAudit, audited: RoundAudit) -> dict[str, Any]:
    return {
        "unit": unit.unit,
        "name": unit.name,
        "ok": unit.unit not in _troubled(audited),
        "ledger": asdict(unit.ledger),
        "counters": asdict(unit.counters),
        "recount": asdict(unit.recount),
    }


def _troubled(audited: RoundAudit) -> set[str]:
    return {problem.unit for problem in audited.problems}


def _cell(unit: UnitAudit, figure: str, counter: str) -> str:
    value = getattr(unit.ledger, figure)
    kept = getattr(unit.counters, counter) if counter else value
    return str(value) if kept == value else f"[red]{kept} ≠ {value}[/]"


def _plain(cell: str) -> str:
    return Text.from_markup(cell).plain


NAME_MIN = 16  # a narrower name column is no use: the names go under the table instead


def audit_table(audited: RoundAudit, width: int = 80) -> Table:
    """One round for a terminal ``width`` columns wide: each unit's ledger, a red "counter ≠ rows"
    where a counter differs, ✗ on a unit with a problem. The figures are never cut; the unit's
    name is shortened to make room, and left out (``unit_names`` lists it) where too little is left."""
    differs = any(problem.check == "counter" for problem in audited.problems)
    table = Table(
        title=tr("Đối soát số liệu — đợt {round}", round=audited.round),
        title_justify="left",
        caption=tr(EQUATIONS) + (" " + tr(COUNTER_NOTE) if differs else ""),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    rows = _rows(audited)
    name_width = _name_width(audited, rows, width)
    table.add_column(tr("Mã"), no_wrap=True, min_width=_code_width(audited))
    if name_width:
        table.add_column(tr("Đơn vị"), no_wrap=True, overflow="ellipsis", width=name_width)
    for (header, _, _), figure_width in zip(COLUMNS, _figure_widths(rows), strict=True):
        table.add_column(tr(header), justify="right", no_wrap=True, min_width=figure_width)
    table.add_column("", justify="center", no_wrap=True, min_width=1)
    for unit, row in zip(audited.units, rows, strict=True):
        table.add_row(*([row[0], escape(unit.name), *row[1:]] if name_width else row))
    return table


def unit_names(audited: RoundAudit, width: int = 80) -> list[str]:
    """The units' names under a table too narrow to hold them, one "code: name" line each."""
    if _name_width(audited, _rows(audited), width):
        return []
    return [f"  {escape(unit.unit)}: {escape(unit.name)}" for unit in audited.units]


def _rows(audited: RoundAudit) -> list[list[str]]:
    """Each unit's code, figures and mark, as rich markup (the name goes in where it fits)."""
    troubled = _troubled(audited)
    return [
        [
            escape(unit.unit),
            *(_cell(unit, figure, counter) for _, figure, counter in COLUMNS),
            "[red]✗[/]" if unit.unit in troubled else "[green]✓[/]",
        ]
        for unit in audited.units
    ]


def _code_width(audited: RoundAudit) -> int:
    return max([2, *(len(unit.unit) for unit in audited.units)])


def _figure_widths(rows: list[list[str]]) -> list[int]:
    return [
        max([len(tr(header)), *(len(_plain(row[index + 1])) for row in rows)])
        for index, (header, _, _) in enumerate(COLUMNS)
    ]


def _name_width(audited: RoundAudit, rows: list[list[str]], width: int) -> int:
    """The name column's width, or 0 when fewer than NAME_MIN columns are left for it."""
    names = max([6, *(len(unit.name) for unit in audited.units)])
    left = width - _code_width(audited) - sum(_figure_widths(rows)) - 1 - 2 * (len(COLUMNS) + 3)  # gaps, edges
    return min(names, left) if left >= NAME_MIN or names <= left else 0


def problem_lines(problems: list[Problem], shown: int = SHOWN_PER_CHECK) -> list[str]:
    """Each problem's sentence, at most ``shown`` per check, then how many more of that check."""
    lines, seen = [], Counter[str]()
    for problem in problems:
        seen[problem.check] += 1
        if seen[problem.check] <= shown:
            lines.append(f"[red]✗[/] {escape(problem.message)}")
    for check, count in seen.items():
        if count > shown:
            more = tr("… và {count} vấn đề khác về {check} (đủ cả trong --format json)", count=count - shown,
                      check=tr(CHECKS[check]))  # fmt: skip
            lines.append(f"  {more}")
    return lines


def closing_lines(report: AuditReport) -> list[str]:
    """The problems of no round, then the verdict."""
    if not report.rounds and not report.problems:
        return [tr("Chưa có đợt khảo sát nào có số liệu.")]
    lines = problem_lines(report.problems)
    problems = len(report.problems) + sum(len(audited.problems) for audited in report.rounds)
    if problems:
        return [*lines, tr("[red]Không khớp:[/] {problems} vấn đề.", problems=problems)]
    replies = sum(audited.replies_checked for audited in report.rounds)
    files = tr("có tệp gốc nguyên vẹn (đã đọc lại, đúng mã SHA-256)") if report.rehashed else tr("có tệp gốc")
    if erased := sum(audited.erased for audited in report.rounds):
        files += tr(" (trừ {erased} tệp đã xoá khi hết hạn lưu dữ liệu cá nhân)", erased=erased)
    return [
        tr(
            "[green]Khớp:[/] {rounds} đợt; mỗi đơn vị Hồ sơ = Đã gửi + Chờ gửi + Thất bại và "
            "Đã gửi = Trả lời + Chưa trả lời; bộ đếm bằng số đếm lại từ dữ liệu; {replies} phiếu trả lời "
            "được tính đều {files} trong kho lưu.",
            rounds=len(report.rounds),
            replies=replies,
            files=files,
        )
    ]


def erased_line(replies: int, erased_on: date) -> str:
    """Replies whose raw file the purge of personal data erased: told, not faults."""
    told = tr(
        "{replies} phiếu trả lời có tệp gốc đã bị xoá theo lần xoá dữ liệu cá nhân ngày {day} (mã SHA-256 vẫn lưu).",
        replies=replies,
        day=day_text(erased_on),
    )
    return f"  {told}"


def render_audit(report: AuditReport, console: Console) -> None:
    """Each round's table and problems, then the problems of no round and the verdict."""
    for audited in report.rounds:
        console.print(audit_table(audited, console.width))
        for line in unit_names(audited, console.width):
            console.print(line, highlight=False)
        for line in problem_lines(audited.problems):
            console.print(line, highlight=False)
        if audited.erased and audited.erased_on:
            console.print(erased_line(audited.erased, audited.erased_on), highlight=False)
    for line in closing_lines(report):
        console.print(line, highlight=False)
