"""A survey's responses: each one stored with every answer, and which of them counts.

A survey counts as returned once, with its first response (or, when so configured, its
latest). The same answers again are kept as a duplicate that does not count; different
answers are kept and flagged as conflicting, for a person to settle. A revision (the
applicant changing their answers on the web form, which only they can open) is a new
version instead: it counts in place of the one that counted, which it points to
(``duplicate_of``), so the versions of a survey's answers are a chain and one of them
counts. Functions flush; the caller commits.

A paper form may come back in parts (two photos in one message, page 2 in a later message
or scan), so a reply read from paper says which form pages it holds (``ReadAnswers.pages``)
and the response records them (``Response.pages``). A page the counted response lacks is
written into it: the same reply, counted once, now holding both pages. The same page again
(the same answers) is a duplicate of that page; the same page with other answers is a
conflict for a person, kept as a response that holds the counted one's answers with that
page as read the second time (so ``Keep`` "second" takes the whole form; a page that comes
while the conflict waits completes both). Every arrival is kept as a row of its own (a
completing page as one that does not count, pointing at the reply it completed), so every
message a reply came in is tied to its survey. A reply missing a page counts as returned
from its first page: the questions of the page that never came have no answer, as a
question left blank has none.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import Answer, Response, ResponseMethod, ReviewItem, ReviewKind, ReviewState, Survey, utcnow
from . import lifecycle


@dataclass(frozen=True)
class ReadAnswers:
    """The answers of one form as read, before they are stored."""

    answers: Mapping[str, str | None]
    method: ResponseMethod
    uncertain: Mapping[str, str] = field(default_factory=dict)  # question → reason
    confidence: Mapping[str, float] = field(default_factory=dict)
    comment: str = ""
    # Form page → the questions printed on it, for a reply read page by page (paper, a filled
    # PDF); {} for one not told apart by page (web, typed by a clerk): the whole form.
    pages: Mapping[int, frozenset[str]] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return _digest(dict(sorted(self.answers.items())))

    def page_digest(self, page: int) -> str:
        """What page ``page`` says: its answers, an unread one apart from a blank one."""
        return _digest([(q, self.answers.get(q), q in self.uncertain) for q in sorted(self.pages[page])])

    def only(self, pages: Iterable[int]) -> ReadAnswers:
        """The answers of ``pages`` alone."""
        kept = {page: self.pages[page] for page in pages}
        questions = frozenset().union(*kept.values())
        return replace(
            self,
            answers={q: v for q, v in self.answers.items() if q in questions},
            uncertain={q: r for q, r in self.uncertain.items() if q in questions},
            confidence={q: c for q, c in self.confidence.items() if q in questions},
            pages=kept,
        )


class Outcome(enum.StrEnum):
    """What one arrival did to its survey's replies."""

    new = "new"  # the survey's first reply, or a revision that counts now
    completed = "completed"  # pages the counted reply lacked, written into it
    duplicate = "duplicate"  # the same answers again: kept, not counted
    conflict = "conflict"  # other answers for what the counted reply holds: for a person


@dataclass(frozen=True)
class Recorded:
    response: Response  # the reply that holds the answers (for ``completed``, the counted one completed)
    outcome: Outcome
    arrival: Response  # the row of this arrival (``response`` itself, unless ``completed``)
    uncertain: Mapping[str, str]  # the unread answers this arrival brought into ``response``


def pages_held(response: Response) -> dict[int, dict[str, Any]]:
    """The form pages ``response`` holds: page → its digest, message and file; {} when not told apart."""
    return {int(page): held for page, held in json.loads(response.pages or "{}").items()}


def counted_response(session: Session, survey_id: int) -> Response | None:
    return session.exec(
        select(Response).where(col(Response.survey_id) == survey_id, col(Response.counted).is_(True))
    ).first()


def record_answers(
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
) -> Recorded:
    """Store one arrival and its answers; the survey's first makes it returned. Flushes.

    The survey's row is locked first (PostgreSQL), so two replies recorded at once for one
    survey are counted one after the other, never both as its first (nor two pages both
    as its first page).
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
        pages=_pages_json(read, inbound_id, source_file),
    )
    if previous is not None and read.pages and previous.pages and not revision:
        return _record_pages(session, previous, response, read, keep_first=keep_first)
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
    if response.conflicting:
        return Recorded(response, Outcome.conflict, response, read.uncertain)
    if previous is not None and not response.counted:
        return Recorded(response, Outcome.duplicate, response, {})
    return Recorded(response, Outcome.new, response, read.uncertain)


def _record_pages(
    session: Session, counted: Response, arrival: Response, read: ReadAnswers, *, keep_first: bool
) -> Recorded:
    """A reply read page by page, for a survey whose counted reply is told apart by page too."""
    held = pages_held(counted)
    changed = [page for page in read.pages if page in held and held[page]["digest"] != read.page_digest(page)]
    fresh = sorted(page for page in read.pages if page not in held)
    arrival.duplicate_of, arrival.counted = counted.id, False
    if changed:
        return _conflict(session, counted, arrival, read, keep_first=keep_first)
    session.add(arrival)
    session.flush()
    _store_answers(session, arrival, read)
    if not fresh:
        return Recorded(arrival, Outcome.duplicate, arrival, {})
    written = read.only(fresh)
    for response in [counted, *_open_alternatives(session, counted, fresh)]:
        merge_pages(session, response, written, inbound_id=arrival.inbound_id, source_file=arrival.source_file)
    return Recorded(counted, Outcome.completed, arrival, written.uncertain)


def _open_alternatives(session: Session, counted: Response, pages: list[int]) -> list[Response]:
    """The other versions of the counted reply a person has yet to choose between (the reply
    of an open conflict) that lack some of ``pages``: a page that comes while a conflict
    waits completes both, so either choice is a whole form."""
    waiting = session.exec(
        select(Response)
        .join(ReviewItem, col(ReviewItem.response_id) == col(Response.id))
        .where(
            col(Response.duplicate_of) == counted.id,
            col(Response.conflicting).is_(True),
            col(ReviewItem.kind) == ReviewKind.conflict,
            col(ReviewItem.state) == ReviewState.open,
        )
    ).all()
    return [response for response in waiting if any(page not in pages_held(response) for page in pages)]


def _conflict(
    session: Session, counted: Response, arrival: Response, read: ReadAnswers, *, keep_first: bool
) -> Recorded:
    """The counted reply with the pages of ``read`` as read now: one whole form for ``Keep`` to choose."""
    arrival.conflicting, arrival.counted = True, not keep_first
    arrival.pages = counted.pages
    session.add(arrival)
    session.flush()
    assert arrival.id is not None and counted.id is not None
    questions = read.answers.keys() | read.uncertain.keys()
    rows = [
        {"response_id": arrival.id, **row}
        for row in session.execute(
            sa.select(col(Answer.question), col(Answer.value), col(Answer.confidence), col(Answer.uncertain)).where(
                col(Answer.response_id) == counted.id, col(Answer.question).not_in(questions)
            )
        ).mappings()
    ]
    if rows:
        session.execute(sa.insert(Answer), rows)
    merge_pages(session, arrival, read, inbound_id=arrival.inbound_id, source_file=arrival.source_file)
    if arrival.counted:
        counted.counted = False
        session.add(counted)
    return Recorded(arrival, Outcome.conflict, arrival, read.uncertain)


def merge_pages(
    session: Session, response: Response, read: ReadAnswers, *, inbound_id: int | None, source_file: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write the answers of ``read`` into ``response`` (over what it held for them) and note its pages.

    What a returned page brings to the reply it completes, and what a person merges in from
    the review queue. Returns the answers before and after, for the audit ("?": unread). Flushes.
    """
    assert response.id is not None
    questions = read.answers.keys() | read.uncertain.keys()
    query = select(Answer).where(col(Answer.response_id) == response.id, col(Answer.question).in_(questions))
    rows = {row.question: row for row in session.exec(query)}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for question in sorted(questions):
        row = rows.get(question) or Answer(response_id=response.id, question=question)
        before[question] = "?" if row.uncertain else row.value
        row.uncertain = question in read.uncertain
        row.value = None if row.uncertain else read.answers.get(question)
        row.confidence = read.confidence.get(question, 0.0 if row.uncertain else 1.0)
        after[question] = "?" if row.uncertain else row.value
        session.add(row)
    held = pages_held(response)
    held.update(_pages(read, inbound_id, source_file))
    response.pages = json.dumps({str(page): held[page] for page in sorted(held)}, ensure_ascii=False)
    stored = session.exec(select(Answer).where(col(Answer.response_id) == response.id)).all()
    response.answers_hash = _digest(dict(sorted({row.question: row.value for row in stored}.items())))
    response.confidence = min([response.confidence, *read.confidence.values()])
    if read.comment and read.comment not in response.comment:
        response.comment = "\n".join(filter(None, [response.comment, read.comment]))
    session.add(response)
    session.flush()
    return before, after


def _pages(read: ReadAnswers, inbound_id: int | None, source_file: str) -> dict[int, dict[str, Any]]:
    return {
        page: {"digest": read.page_digest(page), "inbound": inbound_id, "file": source_file}
        for page in sorted(read.pages)
    }


def _pages_json(read: ReadAnswers, inbound_id: int | None, source_file: str) -> str:
    held = _pages(read, inbound_id, source_file)
    return json.dumps({str(page): value for page, value in held.items()}, ensure_ascii=False) if held else ""


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()


def count_only(session: Session, response: Response) -> list[int]:
    """Make ``response`` the one its survey counts: every other stops counting. Flushes.

    A person's choice (review/service.py, Keep) may fall on any of the survey's replies, while
    others arrived meanwhile (a third paper reply, a web revision) or the counted one was
    discarded: so every counted one is looked up, not only the pair the choice was about. A
    survey that no longer counted a reply is returned again, with the time this one came.
    The survey's row is locked first, as in ``record_answers``. Returns the ids of the
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
