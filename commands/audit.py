"""`khaosat audit`: recount the figures from the rows and compare them with the counters."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from .common import ConfigOption, console, handled, open_database, print_json


class AuditFormat(enum.StrEnum):
    table = "table"
    json = "json"


@handled
def audit(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: mọi đợt có số liệu).")
    ] = None,
    output_format: Annotated[AuditFormat, typer.Option("--format", help="table or json.")] = AuditFormat.table,
) -> None:
    """Đối soát: đếm lại từ dữ liệu và so với bộ đếm của từng đơn vị; mã thoát 1 khi có chênh lệch."""
    from sqlmodel import Session

    from ..reports.audit import audit as audit_rounds
    from ..reports.audit import audit_json, audit_notes, audit_table
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        report = audit_rounds(session, settings, round_name)
    if output_format is AuditFormat.json:
        print_json(audit_json(report))
    else:
        for audited in report.rounds:
            console.print(audit_table(audited))
        for note in audit_notes(report):
            console.print(note, highlight=False)
    if not report.ok:
        raise typer.Exit(1)
