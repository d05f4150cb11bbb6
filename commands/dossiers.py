"""`khaosat dossiers`: importing the one-stop system's exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..language import N_, tr, tr_each
from .common import ConfigOption, JsonOption, console, handled, open_database, print_json

app = typer.Typer(help="Hồ sơ TTHC: nhập từ tệp xuất của hệ thống một cửa.", no_args_is_help=True)


@app.command("import")
@handled
def dossiers_import(
    files: Annotated[
        list[Path], typer.Argument(help="Tệp xuất .xlsx / .csv.", exists=True, dir_okay=False, metavar="TỆP")
    ],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Nhập tệp xuất hồ sơ (xlsx/csv): hồ sơ mới, cập nhật, không đổi; dòng lỗi bị từ chối kèm lý do."""
    from sqlmodel import Session

    from ..dossiers import import_files
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        report = import_files(files, session=session, settings=settings)
    if as_json:
        print_json(report.as_dict())
    else:
        print_import_report(report)


@app.command("inbox")
@handled
def dossiers_inbox(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Nhập một lượt mọi tệp đang chờ trong thư mục nhận hồ sơ ([dossiers] inbox_dir)."""
    from sqlmodel import Session

    from ..dossiers import process_inbox
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        results = process_inbox(session=session, settings=settings)
    if as_json:
        print_json(
            [
                {
                    "file": r.file,
                    "status": r.status,
                    "moved_to": str(r.moved_to),
                    "reason": r.reason,
                    "report": r.report.as_dict() if r.report else None,
                }
                for r in results
            ]
        )
        return
    if not results:
        console.print(tr("Không có tệp nào chờ nhập trong {folder}.", folder=settings.dossiers.inbox_dir), markup=False)
    for result in results:
        if result.report is None:
            console.print(
                tr(
                    "[red]✗[/] {file}: không nhập được — {reason}",
                    file=escape(result.file),
                    reason=escape(result.reason),
                ),
                highlight=False,
            )
        else:
            console.print(f"[green]✓[/] {escape(result.file)}:", highlight=False)
            print_import_report(result.report)


SHOWN_NOTES = 50


def print_import_report(report: Any) -> None:
    from rich.table import Table

    console.print(
        tr(
            "Hồ sơ mới: [bold green]{new}[/]; cập nhật: [bold]{updated}[/]; không đổi: {unchanged}; "
            "dòng bị từ chối: [bold red]{rejected}[/]; cảnh báo: {warnings}.",
            new=report.new,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
            warnings=len(report.warnings),
        )
    )
    for title, notes in ((N_("Dòng bị từ chối"), report.rejected), (N_("Cảnh báo"), report.warnings)):
        if notes:
            table = Table(title=tr(title), title_justify="left")
            for column in tr_each("Tệp", "Dòng", "Lý do"):
                table.add_column(column)
            for note in notes[:SHOWN_NOTES]:
                table.add_row(escape(note.file), str(note.row), escape(note.reason))
            console.print(table)
            if len(notes) > SHOWN_NOTES:
                console.print(tr("… và {count} dòng nữa (xem đủ với --json).", count=len(notes) - SHOWN_NOTES))
