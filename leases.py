"""Named leases in the ``Lock`` table: one poller per mailbox, even with two daemons.

A lease is taken by a conditional UPDATE (when it expired, or is already ours: that renews
it) or, when no row exists, by an INSERT that the primary key makes exclusive. On
PostgreSQL the UPDATE's row lock and the re-check of its WHERE clause mean two processes
cannot both win; on SQLite writes are serialised. Both functions commit: pass a session
with no other pending work.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from .models import Lock, utcnow

log = logging.getLogger(__name__)


def acquire(session: Session, name: str, *, holder: str, ttl: timedelta) -> bool:
    """Take (or renew) the lease ``name`` for ``ttl``; False when someone else holds it."""
    now = utcnow()
    claim = (
        sa.update(Lock)
        .where(col(Lock.name) == name)
        .where(sa.or_(col(Lock.holder) == holder, col(Lock.expires_at) <= now))
        .values(holder=holder, expires_at=now + ttl)
    )
    try:
        if session.execute(claim).rowcount == 1:  # type: ignore[attr-defined]
            session.commit()
            return True
        session.execute(sa.insert(Lock).values(name=name, holder=holder, expires_at=now + ttl))
        session.commit()
    except IntegrityError:
        session.rollback()
        log.debug("lock %s: held by another holder", name)
        return False
    return True


def release(session: Session, name: str, *, holder: str) -> None:
    """Give the lease back (only if it is ours)."""
    session.execute(sa.delete(Lock).where(col(Lock.name) == name).where(col(Lock.holder) == holder))
    session.commit()
