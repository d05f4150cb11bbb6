"""A survey's responses: each one stored with every answer, and which of them counts.

A survey counts as returned once, with its first response (or, when so configured, its
latest). The same answers again are kept as a duplicate that does not count; different
answers are kept and flagged as conflicting, for a person to settle. A revision (the
applicant changing their answers on the web form, which only they can open) is a new
version instead: it counts in place of the one that counted, which it points to
(``duplicate_of``), so the versions of a survey's answers are a chain and one of them
counts. Functions flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import Answer, Response, ResponseMethod, Survey, utcnow
from . import lifecycle


@dataclass(frozen=True)
class ReadAnswers:
    """The answers of one form as read, before they are stored."""

    answers: Mapping[str, str | None]
    method: ResponseMethod
    uncertain: Mapping[str, str] = field(default_factory=dict)  # question → reason
    confidence: Mapping[str, float] = field(default_factory=dict)
    comment: str = ""

    @property
    def digest(self) -> str:
        canonical = json.dumps(dict(sorted(self.answers.items())), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def counted_response(session: Session, survey_id: int) -> Response | None:
    return session.exec(
        select(Response).where(col(Response.survey_id) == survey_id, col(Response.counted).is_(True))
    ).first()


def record_response(
    session: Session,
    survey: Survey,
    read: ReadAnswers,
    *,
    matched_by: str,
    inbound_id: int | None = None,
    source_file: str = "",
    keep_first: bool = True,
    revision: bool = False,
    now: datetime | None = None,
) -> Response:
    """Store one response and its answers; the survey's first makes it returned. Flushes.

    The survey's row is locked first (PostgreSQL), so two replies recorded at once for one
    survey are counted one after the other, never both as its first.
    """
    now = now or utcnow()
    assert survey.id is not None
    session.execute(sa.select(col(Survey.id)).where(col(Survey.id) == survey.id).with_for_update())
    previous = counted_response(session, survey.id)
    response = Response(
        survey_id=survey.id,
        inbound_id=inbound_id,
        source_file=source_file,
        answers_hash=read.digest,
        method=read.method,
        matched_by=matched_by,
        confidence=min(read.confidence.values(), default=1.0),
        comment=read.comment,
        received_at=now,
    )
    if previous is not None:
        response.duplicate_of = previous.id
        different = previous.answers_hash != read.digest
        if revision:  # the applicant's own change: the new version counts, nothing to settle
            response.counted = different or previous.comment != read.comment
        else:
            response.conflicting = different
            response.counted = different and not keep_first
        if response.counted:
            previous.counted = False
            session.add(previous)
    session.add(response)
    session.flush()
    _store_answers(session, response, read)
    if previous is None:
        lifecycle.responded(session, survey, now=now)
    return response


def count_only(session: Session, response: Response) -> list[int]:
    """Make ``response`` the one its survey counts: every other stops counting. Flushes.

    A person's choice (review/service.py, Keep) may fall on any of the survey's replies, while
    others arrived meanwhile (a third paper reply, a web revision) or the counted one was
    discarded: so every counted one is looked up, not only the pair the choice was about. A
    survey that no longer counted a reply is returned again, with the time this one came.
    The survey's row is locked first, as in ``record_response``. Returns the ids of the
    replies that counted before (``response``'s own when it did), for the audit entry.
    """
    survey = session.get(Survey, response.survey_id)
    assert survey is not None and survey.id is not None
    session.flush()
    session.refresh(survey, with_for_update=True)
    query = select(Response).where(col(Response.survey_id) == survey.id, col(Response.counted).is_(True))
    before = list(session.exec(query.order_by(col(Response.id)).execution_options(populate_existing=True)))
    for other in before:
        if other.id != response.id:
            other.counted = False
            session.add(other)
    response.counted = True
    session.add(response)
    session.flush()
    if not survey.responded:
        lifecycle.responded(session, survey, now=response.received_at)
    return [counted.id for counted in before if counted.id is not None]


def discard_response(session: Session, response: Response) -> None:
    """The response stops counting; the survey falls back on the earlier reply, or none. Flushes."""
    if not response.counted:
        return
    response.counted = False
    session.add(response)
    session.flush()
    survey = session.get(Survey, response.survey_id)
    assert survey is not None and survey.id is not None
    earlier = session.get(Response, response.duplicate_of) if response.duplicate_of else None
    if earlier is not None:
        earlier.counted = True
        session.add(earlier)
    elif counted_response(session, survey.id) is None:
        lifecycle.reply_withdrawn(session, survey)


def _store_answers(session: Session, response: Response, read: ReadAnswers) -> None:
    """One bulk INSERT for the answers (a form has ~25; ORM objects cost 10× more)."""
    questions = sorted(read.answers.keys() | read.uncertain.keys())
    rows = [
        {
            "response_id": response.id,
            "question": question,
            "value": None if question in read.uncertain else read.answers.get(question),
            "confidence": read.confidence.get(question, 0.0 if question in read.uncertain else 1.0),
            "uncertain": question in read.uncertain,
        }
        for question in questions
    ]
    if rows:
        session.execute(sa.insert(Answer), rows)
