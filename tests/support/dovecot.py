"""A real IMAP server for tests and benchmarks: Dovecot from a temporary directory.

``Dovecot().start()`` runs its own instance (recipe in DOVECOT.md) on free loopback ports:
plain IMAP with STARTTLS on ``port``, implicit TLS on ``tls_port`` (a certificate made here
with the openssl tool; its file is ``ca_file``), LMTP on ``lmtp_port``. Each test takes a
fresh user (``add_user``) so its mailbox starts empty. Test modules get the session-wide
instance with ``from .dovecot import dovecot  # noqa: F401``; benchmarks import
``khaosat.tests.support.dovecot`` and call ``Dovecot`` themselves.

The server is throwaway: ``mail_fsync = never`` (an fsync per message would make APPEND
and MOVE 3-5 times slower here). A failed login makes Dovecot delay the next login from 127.0.0.1 by seconds (its auth
penalty cannot be turned off): tests of refused logins use their own instance, ``spare_dovecot``.

A missing dovecot binary fails the test with a clear message: it is never skipped.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from khaosat.settings import ImapSettings

MAIL_UID = 65534  # the mail files belong to nobody, never root

CONFIG = """\
protocols = imap lmtp
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = khaosat-test-{name}
log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{d}/mail/%u/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@localhost
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def make_certificate(directory: Path) -> None:
    """A self-signed certificate for 127.0.0.1 and localhost (cert.pem is its own CA)."""
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3"),
            *("-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
    )


@dataclass(frozen=True)
class User:
    name: str
    password: str


class Dovecot:
    """One Dovecot instance in a temporary directory; ``stop`` removes everything."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
        self.root = Path(tempfile.mkdtemp(prefix="khaosat-dovecot-"))
        self.port = free_port()
        self.tls_port = free_port()
        self.lmtp_port = free_port()
        self.config = self.root / "dovecot.conf"
        self.ca_file = self.root / "cert.pem"
        self.running = False

    def start(self) -> Dovecot:
        if self.binary is None:
            raise RuntimeError(
                "dovecot is not installed: apt-get install -y dovecot-imapd dovecot-lmtpd (see DOVECOT.md)"
            )
        self._write_files()
        # The daemon's children keep inherited pipes open: its output goes to a file, never a pipe.
        with (self.root / "start.err").open("w+", encoding="utf-8") as errors:
            result = subprocess.run([self.binary, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=errors)
            errors.seek(0)
            if result.returncode != 0:
                raise RuntimeError(f"dovecot did not start: {errors.read().strip()} (log: {self.log()})")
        self.running = True
        wait_for_port(self.port)
        wait_for_port(self.tls_port)
        return self

    def _write_files(self) -> None:
        root = self.root
        root.chmod(0o755)  # the auth process runs as the dovecot user and reads the users file
        for sub in ("run", "state", "mail", "users"):
            (root / sub).mkdir(exist_ok=True)
        os.chown(root / "mail", MAIL_UID, MAIL_UID)
        make_certificate(root)
        values = {"d": root, "name": root.name, "uid": MAIL_UID}
        ports = {"imap_port": self.port, "tls_port": self.tls_port, "lmtp_port": self.lmtp_port}
        self.config.write_text(CONFIG.format(**values, **ports), encoding="utf-8")

    def stop(self) -> None:
        if self.running:
            self.running = False
            stop = [str(self.binary), "-c", str(self.config), "stop"]
            subprocess.run(stop, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._wait_for_master_exit()
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_for_master_exit(self, timeout: float = 10.0) -> None:
        pid_file = self.root / "run" / "master.pid"
        deadline = time.monotonic() + timeout
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_file.exists():  # still there: end it for good
            os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""

    # users and mailboxes

    def add_user(self, name: str | None = None, password: str = "secret") -> User:
        """A new user with an empty mailbox (one passwd-file per user: no reload to wait for)."""
        user = User(name or f"u{uuid.uuid4().hex[:10]}", password)
        entry = self.root / "users" / user.name
        entry.write_text(f"{user.name}:{{PLAIN}}{user.password}::::::\n", encoding="utf-8")
        entry.chmod(0o644)
        return user

    def settings(self, user: User, **overrides: Any) -> ImapSettings:
        """ImapSettings for ``user`` over plain IMAP (overrides win)."""
        values: dict[str, Any] = {"host": self.host, "port": self.port, "security": "none", "username": user.name}
        values.update(overrides)
        return ImapSettings(**values)

    @contextmanager
    def client(self, user: User) -> Iterator[IMAPClient]:
        client = IMAPClient(self.host, self.port, ssl=False, timeout=30)
        try:
            if user.password.isascii():
                client.login(user.name, user.password)
            else:
                client.plain_login(user.name, user.password)
        except BaseException:
            client.shutdown()
            raise
        try:
            yield client
        finally:
            client.logout()

    def append(self, user: User, folder: str, message: bytes, flags: Iterable[str] = ()) -> None:
        self.append_many(user, folder, [message], flags)

    def append_many(self, user: User, folder: str, messages: Iterable[bytes], flags: Iterable[str] = ()) -> None:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for message in messages:
                client.append(folder, message, flags=tuple(flags))

    def folders(self, user: User) -> list[str]:
        with self.client(user) as client:
            return sorted(str(name) for _flags, _delimiter, name in client.list_folders())

    def messages(self, user: User, folder: str) -> dict[int, tuple[tuple[bytes, ...], bytes]]:
        """Every message of ``folder``: uid → (flags, raw bytes), read without setting \\Seen."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
            return {uid: (tuple(item[b"FLAGS"]), bytes(item[b"BODY[]"])) for uid, item in data.items()}

    def uidvalidity(self, user: User, folder: str = "INBOX") -> int:
        with self.client(user) as client:
            return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])

    def kick(self, user: User) -> None:
        """Drop every connection of ``user`` from the server side."""
        subprocess.run(["doveadm", "-c", str(self.config), "kick", user.name], check=True, capture_output=True)

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


_shared: Dovecot | None = None


def shared_dovecot() -> Dovecot:
    """The one instance of this test session, started on first use, stopped at exit."""
    global _shared
    if _shared is None:
        server = Dovecot()
        try:
            server.start()
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            server.stop()
            pytest.fail(f"cannot start a test Dovecot: {exc}", pytrace=False)
        atexit.register(server.stop)
        _shared = server
    return _shared


@pytest.fixture(scope="session")
def dovecot() -> Dovecot:
    """The session's real Dovecot (shared by every module that imports this fixture)."""
    return shared_dovecot()


@pytest.fixture
def spare_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, to stop or to fail logins on (stopping costs ~2.5 s)."""
    server = Dovecot()
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        server.stop()
        pytest.fail(f"cannot start a test Dovecot: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot: Dovecot) -> User:
    """A fresh user: an empty mailbox for this test alone."""
    return dovecot.add_user()


def message(subject: str = "Phiếu khảo sát", body: str = "Xin gửi lại phiếu.", size: int = 0) -> bytes:
    """A small RFC 5322 message (``size`` pads the body with base64-looking lines)."""
    padding = ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789abcdefghijklmnopqrstuv\r\n" * (size // 70 + 1))[:size]
    head = (
        f"From: applicant@example.vn\r\nTo: phieu@skhcn.example.gov.vn\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@example.vn>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + body + "\r\n" + padding).encode("utf-8")
