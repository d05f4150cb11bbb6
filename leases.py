"""Named leases in the ``Lock`` table, and who holds them: one job, one mailbox poller at a time.

A holder is named ``host:pid`` (``holder_name``); on its own host, whether that process
still runs can be told (``holder_alive``). A lease is taken by a conditional UPDATE (when it
expired, or is already ours: that renews it) or, when no row exists, by an INSERT that the
primary key makes exclusive. A lease whose holder is a process of this host that no longer
runs is taken over at once, by an UPDATE conditional on that holder. On PostgreSQL the
UPDATE's row lock and the re-check of its WHERE clause mean two processes cannot both win;
on SQLite writes are serialised. ``acquire`` and ``release`` commit: pass a session with no
other pending work.

``held`` keeps a lease for a block of work, renewing it in the background every third of
its time to live: a holder that is killed stops renewing, and its lease expires within one
time to live (at once for the next taker on the same host). Host names must differ between
the machines that share a database: a holder is known only by its host and process id.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

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
    """Take (or renew) the lease ``name`` for ``ttl``; False when someone else alive holds it."""
    now = utcnow()
    if _claim(session, name, holder, now + ttl, sa.or_(col(Lock.holder) == holder, col(Lock.expires_at) <= now)):
        return True
    try:
        session.execute(sa.insert(Lock).values(name=name, holder=holder, expires_at=now + ttl))
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    current = session.execute(sa.select(col(Lock.holder)).where(col(Lock.name) == name)).scalar()
    gone = current is not None and holder_alive(current) is False
    if gone and _claim(session, name, holder, now + ttl, col(Lock.holder) == current):
        log.info("lease %s: its holder %s is gone; taken over", name, current)
        return True
    log.debug("lease %s: held by %s", name, current)
    return False


def _claim(session: Session, name: str, holder: str, expires_at: datetime, condition: sa.ColumnElement[bool]) -> bool:
    """Make ``holder`` the holder of the existing lease ``name`` if ``condition`` holds; commits."""
    update = sa.update(Lock).where(col(Lock.name) == name, condition).values(holder=holder, expires_at=expires_at)
    taken = session.execute(update).rowcount == 1  # type: ignore[attr-defined]
    session.commit()
    return bool(taken)


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
