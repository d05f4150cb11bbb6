"""Named leases in the ``Lock`` table, and who holds them: one job, one mailbox poller at a time.

A holder is named ``host:pid`` (``holder_name``); on its own host, whether that process
still runs can be told (``holder_alive``). A lease is taken by a conditional UPDATE (when it
expired, or is already ours: that renews it) or, when no row exists, by an INSERT that the
primary key makes exclusive. On PostgreSQL the UPDATE's row lock and the re-check of its
WHERE clause mean two processes cannot both win; on SQLite writes are serialised.
``acquire`` and ``release`` commit: pass a session with no other pending work.

``held`` keeps a lease for a block of work, renewing it in the background every third of
its time to live: a holder that is killed stops renewing, and its lease expires within one
time to live.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from .models import Lock, utcnow

log = logging.getLogger(__name__)


def holder_name() -> str:
    """This process as a lease holder: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(holder: str) -> bool | None:
    """Whether the process named by ``holder`` still runs; None when it is not on this host."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


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
        log.debug("lease %s: held by another holder", name)
        return False
    return True


def release(session: Session, name: str, *, holder: str) -> None:
    """Give the lease back (only if it is ours)."""
    session.execute(sa.delete(Lock).where(col(Lock.name) == name).where(col(Lock.holder) == holder))
    session.commit()


@contextmanager
def held(engine: Engine, name: str, *, holder: str, ttl: timedelta) -> Iterator[bool]:
    """Hold the lease ``name`` for the block, renewed in the background; yields False if it is taken."""
    with Session(engine) as session:
        taken = acquire(session, name, holder=holder, ttl=ttl)
    if not taken:
        yield False
        return
    done = threading.Event()
    keeper = threading.Thread(
        target=_renew_until, args=(engine, name, holder, ttl, done), name=f"lease {name}", daemon=True
    )
    keeper.start()
    try:
        yield True
    finally:
        done.set()
        keeper.join()
        with Session(engine) as session:
            release(session, name, holder=holder)


def _renew_until(engine: Engine, name: str, holder: str, ttl: timedelta, done: threading.Event) -> None:
    while not done.wait(ttl.total_seconds() / 3):
        try:
            with Session(engine) as session:
                if not acquire(session, name, holder=holder, ttl=ttl):
                    log.warning("lease %s was taken over by another holder", name)
        except Exception as exc:  # a database hiccup: try again at the next beat
            log.warning("could not renew lease %s: %s", name, exc)
