"""Handing a report to the ISO board: its recipients, one SMTP transaction, a copy kept on disk.

Shared by the weekly status email and the round report; the message itself is built by
``compose``. The kept copy gets an ASCII name ("Báo-cáo-tiến-độ" → "Bao-cao-tien-do").
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from ..errors import KhaosatError
from ..language import tr
from ..settings import Settings
from ..survey.surveys import new_message_id
from ..text import without_marks
from .compose import Content, compose, sender_envelope
from .transport import SmtpTransport, Transport

log = logging.getLogger(__name__)


def board_recipients(settings: Settings) -> list[str]:
    """The ISO board's addresses; an error naming the setting when there are none."""
    recipients = [address.strip() for address in settings.report.board_emails if address.strip()]
    if not recipients:
        raise KhaosatError(
            tr(
                "chưa cấu hình người nhận báo cáo: ghi [report] board_emails trong config.toml "
                "(hoặc KHAOSAT_REPORT__BOARD_EMAILS='[\"iso@example.gov.vn\"]')"
            )
        )
    return recipients


async def _hand_over(transport: Transport, sender: str, recipients: list[str], data: bytes) -> None:
    try:
        await transport.send(sender, recipients, data)
    finally:
        await transport.close()


def send_report(
    content: Content,
    settings: Settings,
    *,
    transport: Transport | None = None,
    now: datetime,
    message_id: str = "",
) -> tuple[list[str], str]:
    """Send ``content`` to the board in one SMTP transaction; returns (recipients, Message-ID).

    ``message_id`` defaults to a new one. Raises ``KhaosatError`` when no recipient is
    configured and ``DeliveryError`` when the server does not take the message.
    """
    recipients = board_recipients(settings)
    message_id = message_id or new_message_id(settings.message_domain)
    data = compose(sender_envelope(settings, ", ".join(recipients), message_id), content, date=now)
    asyncio.run(_hand_over(transport or SmtpTransport(settings.smtp), settings.smtp.from_address, recipients, data))
    log.info("report %r sent to %d recipient(s), %s", content.subject, len(recipients), message_id)
    return recipients, message_id


def keep_copy(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` under ``folder`` with an ASCII version of ``filename``; returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / without_marks(filename)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    return path
