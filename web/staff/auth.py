"""Staff passwords and sessions, as pure functions: argon2 hashes, signed session cookies, CSRF tokens.

A password is kept only as an argon2id hash (``argon2-cffi``). A session is a cookie the
server keeps nothing about: the account's name, when it was opened, a random nonce and a
stamp of the password hash it was opened with, signed by an HMAC under ``[web] secret_env``'s
key. The stamp makes a new password end every older session; the account row, read at each
request, ends them when it is disabled; the time in it ends them after ``SESSION_HOURS``.
A CSRF token is an HMAC of the session's nonce (or, before login, of the login cookie's), so
a form of one session is refused in any other and another site cannot make one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import SecretStr

from ...language import tr

SESSION_HOURS = 8
SESSION_LIFETIME = timedelta(hours=SESSION_HOURS)
DEFAULT_HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters
MIN_PASSWORD = 10  # characters


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    return hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (its own parameters are read from it)."""
    try:
        return DEFAULT_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):  # the last: a "hash" that is not ASCII
        return False


@cache
def _stand_in_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def spend_a_verification(password: str) -> None:
    """As long as checking a password, for an unknown name: the answer's time says nothing of who exists."""
    password_matches(_stand_in_hash(), password)


def password_stamp(password_hash: str) -> str:
    """A short digest of the hash: changes with every new password (a new salt), reveals nothing of it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StaffSession:
    name: str
    opened_at: datetime
    nonce: str
    stamp: str

    def expired(self, now: datetime) -> bool:
        return not (self.opened_at <= now < self.opened_at + SESSION_LIFETIME)


def _sign(secret: SecretStr, purpose: str, data: bytes) -> str:
    digest = hmac.new(secret.get_secret_value().encode(), purpose.encode() + b":" + data, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_session(name: str, password_hash: str, now: datetime) -> StaffSession:
    return StaffSession(name, now.replace(microsecond=0), secrets.token_urlsafe(16), password_stamp(password_hash))


def session_cookie(secret: SecretStr, session: StaffSession) -> str:
    payload = {"n": session.name, "t": int(session.opened_at.timestamp()), "r": session.nonce, "s": session.stamp}
    data = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{data}.{_sign(secret, 'khaosat-staff-session', data.encode())}"


def read_session_cookie(secret: SecretStr, cookie: str) -> StaffSession | None:
    """The session a cookie of ours holds; None for anything else (no signature, a wrong one, garbage)."""
    data, _, signature = cookie.partition(".")
    if not hmac.compare_digest(_sign(secret, "khaosat-staff-session", data.encode()).encode(), signature.encode()):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        return StaffSession(
            str(payload["n"]), datetime.fromtimestamp(int(payload["t"]), UTC), str(payload["r"]), str(payload["s"])
        )
    except (ValueError, KeyError, TypeError):
        return None


def csrf_token(secret: SecretStr, nonce: str) -> str:
    return _sign(secret, "khaosat-staff-csrf", nonce.encode())


def csrf_valid(secret: SecretStr, nonce: str, given: str) -> bool:
    return bool(nonce) and hmac.compare_digest(csrf_token(secret, nonce).encode(), given.encode())


def password_problem(password: str) -> str | None:
    """Why a new password is refused (in this run's language), or None."""
    if len(password) < MIN_PASSWORD:
        return tr("mật khẩu cần ít nhất {count} ký tự", count=MIN_PASSWORD)
    if password.strip() != password:
        return tr("mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng")
    return None
