"""API keys of the systems that call the dossier API: made, listed, disabled, checked.

A key is 32 random bytes (``secrets``), shown once when it is made; only its sha256 is stored.
A fast hash is enough here, unlike passwords: a key has 256 bits of entropy, so there is no
dictionary to try and a stolen hash cannot be brute-forced at any hashing speed, while a slow
hash (argon2) would cost every API request tens of milliseconds and a lookup by hash would no
longer be possible (argon2 salts each hash, so the key would have to be tried against every
row). Looking the key up by its hash also makes the check take the same time for every wrong key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ...errors import KhaosatError
from ...language import tr
from ...models import ApiKey, utcnow

KEY_PREFIX = "ks_"  # so that a leaked key is recognised for what it is (secret scanners, logs)
KEY_BYTES = 32
NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class KeyInfo:
    """What ``khaosat apikey list`` shows: never the key nor its hash."""

    name: str
    created_at: datetime
    disabled_at: datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_key(session: Session, name: str) -> str:
    """Make the key of the calling system ``name`` and return it (the only time it is seen); commits."""
    if not NAME_SHAPE.match(name):
        raise KhaosatError(
            tr("tên “{name}” không hợp lệ: chữ, số, dấu chấm, gạch ngang, gạch dưới; tối đa 64 ký tự", name=name)
        )
    if session.exec(select(ApiKey).where(col(ApiKey.name) == name)).first() is not None:
        raise KhaosatError(tr("đã có khóa API tên “{name}”", name=name))
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    session.add(ApiKey(name=name, key_hash=key_hash(key), created_at=utcnow()))
    session.commit()
    return key


def list_keys(session: Session) -> list[KeyInfo]:
    rows = session.exec(select(ApiKey).order_by(col(ApiKey.name)))
    return [KeyInfo(row.name, row.created_at, row.disabled_at) for row in rows]


def disable_key(session: Session, name: str) -> bool:
    """Refuse the key of ``name`` from now on; False when it was disabled already. Commits."""
    row = session.exec(select(ApiKey).where(col(ApiKey.name) == name)).first()
    if row is None:
        raise KhaosatError(tr("không có khóa API tên “{name}”", name=name))
    if row.disabled_at is not None:
        return False
    row.disabled_at = utcnow()
    session.add(row)
    session.commit()
    return True


def caller_of(session: Session, key: str) -> str | None:
    """The name of the system whose key is ``key``; None for a wrong or disabled key."""
    query = select(ApiKey.name).where(col(ApiKey.key_hash) == key_hash(key), col(ApiKey.disabled_at).is_(None))
    return session.exec(query).first()
