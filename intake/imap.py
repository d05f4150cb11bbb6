"""The IMAP inbox as an intake source, on imapclient.

Fetching reads ``BODY.PEEK[]`` (never sets \\Seen) of every message not flagged \\Deleted,
oldest UID first, in batches; nothing on the server changes until ``settle`` moves a message
to the processed or review folder: MOVE when advertised, else COPY, \\Deleted and ``UID
EXPUNGE`` of that one UID when UIDPLUS is advertised. A bare EXPUNGE is never sent: without
UIDPLUS the original stays flagged \\Deleted (and is not fetched again).

A dropped connection during an operation is retried once on a fresh connection (login,
re-select); a second failure, a refused login or an unreachable server raise
``MailboxError``. Folder names in the configuration use "/" between levels; they are
translated to the server's delimiter and personal namespace prefix. One client per
source, used from one thread only.

``wait_for_mail`` waits in IDLE (RFC 2177) for the server to announce a new message in the
folder, never longer than it is told, and leaves IDLE before it returns; it reads nothing.
A dropped connection there raises ``MailboxError`` at once: the caller decides when to try
again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import partial
from typing import TypeVar

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from ..errors import MailboxError
from ..settings import ImapSettings
from ..tls import client_tls_context
from .sources import Incoming

log = logging.getLogger(__name__)

T = TypeVar("T")
CONNECT_TIMEOUT = 15.0  # seconds; the read timeout is [imap] timeout
CONNECTION_LOST = (OSError, IMAPClientAbortError)  # socket, ssl and timeout errors are OSErrors
WAITING = b"UID 1:* NOT DELETED"  # no CHARSET argument: Exchange rejects it
DELETED = b"\\Deleted"
IDLE_SLICE = 0.5  # seconds: how often a wait in IDLE looks at its stop flag
# The operations as the person reading "Lỗi:" calls them (the log keeps the terse English).
OPERATIONS = {
    "search": "tìm thư",
    "fetch": "tải thư",
    "move": "chuyển thư",
    "IDLE": "chờ thư mới (IDLE)",
    "connect": "kết nối",
    "login": "đăng nhập",
}


def server_folder(name: str, delimiter: str, prefix: str = "") -> str:
    """The server's name of a configured folder ("a/b" → "a.b", with the namespace prefix)."""
    if name.upper() == "INBOX":
        return "INBOX"
    if delimiter and delimiter != "/":
        name = name.replace("/", delimiter)
    return name if not prefix or name.startswith(prefix) else prefix + name


def batches(uids: Sequence[int], size: int) -> Iterator[list[int]]:
    ordered = sorted(uids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class ImapSource:
    """One mailbox folder; connects on first use. The password is the one the settings resolved
    at load, unless ``password`` is given. ``capabilities`` overrides what the server
    advertises for MOVE/UIDPLUS/IDLE decisions (tests use it to take the COPY path)."""

    def __init__(
        self, settings: ImapSettings, password: str | None = None, *, capabilities: Collection[str] | None = None
    ) -> None:
        self.settings = settings
        self.name = f"imap:{settings.username}@{settings.host}"
        self._password = settings.password.get_secret_value() if password is None else password
        self._override = None if capabilities is None else frozenset(c.upper() for c in capabilities)
        self._client: IMAPClient | None = None
        self._thread: int | None = None
        self.capabilities: frozenset[str] = frozenset()
        self.folders: dict[str, str] = {}  # configured name → server name
        self.uidvalidity = 0
        self.reconnects = 0

    @property
    def where(self) -> str:
        return f"{self.settings.username}@{self.settings.host}:{self.settings.port}"

    # the Source interface

    def fetch(self) -> Iterator[Incoming]:
        uids: list[int] = self._run("search", lambda client: client.search(WAITING))
        uidvalidity, fetched, started_reconnects = self.uidvalidity, 0, self.reconnects
        try:
            for batch in batches(uids, self.settings.batch_size):
                data = self._run("fetch", partial(_bodies, uids=batch))
                self._check_uidvalidity(uidvalidity)
                for uid in batch:
                    body = data.get(uid)
                    if body is not None:  # gone since the search: another poller took it
                        fetched += 1
                        yield Incoming(self.name, self.settings.folder, uidvalidity, uid, "", body)
        finally:
            log.info(
                "IMAP %s %s: %d waiting, %d fetched, %d reconnects",
                self.where,
                self.settings.folder,
                len(uids),
                fetched,
                self.reconnects - started_reconnects,
            )

    def settle(self, item: Incoming, *, review: bool) -> str:
        return self.settle_all([item], review=review)

    def settle_all(self, items: Sequence[Incoming], *, review: bool) -> str:
        """Move several items with one command (a UID set): one round trip, not one each."""
        target = self.settings.review_folder if review else self.settings.processed_folder
        if items:
            self._run("move", lambda client: self._move(client, items, target))
        return target

    # waiting for new mail

    def can_idle(self) -> bool:
        """Whether the server offers IDLE (connects first)."""
        self._connected()
        return "IDLE" in self.capabilities

    def wait_for_mail(self, seconds: float, should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Wait in IDLE at most ``seconds`` (less once ``should_stop``); True when a new message was announced."""
        client = self._connected()
        try:
            client.idle()
            arrived = _idle_until(client, time.monotonic() + seconds, should_stop)
            _text, responses = client.idle_done()
        except (*CONNECTION_LOST, IMAPClientError) as exc:
            self._drop()
            raise self._error("IDLE", exc) from exc
        return arrived or any(_announces_mail(response) for response in responses)

    def close(self) -> None:
        """Log out; the source may then be used again, from any one thread."""
        client, self._client, self._thread = self._client, None, None
        if client is None:
            return
        try:
            client.logout()
        except (OSError, IMAPClientError):
            _shutdown(client)

    # connection

    def _run(self, what: str, operation: Callable[[IMAPClient], T]) -> T:
        """``operation`` on the connection; once more on a fresh one if the connection drops."""
        try:
            return operation(self._connected())
        except CONNECTION_LOST as exc:
            log.warning("IMAP %s: connection lost during %s (%s); reconnecting", self.where, what, exc)
            self._drop()
        except IMAPClientError as exc:
            raise self._error(what, exc) from exc
        self.reconnects += 1
        try:
            return operation(self._connected())
        except (*CONNECTION_LOST, IMAPClientError) as exc:
            self._drop()
            raise self._error(what, exc, again=True) from exc

    def _connected(self) -> IMAPClient:
        if self._thread is not None and self._thread != threading.get_ident():
            raise RuntimeError("an ImapSource is used by one thread only; make one per thread")
        self._thread = threading.get_ident()
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> IMAPClient:
        if not self._password:
            raise MailboxError(f"chưa có mật khẩu IMAP cho {self.where}: biến môi trường {self.settings.password_env}")
        settings = self.settings
        context = (
            client_tls_context(verify=settings.verify_tls, ca_file=settings.ca_file)
            if settings.security != "none"
            else None
        )
        timeout = SocketTimeout(connect=min(CONNECT_TIMEOUT, settings.timeout), read=settings.timeout)
        try:
            client = IMAPClient(
                settings.host, settings.port, ssl=settings.security == "tls", ssl_context=context, timeout=timeout
            )
        except (OSError, IMAPClientError) as exc:
            raise self._error("connect", exc) from exc
        try:
            if settings.security == "starttls":
                client.starttls(context)
            self._login(client)
            self._prepare(client)
        except LoginError as exc:
            _shutdown(client)
            raise MailboxError(f"máy chủ IMAP {self.where} từ chối đăng nhập của {settings.username}: {exc}") from exc
        except (OSError, IMAPClientError) as exc:
            _shutdown(client)
            raise self._error("login", exc) from exc
        return client

    def _login(self, client: IMAPClient) -> None:
        username, password = self.settings.username, self._password
        if username.isascii() and password.isascii():
            client.login(username, password)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            client.plain_login(username, password)

    def _prepare(self, client: IMAPClient) -> None:
        """Capabilities, folder names, the processed/review folders, select, UIDVALIDITY."""
        advertised = frozenset(c.decode("ascii", "replace").upper() for c in client.capabilities())
        self.capabilities = advertised if self._override is None else self._override
        delimiter, prefix = _hierarchy(client, advertised)
        settings = self.settings
        names = (settings.folder, settings.processed_folder, settings.review_folder)
        self.folders = {name: server_folder(name, delimiter, prefix) for name in names}
        for name in names[1:]:
            if not client.folder_exists(self.folders[name]):
                client.create_folder(self.folders[name])
                log.info("IMAP %s: created folder %s", self.where, self.folders[name])
        selected = client.select_folder(self.folders[settings.folder])
        self.uidvalidity = int(selected[b"UIDVALIDITY"])

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _shutdown(client)

    # moving

    def _move(self, client: IMAPClient, items: Sequence[Incoming], target: str) -> None:
        for item in items:
            self._check_uidvalidity(item.uidvalidity)
        folder, uids = self.folders[target], [item.uid for item in items]
        if "MOVE" in self.capabilities:
            client.move(uids, folder)
            return
        client.copy(uids, folder)
        client.add_flags(uids, [DELETED], silent=True)
        if "UIDPLUS" in self.capabilities:
            client.expunge(uids)  # UID EXPUNGE of these messages only
        else:
            log.warning(
                "IMAP %s: no UIDPLUS; %d messages copied to %s and left flagged \\Deleted",
                self.where,
                len(uids),
                folder,
            )

    def _check_uidvalidity(self, expected: int) -> None:
        if expected != self.uidvalidity:
            raise MailboxError(
                f"IMAP {self.where} {self.settings.folder}: UIDVALIDITY đã đổi từ {expected} sang "
                f"{self.uidvalidity}; lần đọc hộp thư sau sẽ đọc lại từ đầu"
            )

    def _error(self, what: str, exc: BaseException, *, again: bool = False) -> MailboxError:
        text = str(exc)
        if self._password:
            text = text.replace(self._password, "***")
        retried = " (cả sau khi kết nối lại)" if again else ""
        return MailboxError(
            f"IMAP {self.where} ({self.settings.security}): lỗi khi {OPERATIONS.get(what, what)}{retried}: {text}"
        )


def _hierarchy(client: IMAPClient, capabilities: frozenset[str]) -> tuple[str, str]:
    """The server's hierarchy delimiter and the personal namespace prefix ("" when none)."""
    listed = client.list_folders("", "")
    delimiter = listed[0][1] if listed and listed[0][1] else b""
    prefix = ""
    if "NAMESPACE" in capabilities:
        personal = client.namespace().personal
        prefix = str(personal[0][0]) if personal else ""
    return _text(delimiter), prefix


def _bodies(client: IMAPClient, uids: list[int]) -> dict[int, bytes]:
    """The raw bytes of ``uids`` (those still there), read without setting \\Seen."""
    response = client.fetch(uids, ["BODY.PEEK[]"])
    return {uid: bytes(item[b"BODY[]"]) for uid, item in response.items() if b"BODY[]" in item}


def _idle_until(client: IMAPClient, deadline: float, should_stop: Callable[[], bool]) -> bool:
    """Read IDLE responses until a new message is announced (True), the deadline, the stop
    flag, or a wake-up with nothing to read, which is how a closed connection shows (False:
    leaving IDLE then tells whether the connection still stands)."""
    while not should_stop() and (left := deadline - time.monotonic()) > 0:
        wait = min(left, IDLE_SLICE)
        started = time.monotonic()
        responses = client.idle_check(timeout=wait)
        if any(_announces_mail(response) for response in responses):
            return True
        if not responses and time.monotonic() - started < wait / 2:
            return False
        if any(response[:1] == (b"BYE",) for response in responses):
            return False
    return False


def _announces_mail(response: tuple[object, ...]) -> bool:
    """``* n EXISTS``: the folder holds ``n`` messages, one or more of them new."""
    return len(response) >= 2 and response[1] == b"EXISTS"


def _text(value: bytes | str) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else value


def _shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except OSError as exc:
        log.debug("closing an IMAP connection: %s", exc)
