"""The round report (issue 4, item 5): rates and satisfaction of a whole round, as PDF and XLSX.

The files are kept under ``[storage] dir``/reports/<round>/ and emailed to the ISO board.
``send_due_round_report`` is the scheduler's entry: it sends the report of a round whose
deadline is today (or passed within ``CATCH_UP_DAYS`` while the daemon was down) once, even
with two daemons on one database (``report_claims``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..language import Language, speaking
from ..models import utcnow
from ..reports.round import RoundReport, build_round_report
from ..reports.round_pdf import round_pdf
from ..reports.round_view import RoundReportView, level_headers, round_report_view
from ..reports.round_xlsx import round_xlsx
from ..reports.status_view import headers
from ..settings import Settings
from ..survey.rounds import Period, periods_around
from ..survey.surveys import new_message_id
from . import report_claims
from .board import board_recipients, keep_copy, send_report
from .compose import PDF_TYPE, Attachment, Content, templated
from .transport import Transport

log = logging.getLogger(__name__)

CATCH_UP_DAYS = 7
KIND = "round"  # the ReportSent kind of the round report
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
    language: Language  # the one the view was written in: the email speaks it too

    def attachments(self) -> list[Attachment]:
        return [
            Attachment(f"{self.view.file_stem}.pdf", PDF_TYPE, self.pdf),
            Attachment(f"{self.view.file_stem}.xlsx", XLSX_TYPE, self.xlsx),
        ]

    def content(self) -> Content:
        with speaking(self.language):
            values = {"view": self.view, "headers": headers(), "levels": level_headers()}
            return templated("round", self.view.subject, values, attachments=self.attachments())


def round_folder(settings: Settings, round_name: str) -> Path:
    return settings.storage.dir / "reports" / round_name


def round_document(engine: Engine, settings: Settings, round_name: str | None, now: datetime) -> RoundDocument:
    """The round report in ``[organization] language``."""
    language, zone = settings.organization.language, settings.organization.zone
    with Session(engine) as session, speaking(language):
        report = build_round_report(session, settings, round_name, now)
        view = round_report_view(report, zone)
        return RoundDocument(report, view, round_pdf(view), round_xlsx(report, zone), language)


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
    """Build the round report, email it to the board with its PDF and XLSX, keep both files, record it sent."""
    board_recipients(settings)
    now = now or utcnow()
    document = round_document(engine, settings, round_name, now)
    return _send(engine, settings, document, new_message_id(settings.message_domain), transport, now)


def _send(
    engine: Engine,
    settings: Settings,
    document: RoundDocument,
    message_id: str,
    transport: Transport | None,
    now: datetime,
) -> RoundReportResult:
    recipients, message_id = send_report(
        document.content(), settings, transport=transport, now=now, message_id=message_id
    )
    with Session(engine) as session:
        report_claims.mark_sent(session, KIND, document.view.name, message_id, recipients, now=now)
    pdf_path, xlsx_path = _keep(settings, document)
    log.info(
        "round report %s sent to %d recipient(s), files in %s", document.view.name, len(recipients), pdf_path.parent
    )
    return RoundReportResult(document.view.name, document.view.subject, pdf_path, xlsx_path, recipients, message_id)


def due_rounds(session: Session, settings: Settings, now: datetime) -> list[Period]:
    """The rounds whose deadline is today or passed within ``CATCH_UP_DAYS``, and whose report was not sent."""
    today = now.astimezone(settings.organization.zone).date()
    sent = report_claims.sent_rounds(session, KIND)
    return [
        period
        for period in periods_around(today, settings.rounds, years_after=0)
        if timedelta(0) <= today - period.ends_on <= timedelta(days=CATCH_UP_DAYS) and period.name not in sent
    ]


def claim_due_round(engine: Engine, settings: Settings, now: datetime) -> tuple[Period, str] | None:
    """The first due round this caller could claim, and the Message-ID to send its report with."""
    with Session(engine) as session:
        for period in due_rounds(session, settings, now):
            message_id = report_claims.claim(
                session, KIND, period.name, new_message_id(settings.message_domain), now=now
            )
            if message_id is not None:
                return period, message_id
    return None


def send_due_round_report(
    engine: Engine, settings: Settings, *, transport: Transport | None = None, now: datetime | None = None
) -> RoundReportResult | None:
    """Send the report of the round that just reached its deadline, once; None when none is due.

    The round is claimed before anything is built or sent, and the claim is given back when
    building or sending fails, so the next run tries again (see ``report_claims``).
    """
    board_recipients(settings)
    now = now or utcnow()
    claimed = claim_due_round(engine, settings, now)
    if claimed is None:
        return None
    period, message_id = claimed
    try:
        document = round_document(engine, settings, period.name, now)
        return _send(engine, settings, document, message_id, transport, now)
    except BaseException:
        with Session(engine) as session:
            report_claims.release(session, KIND, period.name)
        raise
