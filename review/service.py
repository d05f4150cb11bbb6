"""The review queue as a service: what the machine could not decide, settled by a person.

The intake opens items of the kinds in ``models.ReviewKind``: ``unmatched`` (a form read,
no survey found), ``uncertain`` (a response stored with some answers unread),
``conflict`` (a second, different response for a survey), ``attachment`` (nothing could
be read), ``error`` (the intake failed on the item itself) and ``blank`` (a form returned
with nothing on it). ``resolve`` settles one with a decision (review/decisions.py):

- ``Assign`` it to a survey (unmatched, attachment, error, blank): the reply is recorded
  for that survey (matched "manual"), with the answers read and any given ones;
- ``SetAnswers``: fill or correct the answers of an uncertain response; or enter the
  answers of an assignable item already tied to its survey;
- ``Keep`` (conflict): choose which of the two responses counts;
- ``Merge`` (conflict, unmatched, blank): the item's form pages belong in the survey's
  counted reply (a page returned apart, or read again with other answers): they are
  written into it (``merge_page``), or recorded as its reply when it has none;
- ``Reject``: it is not a reply; a response it holds stops counting (it is kept);
- ``Retry`` (error): once the cause is fixed, the intake processes the archived message
  again, and what it finds is counted like any reply. The intake's processing reaches
  this package as a ``Reprocess`` the caller passes in.

Every decision locks the item, writes an audit entry (who, what, before, after) and closes
the item; a closed item is refused. Nothing is committed: the caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, assert_never

from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..language import tr
from ..models import (
    Answer,
    InboundMessage,
    Response,
    ResponseMethod,
    ReviewItem,
    ReviewKind,
    ReviewState,
    Survey,
    utcnow,
)
from ..settings import Settings
from ..survey.codes import display_code, normalise_code
from ..survey.responses import (
    Outcome,
    ReadAnswers,
    Recorded,
    count_only,
    counted_response,
    discard_response,
    merge_pages,
    record_answers,
)
from .answers import correct_answers, questionnaire_for, read_answers, read_pages, text_questions, validate_answers
from .audit_log import audit
from .decisions import Assign, Decision, Given, Keep, Merge, Reject, Retry, SetAnswers
from .queue import add_review

ASSIGNABLE = frozenset({ReviewKind.unmatched, ReviewKind.attachment, ReviewKind.error, ReviewKind.blank})
MERGEABLE = frozenset({ReviewKind.conflict, ReviewKind.unmatched, ReviewKind.blank})  # items that hold pages read


class Reprocess(Protocol):
    """The intake's processing of a recorded item, run again on its archived bytes.

    Works in the given session without committing, and raises when it fails again.
    """

    def __call__(self, session: Session, inbound: InboundMessage) -> object: ...


@dataclass(frozen=True)
class Resolution:
    item: ReviewItem
    response: Response | None = None  # the response recorded, corrected or kept; None for a rejection


def list_items(session: Session, *, state: str | None = "open") -> list[ReviewItem]:
    """The items in ``state`` (every item when None), oldest first."""
    query = select(ReviewItem).order_by(col(ReviewItem.id))
    if state is not None:
        query = query.where(col(ReviewItem.state) == ReviewState(state))
    return list(session.exec(query).all())


def resolve(
    session: Session,
    item_id: int,
    decision: Decision,
    *,
    actor: str,
    settings: Settings,
    reprocess: Reprocess | None = None,
) -> Resolution:
    """Settle the open item ``item_id`` with ``decision``, as ``actor``; audited, not committed.

    ``reprocess`` is needed by ``Retry`` only.
    """
    item = open_item(session, item_id, actor=actor)
    match decision:
        case Assign(survey_code, answers):
            if item.kind not in ASSIGNABLE:
                raise KhaosatError(
                    tr("mục {id} ({kind}) đã gắn với phiếu; dùng --answer hoặc --reject", id=item_id, kind=item.kind)
                )
            return Resolution(
                item, _record_for(session, item, find_survey(session, survey_code), answers, actor, settings)
            )
        case SetAnswers(answers):
            return Resolution(item, _set_answers(session, item, answers, actor, settings))
        case Keep(which):
            return Resolution(item, _keep(session, item, which, actor))
        case Merge(survey_code):
            return Resolution(item, merge_page(session, item, actor=actor, settings=settings, survey_code=survey_code))
        case Reject(reason):
            _reject(session, item, reason, actor)
            return Resolution(item)
        case Retry():
            if reprocess is None:
                raise ValueError("Retry needs the intake's processing (reprocess=)")
            return Resolution(item, _retry(session, item, actor, reprocess))
        case _:
            assert_never(decision)


def open_item(session: Session, item_id: int, *, actor: str) -> ReviewItem:
    """The open item ``item_id``, locked against a second reviewer; ``actor`` must be named."""
    if not actor.strip():
        raise KhaosatError(tr("cần tên người xử lý (--by)"))
    query = select(ReviewItem).where(col(ReviewItem.id) == item_id).with_for_update()
    item = session.exec(query.execution_options(populate_existing=True)).first()
    if item is None:
        raise KhaosatError(tr("không có mục xem xét số {item_id}", item_id=item_id))
    if item.state != ReviewState.open:
        when = f"{item.resolved_at:%d/%m/%Y %H:%M} UTC" if item.resolved_at else tr("trước đó")
        raise KhaosatError(
            tr("mục {id} đã được xử lý ({state}) bởi {by} lúc {when}", id=item_id, state=item.state.value,
               by=item.resolved_by or "?", when=when)
        )  # fmt: skip
    return item


def find_survey(session: Session, text: str) -> Survey:
    code = normalise_code(text)
    if code is None:
        raise KhaosatError(
            tr("mã phiếu “{text}” không hợp lệ: mã có 8 ký tự dạng XXXX-XXXX, ví dụ 7K3M-Q9TX", text=text)
        )
    survey = session.exec(select(Survey).where(col(Survey.code) == code)).first()
    if survey is None:
        raise KhaosatError(tr("không có phiếu khảo sát mã {code}", code=display_code(code)))
    return survey


def _set_answers(session: Session, item: ReviewItem, answers: Given, actor: str, settings: Settings) -> Response:
    """Fill or correct the answers of an uncertain item; or enter them for an assignable one tied to its survey."""
    if item.kind in ASSIGNABLE:
        return _record_for(session, item, _item_survey(session, item), answers, actor, settings)
    if item.kind != ReviewKind.uncertain or item.response_id is None:
        raise KhaosatError(
            tr("mục {id} ({kind}) không nhập câu trả lời được; dùng --keep hoặc --reject", id=item.id, kind=item.kind)
        )
    response = session.get(Response, item.response_id)
    assert response is not None and response.id is not None
    survey = session.get(Survey, response.survey_id)
    assert survey is not None
    questionnaire = questionnaire_for(session, settings, survey.form_version)
    given = validate_answers(questionnaire, answers)
    doubts = set(json.loads(item.details or "{}").get("uncertain") or {}) or None
    before, after = correct_answers(session, response, given, text_questions(questionnaire), doubts)
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.answers",
        target=f"review:{item.id}",
        survey=display_code(survey.code),
        response=response.id,
        before=before,
        after=after,
    )
    return response


def _keep(session: Session, item: ReviewItem, keep: Literal["first", "second"], actor: str) -> Response:
    """Settle a conflict: the first response received counts, or the second (the item's), and no other.

    The survey may have more replies than the two (a third paper reply, a web revision since):
    the chosen one becomes the only one counted (``count_only``), never one more.
    """
    if item.kind != ReviewKind.conflict or item.response_id is None:
        raise KhaosatError(tr("mục {id} ({kind}) không phải hai phiếu trả lời khác nhau", id=item.id, kind=item.kind))
    second = session.get(Response, item.response_id)
    assert second is not None and second.duplicate_of is not None
    first = session.get(Response, second.duplicate_of)
    assert first is not None
    chosen = first if keep == "first" else second
    counted_before = count_only(session, chosen)
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.keep",
        target=f"review:{item.id}",
        before={"counted": counted_before},  # a list: the survey may have counted none (or, after a fault, several)
        after={"counted": chosen.id},
    )
    return chosen


def merge_page(
    session: Session, item: ReviewItem, *, actor: str, settings: Settings, survey_code: str | None = None
) -> Response:
    """Write the form pages of the open ``item`` (from ``open_item``) into its survey's counted reply.

    A conflict's pages come from the response it holds (as read, or as corrected since);
    an unmatched or blank item's from what was read. ``survey_code`` names the survey of an
    item not tied to one. A survey with no reply counts this one. Audited; not committed.
    """
    if item.kind not in MERGEABLE:
        raise KhaosatError(
            tr("mục {id} ({kind}) không có trang phiếu nào để ghép; dùng --survey hoặc --answer", id=item.id,
               kind=item.kind)
        )  # fmt: skip
    survey = find_survey(session, survey_code) if survey_code else _item_survey(session, item)
    assert survey.id is not None
    read = _page_read(session, item)
    target = counted_response(session, survey.id)
    if target is not None and target.id == item.response_id:
        raise KhaosatError(tr("mục {id}: phiếu trả lời này đang được tính; chọn phiếu bằng --keep", id=item.id))
    before: dict[str, Any] = {}
    after: dict[str, Any] = dict(read.answers)
    if target is None:
        target = _record(session, item, survey, read, settings).response
    else:
        before, after = merge_pages(session, target, read, inbound_id=item.inbound_id, source_file=item.source_file)
    _follow_up(session, item, survey, target, read.uncertain, conflicting=False)
    item.survey_id = survey.id
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.merge",
        target=f"review:{item.id}",
        survey=display_code(survey.code),
        response=target.id,
        pages=sorted(read.pages),
        before=before,
        after=after,
    )
    return target


def _page_read(session: Session, item: ReviewItem) -> ReadAnswers:
    """The pages an item holds: the stored answers of its response for the questions read, or the reading."""
    details: dict[str, Any] = json.loads(item.details or "{}")
    answers: dict[str, str | None] = dict(details.get("answers") or {})
    uncertain: dict[str, str] = dict(details.get("uncertain") or {})
    method = ResponseMethod(details.get("method") or "manual")
    response = session.get(Response, item.response_id) if item.response_id else None
    comment = ""
    if response is not None:
        query = select(Answer).where(col(Answer.response_id) == response.id)
        rows = [row for row in session.exec(query) if row.question in answers.keys() | uncertain.keys()]
        answers = {row.question: row.value for row in rows}
        uncertain = {row.question: "chưa chắc" for row in rows if row.uncertain}
        method, comment = response.method, response.comment
    return ReadAnswers(answers=answers, method=method, uncertain=uncertain, comment=comment, pages=read_pages(details))


def _reject(session: Session, item: ReviewItem, reason: str, actor: str) -> None:
    """Close the item as not a reply; a response it holds stops counting but is kept."""
    if not reason.strip():
        raise KhaosatError(tr("cần ghi lý do từ chối"))
    response = session.get(Response, item.response_id) if item.response_id else None
    before = {"state": item.state.value, "counted": bool(response and response.counted)}
    if response is not None:
        discard_response(session, response)
    _close(item, ReviewState.rejected, actor)
    audit(
        session,
        actor=actor,
        action="review.reject",
        target=f"review:{item.id}",
        reason=reason.strip(),
        before=before,
        after={"state": item.state.value, "counted": False},
    )


def _retry(session: Session, item: ReviewItem, actor: str, reprocess: Reprocess) -> Response | None:
    """Process the item's archived message again; what it finds is recorded as the intake records it.

    When it fails again the session is rolled back and the item stays open.
    """
    item_id = item.id
    inbound = session.get(InboundMessage, item.inbound_id) if item.inbound_id else None
    if item.kind != ReviewKind.error or inbound is None:
        raise KhaosatError(
            tr("mục {id} ({kind}) không phải lỗi khi xử lý thư: không thử lại được", id=item_id, kind=item.kind)
        )
    before = {"state": inbound.state.value, "reason": inbound.reason}
    try:
        reprocess(session, inbound)
    except Exception as exc:  # the cause is not fixed yet: nothing of the attempt is kept
        session.rollback()
        raise KhaosatError(tr("mục {id}: xử lý lại vẫn lỗi: {error}", id=item_id, error=exc)) from exc
    responses = session.exec(
        select(Response).where(col(Response.inbound_id) == inbound.id).order_by(col(Response.id))
    ).all()
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.retry",
        target=f"review:{item.id}",
        before=before,
        after={"state": inbound.state.value, "responses": [response.id for response in responses]},
    )
    return responses[0] if responses else None


def _item_survey(session: Session, item: ReviewItem) -> Survey:
    survey = session.get(Survey, item.survey_id) if item.survey_id else None
    if survey is None:
        raise KhaosatError(tr("mục {id} chưa gắn với phiếu nào: ghi mã phiếu (--survey MÃ)", id=item.id))
    return survey


def _record_for(
    session: Session,
    item: ReviewItem,
    survey: Survey,
    answers: Given,
    actor: str,
    settings: Settings,
) -> Response:
    details: dict[str, Any] = json.loads(item.details or "{}")
    earlier = session.get(Survey, item.survey_id) if item.survey_id else None
    questionnaire = questionnaire_for(session, settings, survey.form_version)
    given = validate_answers(questionnaire, answers)
    read = read_answers(ReviewKind(item.kind), details, given, text_questions(questionnaire))
    recorded = _record(session, item, survey, read, settings)
    response = recorded.response
    _follow_up(session, item, survey, response, recorded.uncertain, conflicting=recorded.outcome is Outcome.conflict)
    item.survey_id, item.response_id = survey.id, response.id
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.assign",
        target=f"review:{item.id}",
        survey=display_code(survey.code),
        response=response.id,
        counted=response.counted,
        before={"survey": display_code(earlier.code) if earlier else None},
        after={"survey": display_code(survey.code), "answers": dict(read.answers)},
    )
    return response


def _record(session: Session, item: ReviewItem, survey: Survey, read: ReadAnswers, settings: Settings) -> Recorded:
    return record_answers(
        session,
        survey,
        read,
        matched_by="manual",
        inbound_id=item.inbound_id,
        source_file=item.source_file,
        keep_first=settings.intake.keep_first_response,
    )


def _follow_up(
    session: Session,
    item: ReviewItem,
    survey: Survey,
    response: Response,
    uncertain: Mapping[str, str],
    *,
    conflicting: bool,
) -> None:
    """A recorded reply may still conflict with an earlier one, or hold unread answers: new items."""
    code = display_code(survey.code)
    common: dict[str, Any] = {
        "inbound_id": item.inbound_id,
        "survey_id": survey.id,
        "response_id": response.id,
        "source_file": item.source_file,
        "evidence": json.loads(item.evidence or "{}"),
        "details": json.loads(item.details or "{}"),
    }
    if conflicting:
        add_review(session, ReviewKind.conflict, f"Phiếu {code} đã được nhận với câu trả lời khác", **common)
    if uncertain:
        questions = ", ".join(sorted(uncertain))
        add_review(session, ReviewKind.uncertain, f"Phiếu {code}: cần xem lại câu {questions}", **common)


def _close(item: ReviewItem, state: ReviewState, actor: str) -> None:
    item.state, item.resolved_by, item.resolved_at = state, actor.strip(), utcnow()
