"""The SMTP transport: one reused aiosmtplib connection, errors translated at the boundary.

``send`` runs MAIL, RCPT and DATA itself so it knows how far a failure got, and calls
``before_data`` just before DATA: until then nothing of the message has left, so a process
killed during MAIL or RCPT has sent nothing.

- a 4xx reply, or a connection lost before DATA: ``TemporaryDeliveryError`` (retry later);
- a 5xx reply: ``PermanentDeliveryError`` (the address or message is refused); to MAIL,
  ``ServerUnavailableError``: the sender itself is refused (a VERP address the server does
  not let this login use), so no message can go and no survey is moved on;
- a timeout or lost connection during or after DATA: ``UncertainDeliveryError`` (the
  server may have accepted it; dispatch sends it once more, later);
- no connection at all: ``ServerUnavailableError`` (the run stops; nothing was sent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

import aiosmtplib

from ..errors import (
    PermanentDeliveryError,
    ServerUnavailableError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)
from ..settings import SmtpSettings
from ..tls import client_tls_context

log = logging.getLogger(__name__)


class Transport(Protocol):
    """Something that hands a serialised message to a mail server."""

    async def send(
        self, sender: str, recipients: list[str], data: bytes, *, before_data: Callable[[], None] | None = None
    ) -> None: ...

    async def close(self) -> None: ...


def _reply_error(code: int, message: str, what: str) -> Exception:
    text = f"{what}: {code} {message}".strip()
    if 400 <= code < 500:
        return TemporaryDeliveryError(text)
    return PermanentDeliveryError(text)


class SmtpTransport:
    """Sends through one SMTP connection, opened on first use and reopened after a failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings  # its password was resolved when the settings were loaded
        self._client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self.settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            timeout=settings.timeout,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            tls_context=client_tls_context(verify=settings.verify_tls, ca_file=settings.ca_file)
            if settings.security != "none"
            else None,
        )
        try:
            await client.connect()
            if settings.username:
                await client.login(settings.username, settings.password.get_secret_value())
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise ServerUnavailableError(f"máy chủ SMTP từ chối đăng nhập của {settings.username}: {exc.code}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ServerUnavailableError(
                f"không kết nối được máy chủ SMTP {settings.host}:{settings.port}: {exc}"
            ) from exc
        log.info("connected to SMTP %s:%s", settings.host, settings.port)
        return client

    async def send(
        self, sender: str, recipients: list[str], data: bytes, *, before_data: Callable[[], None] | None = None
    ) -> None:
        """Hand ``data`` over for ``recipients``; ``before_data`` runs once the envelope is accepted."""
        if self._client is None or not self._client.is_connected:
            self._client = await self._connect()
        client = self._client
        try:
            await self._envelope(client, sender, recipients)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
            await self._drop()
            raise TemporaryDeliveryError(f"mất kết nối trước lệnh DATA: {exc}") from exc
        if before_data is not None:
            before_data()
        try:
            await client.data(data)
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code == 421:
                await self._drop()
            raise _reply_error(exc.code, exc.message, "DATA") from exc
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
            await self._drop()
            raise UncertainDeliveryError(f"không nhận được trả lời sau lệnh DATA: {exc}") from exc

    async def _envelope(self, client: aiosmtplib.SMTP, sender: str, recipients: list[str]) -> None:
        try:
            await client.mail(sender)
            for recipient in recipients:
                await client.rcpt(recipient)
        except aiosmtplib.SMTPResponseException as exc:
            what = "RCPT" if isinstance(exc, aiosmtplib.SMTPRecipientRefused) else "MAIL"
            await self._reset(client, exc.code)
            if what == "MAIL" and exc.code >= 500:  # our sender, not the recipient: no message can go
                refused = f"máy chủ SMTP từ chối địa chỉ gửi {sender}: {exc.code} {exc.message}"
                raise ServerUnavailableError(refused) from exc
            raise _reply_error(exc.code, exc.message, what) from exc

    async def _reset(self, client: aiosmtplib.SMTP, code: int) -> None:
        """Leave the connection ready for the next message (or drop it on 421)."""
        if code == 421:
            await self._drop()
            return
        try:
            await client.rset()
        except (aiosmtplib.SMTPException, OSError):
            await self._drop()

    async def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def close(self) -> None:
        if self._client is not None and self._client.is_connected:
            try:
                await self._client.quit()
            except (aiosmtplib.SMTPException, OSError):
                self._client.close()
        self._client = None

    async def __aenter__(self) -> SmtpTransport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
