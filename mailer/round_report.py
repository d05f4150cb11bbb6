"""The round report (issue 4, item 5): rates and satisfaction of a whole round, as PDF and XLSX.

The files are kept under ``[storage] dir``/reports/<round>/ and emailed to the ISO board.
``send_due_round_report`` is the scheduler's entry: it sends the report of a round whose
deadline is today (or passed within ``CATCH_UP_DAYS`` while the daemon was down) once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..models import utcnow
from ..reports.round import RoundReport, build_round_report
from ..reports.round_pdf import round_pdf
from ..reports.round_view import LEVEL_HEADERS, RoundReportView, round_report_view
from ..reports.round_xlsx import round_xlsx
from ..reports.status_view import HEADERS
from ..settings import Settings
from ..survey.rounds import Period, periods_of_year
from .compose import render_template
from .report_mail import Attachment, ReportMessage, board_recipients, keep_copy, send_report
from .transport import Transport

log = logging.getLogger(__name__)

CATCH_UP_DAYS = 7
SENT_MARKER = "sent.json"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RoundReportResult:
    round_name: str
    subject: str
    pdf_path: Path
    xlsx_path: Path
    recipients: list[str] = field(default_factory=list)  # empty: written, not sent
    message_id: str = ""


@dataclass(frozen=True)
class RoundDocument:
    report: RoundReport
    view: RoundReportView
    pdf: bytes
    xlsx: bytes

    def attachments(self) -> list[Attachment]:
        return [
            Attachment(f"{self.view.file_stem}.pdf", "application/pdf", self.pdf),
            Attachment(f"{self.view.file_stem}.xlsx", XLSX_TYPE, self.xlsx),
        ]

    def message(self) -> ReportMessage:
        values = {"view": self.view, "headers": HEADERS, "levels": LEVEL_HEADERS}
        return ReportMessage(
            subject=self.view.subject,
            text=render_template("round.txt.j2", **values),
            html=render_template("round.html.j2", **values),
            attachments=self.attachments(),
        )


def round_folder(settings: Settings, round_name: str) -> Path:
    return settings.storage.dir / "reports" / round_name


def round_document(engine: Engine, settings: Settings, round_name: str | None, now: datetime) -> RoundDocument:
    with Session(engine) as session:
        report = build_round_report(session, settings, round_name, now)
    view = round_report_view(report, settings.organization.zone)
    return RoundDocument(report, view, round_pdf(view), round_xlsx(report))


def _keep(settings: Settings, document: RoundDocument) -> tuple[Path, Path]:
    folder = round_folder(settings, document.view.name)
    pdf, xlsx = document.attachments()
    return keep_copy(folder, pdf.filename, pdf.data), keep_copy(folder, xlsx.filename, xlsx.data)


def write_round_report(
    engine: Engine, settings: Settings, round_name: str | None = None, *, now: datetime | None = None
) -> RoundReportResult:
    """Write the round report's PDF and XLSX under the storage folder, without sending."""
    document = round_document(engine, settings, round_name, now or utcnow())
    pdf_path, xlsx_path = _keep(settings, document)
    return RoundReportResult(document.view.name, document.view.subject, pdf_path, xlsx_path)


def send_round_report(
    engine: Engine,
    settings: Settings,
    round_name: str | None = None,
    *,
    transport: Transport | None = None,
    now: datetime | None = None,
) -> RoundReportResult:
    """Build the round report, email it to the board with its PDF and XLSX, and keep both files."""
    board_recipients(settings)
    now = now or utcnow()
    document = round_document(engine, settings, round_name, now)
    recipients, message_id = send_report(document.message(), settings, transport=transport, now=now)
    pdf_path, xlsx_path = _keep(settings, document)
    marker = {"sent_at": now.isoformat(), "message_id": message_id, "recipients": recipients}
    (pdf_path.parent / SENT_MARKER).write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    log.info(
        "round report %s sent to %d recipient(s), files in %s", document.view.name, len(recipients), pdf_path.parent
    )
    return RoundReportResult(document.view.name, document.view.subject, pdf_path, xlsx_path, recipients, message_id)


def due_round(settings: Settings, now: datetime) -> Period | None:
    """The round whose deadline is today or passed within ``CATCH_UP_DAYS``, and whose report was not sent."""
    today = now.astimezone(settings.organization.zone).date()
    periods = [p for year in (today.year - 1, today.year) for p in periods_of_year(year, settings.rounds)]
    due = [p for p in periods if timedelta(0) <= today - p.ends_on <= timedelta(days=CATCH_UP_DAYS)]
    return next((p for p in due if not (round_folder(settings, p.name) / SENT_MARKER).exists()), None)


def send_due_round_report(
    engine: Engine, settings: Settings, *, transport: Transport | None = None, now: datetime | None = None
) -> RoundReportResult | None:
    """Send the report of the round that just reached its deadline, once; None when none is due."""
    now = now or utcnow()
    period = due_round(settings, now)
    if period is None:
        return None
    return send_round_report(engine, settings, period.name, transport=transport, now=now)
