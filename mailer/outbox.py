"""The outbox: every outbound form is a row that is claimed, sent and marked.

States: pending → claimed → transmitting → sent, with failed, uncertain and (for paper)
batched beside them. Claiming is a conditional UPDATE whose row count says who won, so
two dispatchers on one PostgreSQL database never take the same row. A row is
``transmitting`` from the moment its DATA starts. A crash leaves rows ``claimed`` (nothing
left, even during MAIL or RCPT: released again) or ``transmitting`` (may have left:
uncertain). A dispatcher renews its claims while it sends (``renew_claims``, for paced
batches); a claim is abandoned when its holder, a process of this host, is gone, or when
it was not renewed for ``LEASE`` (another host's). An uncertain email or fax is queued once
more after a grace period, with its Message-ID kept, and ``resent_at`` set so that it never
is again (intake counts a reply per survey, so a second copy is harmless). What a delivery
means for the survey (sent, moved to its next channel, failed) is decided in
survey/lifecycle.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..leases import holder_alive, holder_name
from ..models import Channel, Dossier, OutboxMessage, OutboxState, Survey
from ..settings import Settings
from ..survey import lifecycle
from ..survey.rounds import period_for
from ..survey.surveys import add_outbox, ensure_survey

LEASE = timedelta(minutes=2)  # a claim not renewed for this long, by a process of another host, is abandoned
RENEW_EVERY = LEASE / 4
ELECTRONIC = (Channel.email, Channel.fax)


@dataclass
class QueueReport:
    created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def queue_new_surveys(session: Session, settings: Settings, *, form_version: str, today: date) -> QueueReport:
    """Give every dossier without a survey its survey and first outbox row, one commit each.

    A dossier whose round closed before today gets none, and is counted as skipped.
    """
    report = QueueReport()
    orphans = session.exec(
        select(Dossier)
        .outerjoin(Survey, col(Survey.dossier_id) == col(Dossier.id))
        .where(col(Survey.id).is_(None))
        .order_by(col(Dossier.id))
    ).all()
    for dossier in orphans:
        if period_for(dossier.received_on, settings.rounds).is_closed(today):
            report.skipped["đợt khảo sát đã kết thúc"] += 1
            continue
        try:
            survey = ensure_survey(session, dossier, settings=settings, form_version=form_version)
            add_outbox(session, survey, dossier, settings)
            session.commit()
        except sa.exc.IntegrityError:  # another dispatcher queued this dossier first
            session.rollback()
            continue
        report.created += 1
    return report


def recover_abandoned(session: Session, *, now: datetime) -> tuple[int, int]:
    """Settle rows left by a dispatcher that died: (released, made uncertain). Commits."""
    rows = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.state).in_([OutboxState.claimed, OutboxState.transmitting]))
    ).all()
    released = uncertain = 0
    for row in rows:
        if not _abandoned(row, now):
            continue
        if row.state is OutboxState.claimed:
            row.state, row.claimed_by = OutboxState.pending, ""
            released += 1
        else:
            row.state = OutboxState.uncertain
            row.last_error = "tiến trình gửi dừng giữa lệnh SMTP DATA: không rõ thư đã đến máy chủ chưa"
            uncertain += 1
        session.add(row)
    session.commit()
    return released, uncertain


def _abandoned(row: OutboxMessage, now: datetime) -> bool:
    """Whether the claimer is gone: asked of the system for another process of this host, else by the claim's age."""
    alive = None if row.claimed_by == holder_name() else holder_alive(row.claimed_by)
    if alive is not None:
        return not alive
    return row.claimed_at is None or now - row.claimed_at > LEASE


def claim(session: Session, *, channels: tuple[Channel, ...], limit: int, now: datetime) -> list[int]:
    """Claim up to ``limit`` due rows of ``channels`` for this process; commits."""
    due = session.exec(
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.state) == OutboxState.pending,
            col(OutboxMessage.channel).in_(channels),
            sa.or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    ).all()
    me = holder_name()
    claimed = []
    for row_id in due:
        result = session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.state) == OutboxState.pending)
            .values(state=OutboxState.claimed, claimed_by=me, claimed_at=now)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    session.commit()
    return [row_id for row_id in claimed if row_id is not None]


def requeue_uncertain(session: Session, *, now: datetime, grace: timedelta) -> int:
    """Queue once more every uncertain email or fax whose DATA started ``grace`` ago or more; commits.

    Not when its survey has a reply. The row keeps its Message-ID; ``resent_at`` is set by
    the same conditional UPDATE that takes it, so two dispatchers queue it once between
    them, and never again after. ``claimed_at`` is the moment its DATA started
    (``mark_transmitting``), so a changed ``grace`` applies to every row at once.
    """
    due = session.exec(
        select(OutboxMessage.id)
        .join(Survey, col(Survey.id) == col(OutboxMessage.survey_id))
        .where(
            col(OutboxMessage.state) == OutboxState.uncertain,
            col(OutboxMessage.channel).in_(ELECTRONIC),
            col(OutboxMessage.resent_at).is_(None),
            sa.or_(col(OutboxMessage.claimed_at).is_(None), col(OutboxMessage.claimed_at) <= now - grace),
            col(Survey.responded).is_(False),
        )
        .order_by(col(OutboxMessage.id))
    ).all()
    requeued = 0
    for row_id in due:
        result = session.execute(
            sa.update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == row_id,
                col(OutboxMessage.state) == OutboxState.uncertain,
                col(OutboxMessage.resent_at).is_(None),
            )
            .values(state=OutboxState.pending, claimed_by="", next_attempt_at=now, resent_at=now)
        )
        requeued += result.rowcount  # type: ignore[attr-defined]
    session.commit()
    return requeued


def set_state(session: Session, row_id: int, state: OutboxState, **values: object) -> None:
    session.execute(sa.update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(state=state, **values))
    session.commit()


def mark_sent(session: Session, row: OutboxMessage, *, now: datetime) -> None:
    """The row left (or its print batch was confirmed): it and its survey are sent. Commits."""
    row.state, row.sent_at, row.last_error = OutboxState.sent, now, ""
    session.add(row)
    lifecycle.sent(session, row, now=now)
    session.commit()


def mark_transmitting(session: Session, row_id: int, *, now: datetime) -> None:
    """Its DATA starts: from now on the form may have left. The claim's time becomes this moment."""
    set_state(session, row_id, OutboxState.transmitting, claimed_at=now)


def mark_retry(session: Session, row: OutboxMessage, error: str, *, now: datetime, delays: list[int]) -> bool:
    """Schedule another attempt; False when the attempts are used up."""
    row.attempts += 1
    row.last_error = error
    if row.attempts > len(delays):
        session.add(row)
        session.commit()
        return False
    row.state = OutboxState.pending
    row.claimed_by = ""
    row.next_attempt_at = now + timedelta(minutes=delays[row.attempts - 1])
    session.add(row)
    session.commit()
    return True


def mark_failed(session: Session, row: OutboxMessage, error: str, settings: Settings) -> Channel | None:
    """A permanent failure (an SMTP 5xx): the survey's next channel, queued (None: none left). Commits."""
    following = lifecycle.delivery_failed(session, row, error, settings)
    session.commit()
    return following


def renew_claims(session: Session, row_ids: list[int], *, now: datetime) -> None:
    """This process still works on its claimed rows: their claim's time becomes ``now``. Commits."""
    if row_ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_(row_ids),
                col(OutboxMessage.state) == OutboxState.claimed,
                col(OutboxMessage.claimed_by) == holder_name(),
            )
            .values(claimed_at=now)
        )
        session.commit()


def release(session: Session, row_ids: list[int]) -> None:
    """Give claimed rows back untouched (the run stops before sending them)."""
    if row_ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(row_ids), col(OutboxMessage.state) == OutboxState.claimed)
            .values(state=OutboxState.pending, claimed_by="")
        )
        session.commit()
