"""A real SMTP server for tests: aiosmtpd on a free loopback port.

It keeps every message it accepts, and can be told to answer the next transactions with
a reply code (421, 451, 550) or to drop the connection, so the mailer's fault handling is
tested against the protocol rather than a mock.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    # Replies to give instead of accepting, consumed one per DATA (or RCPT) command.
    data_replies: list[str] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None  # close the connection after this many accepted messages
    delay: float = 0.0  # seconds to wait before answering DATA
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            if self.drop_after is not None and len(self.received) >= self.drop_after:
                self.drop_after = None
                assert server.transport is not None
                server.transport.close()
                return "421 closing"
            assert isinstance(envelope.content, bytes)
            self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, decode_data=False)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def reset(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.data_replies.clear()
            self.handler.rcpt_replies.clear()
            self.handler.drop_after = None
            self.handler.delay = 0.0

    @property
    def received(self) -> list[Received]:
        return self.handler.received
