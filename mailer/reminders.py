"""Reminders: applicants who have not replied after the configured days hear from us again.

A reminder is an outbox row of kind ``reminder-1`` or ``reminder-2``, on the channel whose
invitation reached the applicant (email, fax, or a letter in the post print batch; a form
handed over at the counter has no one to remind). Dispatch sends them like invitations and
checks once more, just before sending, that no reply or opt-out arrived meanwhile.
Never after a reply, an opt-out, or the round's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from ..models import Channel, Dossier, OutboxMessage, OutboxState, Round, Survey, SurveyStatus
from ..settings import Settings
from ..survey.surveys import INVITATION, add_outbox

REMINDABLE = (Channel.email, Channel.fax, Channel.post)


def reminder_kind(number: int) -> str:
    return f"reminder-{number}"


def is_reminder(kind: str) -> bool:
    return kind.startswith("reminder-")


def reminder_number(kind: str) -> int:
    """1 or 2 for a reminder's outbox kind; 0 for the invitation."""
    return int(kind.rpartition("-")[2]) if is_reminder(kind) else 0


def due_reminder(sent_at: datetime, reminders_sent: int, days: list[int], now: datetime) -> int | None:
    """The number of the reminder due now (1-based), or None."""
    if reminders_sent >= len(days):
        return None
    return reminders_sent + 1 if now - sent_at >= timedelta(days=days[reminders_sent]) else None


@dataclass
class ReminderReport:
    queued: int = 0
    by_channel: dict[str, int] | None = None


def queue_reminders(session: Session, settings: Settings, *, now: datetime) -> ReminderReport:
    """Queue every reminder due now; commits. Dispatch (or the post print batch) sends them."""
    today = now.astimezone(settings.organization.zone).date()
    report = ReminderReport(by_channel={})
    for survey, dossier, invitation in _candidates(session, today):
        sent_before = _reminders_sent(session, survey)
        assert invitation.sent_at is not None
        number = due_reminder(invitation.sent_at, sent_before, settings.reminders.days, now)
        if number is None:
            continue
        add_outbox(session, survey, dossier, settings, kind=reminder_kind(number))
        report.queued += 1
        assert report.by_channel is not None
        report.by_channel[survey.channel.value] = report.by_channel.get(survey.channel.value, 0) + 1
    session.commit()
    return report


def _candidates(session: Session, today: date) -> list[tuple[Survey, Dossier, OutboxMessage]]:
    rows = session.exec(
        select(Survey, Dossier, OutboxMessage)
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
        .join(OutboxMessage, col(OutboxMessage.survey_id) == col(Survey.id))
        .where(
            col(Survey.responded).is_(False),
            col(Survey.opted_out_at).is_(None),
            col(Survey.status) == SurveyStatus.sent,
            col(Round.ends_on) >= today,
            col(OutboxMessage.kind) == INVITATION,
            col(OutboxMessage.state) == OutboxState.sent,
            col(OutboxMessage.channel).in_(REMINDABLE),
            col(OutboxMessage.channel) == col(Survey.channel),
        )
        .order_by(col(Survey.id))
    ).all()
    return list(rows)


def _reminders_sent(session: Session, survey: Survey) -> int:
    """How many reminders the survey already has (queued or sent) on its current channel."""
    kinds = session.exec(
        select(OutboxMessage.kind).where(
            col(OutboxMessage.survey_id) == survey.id, col(OutboxMessage.channel) == survey.channel
        )
    ).all()
    return sum(is_reminder(kind) for kind in kinds)


def still_wanted(survey: Survey, round_end: date, today: date) -> str:
    """Why a queued reminder must not go after all ("" when it still should)."""
    if survey.responded:
        return "người nộp đã gửi phiếu"
    if survey.opted_out_at is not None:
        return "người nộp đã từ chối nhận thư nhắc"
    if today > round_end:
        return "đợt khảo sát đã kết thúc"
    return ""
