"""The outbox: every outbound form is a row that is claimed, sent and marked.

States: pending → claimed → transmitting → sent, with failed, uncertain and (for paper)
batched beside them. Claiming is a conditional UPDATE whose row count says who won, so
two dispatchers on one PostgreSQL database never take the same row. A crash leaves rows
``claimed`` (nothing left: released again) or ``transmitting`` (may have left: uncertain,
never resent on its own).
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import Channel, Dossier, OutboxMessage, OutboxState, Survey, SurveyStatus, utcnow
from ..settings import Settings
from ..survey.rounds import period_for
from ..survey.surveys import channels_for, ensure_survey, next_channel
from .compose import fax_address, new_message_id

LEASE = timedelta(minutes=15)
ELECTRONIC = (Channel.email, Channel.fax)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class QueueReport:
    created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def message_domain(settings: Settings) -> str:
    return settings.smtp.message_id_domain or settings.smtp.from_address.rpartition("@")[2] or "localhost"


def recipient_for(channel: Channel, dossier: Dossier, settings: Settings) -> str:
    if channel is Channel.email:
        return dossier.email
    if channel is Channel.fax:
        return fax_address(settings.fax.gateway, dossier.fax)
    return ""


def add_outbox(
    session: Session, survey: Survey, dossier: Dossier, settings: Settings, *, kind: str = "invitation"
) -> OutboxMessage:
    message = OutboxMessage(
        survey_id=survey.id or 0,
        kind=kind,
        channel=survey.channel,
        recipient=recipient_for(survey.channel, dossier, settings),
        message_id=new_message_id(message_domain(settings)),
        created_at=utcnow(),
    )
    session.add(message)
    return message


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
            row.last_error = "dispatcher stopped during the SMTP transaction"
            uncertain += 1
        session.add(row)
    session.commit()
    return released, uncertain


def _abandoned(row: OutboxMessage, now: datetime) -> bool:
    host, _, pid = row.claimed_by.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        return not _process_alive(int(pid))
    return row.claimed_at is None or now - row.claimed_at > LEASE


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    me = worker_name()
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


def set_state(session: Session, row_id: int, state: OutboxState, **values: object) -> None:
    session.execute(sa.update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(state=state, **values))
    session.commit()


def mark_sent(session: Session, row: OutboxMessage, *, now: datetime) -> None:
    row.state, row.sent_at, row.last_error = OutboxState.sent, now, ""
    survey = session.get(Survey, row.survey_id)
    assert survey is not None
    if survey.sent_at is None:
        survey.sent_at = now
    if survey.status in (SurveyStatus.pending, SurveyStatus.failed):
        survey.status = SurveyStatus.sent
    session.add_all([row, survey])
    session.commit()


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
    """Record a permanent failure and queue the survey on its next channel (returned).

    A failure reported after the message left (a bounce, a failed fax) takes back the
    survey's "sent": it was not delivered.
    """
    survey = session.get(Survey, row.survey_id)
    assert survey is not None
    if row.state is OutboxState.sent and survey.status is SurveyStatus.sent:
        survey.status, survey.sent_at = SurveyStatus.pending, None
    row.state, row.last_error = OutboxState.failed, error
    dossier = session.get(Dossier, survey.dossier_id)
    assert dossier is not None
    following = next_channel(row.channel, channels_for(dossier, settings))
    session.add(row)
    if following is None:
        survey.status = SurveyStatus.failed
    else:
        survey.channel = following
        add_outbox(session, survey, dossier, settings, kind=row.kind)
    session.add(survey)
    session.commit()
    return following


def release(session: Session, row_ids: list[int]) -> None:
    """Give claimed rows back untouched (the run stops before sending them)."""
    if row_ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(row_ids), col(OutboxMessage.state) == OutboxState.claimed)
            .values(state=OutboxState.pending, claimed_by="")
        )
        session.commit()
