"""Claims on a report's sending, so a round report reaches the board once even with two daemons.

A ``ReportSent`` row per (kind, round) says the report was claimed, then sent. Why claim
first and send second: sending first and inserting the row afterwards would let two
daemons both send and only then find out (the second insert fails: the board gets the
report twice). The INSERT of the claim decides before anything leaves: the unique
constraint lets one daemon win, on SQLite and on PostgreSQL alike. Nothing is lost either:

- a send that fails releases the claim (``release``), so the next run sends the report;
- a daemon that dies holding a claim leaves it to expire after ``CLAIM_LEASE``; the next
  run takes it over by a conditional UPDATE (its row count says who won) and sends again
  with the Message-ID stored at the first claim. At worst, when the first send had reached
  the server, the board gets a copy with the same Message-ID; never no report.

Every function commits: pass a session with no other pending work.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..models import ReportSent

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(hours=1)  # far longer than building and sending a report takes


def _row(kind: str, round_name: str) -> sa.ColumnElement[bool]:
    return sa.and_(col(ReportSent.kind) == kind, col(ReportSent.round_name) == round_name)


def sent_rounds(session: Session, kind: str) -> set[str]:
    """The rounds whose ``kind`` report was sent."""
    query = select(ReportSent.round_name).where(col(ReportSent.kind) == kind, col(ReportSent.sent_at).is_not(None))
    return set(session.exec(query).all())


def claim(session: Session, kind: str, round_name: str, message_id: str, *, now: datetime) -> str | None:
    """Claim the sending of a report: the Message-ID to send it with, or None when it is sent or being sent.

    ``message_id`` is used by the first claim only; a claim taken over keeps the stored one.
    """
    try:
        session.execute(
            sa.insert(ReportSent).values(kind=kind, round_name=round_name, message_id=message_id, claimed_at=now)
        )
        session.commit()
        return message_id
    except IntegrityError:  # a row exists: sent, being sent, or left by a failure
        session.rollback()
    take_over = (
        sa.update(ReportSent)
        .where(_row(kind, round_name), col(ReportSent.sent_at).is_(None))
        .where(sa.or_(col(ReportSent.claimed_at).is_(None), col(ReportSent.claimed_at) < now - CLAIM_LEASE))
        .values(claimed_at=now)
    )
    if session.execute(take_over).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        log.info("%s report of %s: sent or being sent by another daemon", kind, round_name)
        return None
    session.commit()
    return session.exec(select(ReportSent.message_id).where(_row(kind, round_name))).one()


def release(session: Session, kind: str, round_name: str) -> None:
    """Give back a claim whose send failed: the report is due again."""
    session.execute(
        sa.update(ReportSent).where(_row(kind, round_name), col(ReportSent.sent_at).is_(None)).values(claimed_at=None)
    )
    session.commit()


def mark_sent(
    session: Session, kind: str, round_name: str, message_id: str, recipients: Sequence[str], *, now: datetime
) -> None:
    """Record the report sent (claimed or not: a report sent by hand is not sent again by the job)."""
    values = {"message_id": message_id, "sent_at": now, "recipients": json.dumps(list(recipients))}
    updated = session.execute(sa.update(ReportSent).where(_row(kind, round_name)).values(**values))
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(sa.insert(ReportSent).values(kind=kind, round_name=round_name, claimed_at=now, **values))
    session.commit()
