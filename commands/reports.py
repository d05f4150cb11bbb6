"""`khaosat report`: return rates, the ISO board status email, the round report."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..language import tr
from .common import ConfigOption, console, handled, open_database, print_json

if TYPE_CHECKING:
    from ..reports.subunit_totals import ReportedTotal
    from ..settings import Settings
    from ..survey.totals import UnitTotal

app = typer.Typer(help="Báo cáo tỷ lệ thu hồi phiếu và mức độ hài lòng.", no_args_is_help=True)
SendOption = Annotated[bool, typer.Option("--send", help="Gửi thư cho Ban ISO ([report] board_emails) ngay.")]


class RatesFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command("rates")
@handled
def report_rates(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt đang diễn ra).")
    ] = None,
    output_format: Annotated[
        RatesFormat, typer.Option("--format", help="table (bảng), json hoặc csv.")
    ] = RatesFormat.table,
) -> None:
    """Tỷ lệ thu hồi phiếu của từng đơn vị trong một đợt: hồ sơ, đã gửi, đã trả lời, tỷ lệ, chỉ tiêu, còn thiếu."""
    from ..reports.rates import rates_report, resolve_round
    from ..reports.rates_format import rates_csv, rates_json, rates_notes, rates_table
    from ..settings import load_settings

    settings = load_settings(config)
    period = resolve_round(settings, round_name, today=None)
    totals, reported = _round_totals(settings, period.name)
    report = rates_report(period, totals, settings, reported)
    if output_format is RatesFormat.json:
        print_json(rates_json(report))
    elif output_format is RatesFormat.csv:
        sys.stdout.write(rates_csv(report))
    else:
        console.print(rates_table(report))
        for note in rates_notes(report):
            console.print(note, highlight=False)


def _round_totals(settings: Settings, round_name: str) -> tuple[list[UnitTotal], list[ReportedTotal]]:
    """The round's totals per unit, and what sub-units reported, through the DB-API driver alone when it can,
    else through SQLAlchemy."""
    from .. import readonly
    from ..reports.subunit_totals import SUBUNIT_TOTALS, reported_totals_from_rows
    from ..survey.totals import UNIT_TOTALS, unit_totals_from_rows

    with readonly.connect(settings.database_url) as connection:
        if connection is not None:
            parameters = {"round": round_name}
            return (
                unit_totals_from_rows(readonly.fetch(connection, UNIT_TOTALS, parameters)),
                reported_totals_from_rows(readonly.fetch(connection, SUBUNIT_TOTALS, parameters)),
            )
    import sqlalchemy as sa
    from sqlmodel import Session

    from ..survey.counts import unit_totals

    with open_database(settings) as engine, Session(engine) as session:
        reported = session.execute(sa.text(SUBUNIT_TOTALS), {"round": round_name})
        return unit_totals(session, round_name), reported_totals_from_rows(reported)


@app.command("status")
@handled
def report_status(
    config: ConfigOption = None,
    send: SendOption = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi báo cáo PDF vào tệp này.")] = None,
) -> None:
    """Báo cáo tình hình cho Ban ISO: in ra màn hình, ghi PDF (-o), hoặc gửi thư ngay (--send)."""
    from ..settings import load_settings

    settings = load_settings(config)
    if send:
        from ..mailer.status import send_status  # the mail libraries only when mailing

        with open_database(settings) as engine:
            result = send_status(engine, settings)
        if output:
            output.write_bytes(result.pdf_path.read_bytes())
        recipients = ", ".join(result.recipients)
        sent = tr("Đã gửi “{subject}” tới {recipients}; bản PDF: {path}", subject=result.subject, recipients=recipients,
                  path=result.pdf_path)  # fmt: skip
        console.print(sent, markup=False, highlight=False)
        return
    from sqlmodel import Session

    from ..models import utcnow
    from ..reports.status import build_status
    from ..reports.status_view import console_tables, status_view

    with open_database(settings) as engine, Session(engine) as session:
        view = status_view(build_status(session, settings, utcnow()), settings.organization.zone)
    for table in console_tables(view, console.width):
        console.print(table)
    if not view.rounds:
        console.print(tr("Hiện chưa có đợt khảo sát nào có hồ sơ."))
    console.print(
        tr(
            "Phiếu chờ xem xét: {review}; thư gửi chưa rõ kết quả: {uncertain}; đã gửi lại: {resent}",
            review=view.review_open,
            uncertain=view.uncertain,
            resent=view.resent,
        )
    )
    if output:
        from ..reports.pdf import status_pdf  # reportlab only when a PDF is asked for

        output.write_bytes(status_pdf(view))
        console.print(tr("Đã ghi {path}", path=output), markup=False, highlight=False)


class RoundFormat(enum.StrEnum):
    pdf = "pdf"
    json = "json"


def _round_json(settings: Settings, round_name: str | None) -> dict[str, object]:
    """The round as `khaosat subunit import` reads it (reports/round_json.py)."""
    from sqlmodel import Session

    from ..models import utcnow
    from ..reports.round import build_round_report
    from ..reports.round_json import round_json

    with open_database(settings) as engine, Session(engine) as session:
        return round_json(build_round_report(session, settings, round_name, utcnow()))


@app.command("round")
@handled
def report_round(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt bắt đầu gần nhất).")
    ] = None,
    send: SendOption = False,
    output_format: Annotated[
        RoundFormat,
        typer.Option("--format", help="pdf (PDF và XLSX trong [storage] dir) hoặc json (in ra, để gửi về cấp trên)."),
    ] = RoundFormat.pdf,
) -> None:
    """Báo cáo đợt (tỷ lệ thu hồi, mức độ hài lòng) dạng PDF và XLSX trong [storage] dir; --send gửi thư."""
    from ..settings import load_settings

    settings = load_settings(config)
    if output_format is RoundFormat.json:
        if send:
            raise typer.BadParameter(tr("--format json chỉ in ra, không gửi thư"), param_hint="--send")
        print_json(_round_json(settings, round_name))
        return
    from ..mailer.round_report import send_round_report, write_round_report

    with open_database(settings) as engine:
        result = (send_round_report if send else write_round_report)(engine, settings, round_name)
    console.print(f"{result.subject}: {result.pdf_path}, {result.xlsx_path}", markup=False, highlight=False)
    if result.recipients:
        console.print(
            tr("Đã gửi tới {recipients}", recipients=", ".join(result.recipients)), markup=False, highlight=False
        )
