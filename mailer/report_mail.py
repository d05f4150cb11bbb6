"""Report emails to the ISO board: composing (text, HTML, attachments) and handing over.

Shared by the weekly status email and the round report. Messages are written with the
legacy compat32 generator (CRLF, RFC 2047 subject) and attachment names in RFC 2231 form,
so a Vietnamese name such as "Báo-cáo-tiến-độ-2026-11-30.pdf" arrives intact.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path

from ..errors import KhaosatError
from ..settings import Settings
from .compose import SMTP_COMPAT, new_message_id
from .outbox import message_domain
from .transport import SmtpTransport, Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str  # the name the reader sees (Vietnamese)
    mime_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class ReportMessage:
    subject: str
    text: str
    html: str
    attachments: Sequence[Attachment]


def board_recipients(settings: Settings) -> list[str]:
    """The ISO board's addresses; an error naming the setting when there are none."""
    recipients = [address.strip() for address in settings.report.board_emails if address.strip()]
    if not recipients:
        raise KhaosatError(
            "chưa cấu hình người nhận báo cáo: ghi [report] board_emails trong config.toml "
            "(hoặc KHAOSAT_REPORT__BOARD_EMAILS='[\"iso@example.gov.vn\"]')"
        )
    return recipients


def ascii_name(name: str) -> str:
    """A file name without diacritics, for the disk: "Báo-cáo-tiến-độ" → "Bao-cao-tien-do"."""
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _attachment_part(attachment: Attachment) -> MIMEBase:
    main, _, sub = attachment.mime_type.partition("/")
    part = MIMEBase(main, sub)
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    # RFC 2231: filename*=utf-8''B%C3%A1o-c%C3%A1o-...
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.filename))
    return part


def compose_report(
    report: ReportMessage, settings: Settings, recipients: Sequence[str], *, message_id: str, now: datetime
) -> bytes:
    """RFC 5322 bytes: text and HTML alternatives, then the attachments."""
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(report.text, "plain", "utf-8"))
    body.attach(MIMEText(report.html, "html", "utf-8"))
    message = MIMEMultipart("mixed")
    sender_name = settings.smtp.from_name or settings.organization.name
    message["From"] = formataddr((sender_name, settings.smtp.from_address), charset="utf-8")
    message["To"] = ", ".join(recipients)
    message["Subject"] = Header(report.subject, "utf-8")  # type: ignore[assignment]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.attach(body)
    for attachment in report.attachments:
        message.attach(_attachment_part(attachment))
    return message.as_bytes(policy=SMTP_COMPAT)


async def _hand_over(transport: Transport, sender: str, recipients: list[str], data: bytes) -> None:
    try:
        await transport.send(sender, recipients, data)
    finally:
        await transport.close()


def send_report(
    report: ReportMessage,
    settings: Settings,
    *,
    transport: Transport | None = None,
    now: datetime,
) -> tuple[list[str], str]:
    """Send ``report`` to the board in one SMTP transaction; returns (recipients, Message-ID).

    Raises ``KhaosatError`` when no recipient is configured and ``DeliveryError`` when the
    server does not take the message.
    """
    recipients = board_recipients(settings)
    message_id = new_message_id(message_domain(settings))
    data = compose_report(report, settings, recipients, message_id=message_id, now=now)
    asyncio.run(_hand_over(transport or SmtpTransport(settings.smtp), settings.smtp.from_address, recipients, data))
    log.info("report %r sent to %d recipient(s), %s", report.subject, len(recipients), message_id)
    return recipients, message_id


def keep_copy(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` under ``folder`` with an ASCII version of ``filename``; returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ascii_name(filename)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    return path
