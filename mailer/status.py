"""The weekly ISO board status email (issue 4, item 4).

``send_status`` builds the report from ``unit_rates`` at one moment, renders the HTML and
text bodies and the PDF, sends them to ``[report] board_emails``, and only after the server
took the message stores the snapshot that next week's "change" compares with, and keeps
the PDF under ``[storage] dir``/reports/.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..language import Language, speaking
from ..models import utcnow
from ..reports.pdf import status_pdf
from ..reports.status import StatusReport, build_status, take_snapshot
from ..reports.status_view import StatusView, headers, status_view
from ..settings import Settings
from .board import board_recipients, keep_copy, send_report
from .compose import PDF_TYPE, Attachment, Content, templated
from .transport import Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusResult:
    subject: str
    recipients: list[str]
    message_id: str
    rounds: list[str]  # the rounds reported
    snapshot_rows: int
    pdf_path: Path


@dataclass(frozen=True)
class StatusDocument:
    """The status report at one moment, and everything rendered from it."""

    report: StatusReport
    view: StatusView
    pdf: bytes
    language: Language  # the one the view was written in: the email speaks it too

    @property
    def pdf_name(self) -> str:
        return f"{self.view.file_stem}.pdf"

    def content(self) -> Content:
        with speaking(self.language):
            values = {"view": self.view, "headers": headers()}
            return templated(
                "status", self.view.subject, values, attachments=[Attachment(self.pdf_name, PDF_TYPE, self.pdf)]
            )


def reports_dir(settings: Settings) -> Path:
    return settings.storage.dir / "reports"


def status_document(engine: Engine, settings: Settings, now: datetime) -> StatusDocument:
    """The status report in ``[organization] language``."""
    language = settings.organization.language
    with Session(engine) as session, speaking(language):
        report = build_status(session, settings, now)
        view = status_view(report, settings.organization.zone)
        return StatusDocument(report, view, status_pdf(view), language)


def send_status(
    engine: Engine, settings: Settings, *, transport: Transport | None = None, now: datetime | None = None
) -> StatusResult:
    """Build, send and record the status email; the snapshot is stored only once it was sent."""
    board_recipients(settings)  # fail before any work when nobody would receive it
    now = now or utcnow()
    document = status_document(engine, settings, now)
    recipients, message_id = send_report(document.content(), settings, transport=transport, now=now)
    with Session(engine) as session:
        stored = take_snapshot(session, document.report, now)
    path = keep_copy(reports_dir(settings), document.pdf_name, document.pdf)
    log.info("status email: %d round(s), %d snapshot row(s), copy at %s", len(document.view.rounds), stored, path)
    return StatusResult(
        subject=document.view.subject,
        recipients=recipients,
        message_id=message_id,
        rounds=[view.name for view in document.view.rounds],
        snapshot_rows=stored,
        pdf_path=path,
    )
