"""The survey's life: every change of its status, in one place.

::

    pending ──form left──► sent ──first reply counted──► responded
       ▲                    │  ◄──── its reply discarded ───┘
       └── undelivered ─────┘   (a bounce or a failed fax after it left)

A delivery that fails for good (an SMTP 5xx, a bounce, a failed fax) moves the survey to
its next channel with a new outbox row, or, with no channel left, makes it ``failed``.
An opt-out stops the reminders and leaves the status as it is.

The functions change the rows in the caller's session and commit nothing: the change is
committed with whatever caused it (the outbox row, the reply, the review decision). Each
moves the round's counters (survey/counts.py) in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ..models import Channel, Dossier, OutboxMessage, OutboxState, Survey, SurveyStatus
from ..settings import Settings
from . import counts
from .surveys import INVITATION, add_outbox, channels_for, next_channel


def sent(session: Session, row: OutboxMessage, *, now: datetime) -> None:
    """The form of ``row`` reached the applicant's side (sent, or printed and confirmed)."""
    survey = _survey_of(session, row)
    with counts.survey_change(session, survey):
        if survey.sent_at is None:
            survey.sent_at = now
        if survey.status in (SurveyStatus.pending, SurveyStatus.failed):
            survey.status = SurveyStatus.sent
        session.add(survey)


def delivery_failed(session: Session, row: OutboxMessage, error: str, settings: Settings) -> Channel | None:
    """``row`` failed for good: the survey moves to its next channel (returned), or fails.

    A failure reported after the invitation left (a bounce, a failed fax) takes back the
    survey's "sent": it was not delivered. What the survey already has stays: a reply counted
    (a late bounce changes nothing but the row), and a delivered invitation when a reminder
    fails (the reminder goes by the next channel, if any; the survey stays sent).
    """
    survey = _survey_of(session, row)
    with counts.survey_change(session, survey):
        undelivered = row.kind == INVITATION and row.state is OutboxState.sent
        row.state, row.last_error = OutboxState.failed, error
        session.add(row)
        if survey.responded:
            return None
        if undelivered and survey.status is SurveyStatus.sent:
            survey.status, survey.sent_at = SurveyStatus.pending, None
        dossier = session.get(Dossier, survey.dossier_id)
        assert dossier is not None
        following = next_channel(row.channel, channels_for(dossier, settings))
        if following is not None:
            survey.channel = following
            add_outbox(session, survey, dossier, settings, kind=row.kind)
        elif survey.sent_at is None:
            survey.status = SurveyStatus.failed
        session.add(survey)
    return following


def responded(session: Session, survey: Survey, *, now: datetime) -> None:
    """The survey's first reply was recorded: it counts as returned."""
    with counts.survey_change(session, survey):
        survey.responded, survey.responded_at, survey.status = True, now, SurveyStatus.responded
        session.add(survey)


def reply_withdrawn(session: Session, survey: Survey) -> None:
    """The survey's counted reply was discarded and none other counts: it waits for a reply again."""
    with counts.survey_change(session, survey):
        survey.responded, survey.responded_at = False, None
        survey.status = SurveyStatus.sent if survey.sent_at else SurveyStatus.pending
        session.add(survey)


def opted_out(session: Session, survey: Survey, *, now: datetime) -> bool:
    """The applicant asked for no more reminders; False when they had asked before."""
    if survey.opted_out_at is not None:
        return False
    survey.opted_out_at = now
    session.add(survey)
    return True


def _survey_of(session: Session, row: OutboxMessage) -> Survey:
    survey = session.get(Survey, row.survey_id)
    assert survey is not None
    return survey
