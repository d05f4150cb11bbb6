"""The demo's embedded mail server: every message it accepts becomes an .eml file in a folder.

The folder stands for the applicants' mailboxes (and the fax gateway's, and the ISO
board's): ``embedded_mail_server`` runs aiosmtpd on a loopback port for the time of a
``with`` block and counts what it filed, by email and fax.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Mailbox:
    """The server's handler: each recipient of a message gets its own .eml file."""

    folder: Path
    received: Counter[str] = field(default_factory=Counter)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        for recipient in envelope.rcpt_tos:
            kind = "fax" if "@fax." in recipient else "email"
            self.received[kind] += 1
            (self.folder / f"{kind}-{sum(self.received.values()):03d}-{recipient}.eml").write_bytes(envelope.content)
        return "250 OK"


@contextmanager
def embedded_mail_server(folder: Path, port: int) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1:``port`` filing every message into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    mailbox = Mailbox(folder)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
