"""`khaosat dossiers`: importing the one-stop system's exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

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
        console.print(f"Không có tệp nào chờ nhập trong {settings.dossiers.inbox_dir}.", markup=False)
    for result in results:
        if result.report is None:
            console.print(
                f"[red]✗[/] {escape(result.file)}: không nhập được — {escape(result.reason)}", highlight=False
            )
        else:
            console.print(f"[green]✓[/] {escape(result.file)}:", highlight=False)
            print_import_report(result.report)


SHOWN_NOTES = 50


def print_import_report(report: Any) -> None:
    from rich.table import Table

    console.print(
        f"Hồ sơ mới: [bold green]{report.new}[/]; cập nhật: [bold]{report.updated}[/]; "
        f"không đổi: {report.unchanged}; dòng bị từ chối: [bold red]{len(report.rejected)}[/]; "
        f"cảnh báo: {len(report.warnings)}."
    )
    for title, notes in (("Dòng bị từ chối", report.rejected), ("Cảnh báo", report.warnings)):
        if notes:
            table = Table(title=title, title_justify="left")
            for column in ("Tệp", "Dòng", "Lý do"):
                table.add_column(column)
            for note in notes[:SHOWN_NOTES]:
                table.add_row(escape(note.file), str(note.row), escape(note.reason))
            console.print(table)
            if len(notes) > SHOWN_NOTES:
                console.print(f"… và {len(notes) - SHOWN_NOTES} dòng nữa (xem đủ với --json).")
