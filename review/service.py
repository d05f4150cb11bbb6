"""The review queue: what the machine could not decide, settled by a person.

The intake opens items of five kinds: ``unmatched`` (a form read, no survey found),
``uncertain`` (a response stored with some answers unread), ``unreadable`` and ``attachment``
(nothing could be read), ``conflict`` (a second, different response for a survey). A person
then, per item:

- ``assign`` it to a survey (unmatched, unreadable, attachment): the reply is recorded for
  that survey (matched "manual"), with the answers read and any given ones;
- ``set_answers``: fill or correct the answers of an uncertain response; for an unreadable
  item or an attachment, enter the answers of the survey it belongs to;
- ``keep_response`` (conflict): choose which of the two responses counts;
- ``reject`` it: it is not a reply; a response it holds stops counting (it is kept).

Every action locks the item, writes an audit entry (who, what, before, after) and closes the
item; a closed item is refused. Functions flush; the caller commits.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..intake.record import ReadAnswers, add_review, audit, counted_response, record_response
from ..models import Response, ReviewItem, ReviewState, Survey, SurveyStatus, utcnow
from ..settings import Settings
from ..survey.codes import display_code, normalise_code
from .answers import Given, correct_answers, questionnaire_for, read_answers, text_questions, validate_answers

ASSIGNABLE = frozenset({"unmatched", "unreadable", "attachment"})


def list_items(session: Session, *, state: str | None = "open") -> list[ReviewItem]:
    """The items in ``state`` (every item when None), oldest first."""
    query = select(ReviewItem).order_by(col(ReviewItem.id))
    if state is not None:
        query = query.where(col(ReviewItem.state) == ReviewState(state))
    return list(session.exec(query).all())


def open_item(session: Session, item_id: int, *, actor: str) -> ReviewItem:
    """The open item ``item_id``, locked against a second reviewer; ``actor`` must be named."""
    if not actor.strip():
        raise KhaosatError("cần tên người xử lý (--by)")
    query = select(ReviewItem).where(col(ReviewItem.id) == item_id).with_for_update()
    item = session.exec(query.execution_options(populate_existing=True)).first()
    if item is None:
        raise KhaosatError(f"không có mục xem xét số {item_id}")
    if item.state != ReviewState.open:
        when = f"{item.resolved_at:%d/%m/%Y %H:%M} UTC" if item.resolved_at else "trước đó"
        raise KhaosatError(f"mục {item_id} đã được xử lý ({item.state.value}) bởi {item.resolved_by or '?'} lúc {when}")
    return item


def find_survey(session: Session, text: str) -> Survey:
    code = normalise_code(text)
    if code is None:
        raise KhaosatError(f"mã phiếu “{text}” không hợp lệ: mã có 8 ký tự dạng XXXX-XXXX, ví dụ 7K3M-Q9TX")
    survey = session.exec(select(Survey).where(col(Survey.code) == code)).first()
    if survey is None:
        raise KhaosatError(f"không có phiếu khảo sát mã {display_code(code)}")
    return survey


def assign(
    session: Session,
    item_id: int,
    survey_code: str,
    *,
    actor: str,
    answers: Given | None = None,
    settings: Settings | None = None,
) -> Response:
    """Record the reply of an unmatched, unreadable or attachment item for the survey ``survey_code``."""
    item = open_item(session, item_id, actor=actor)
    if item.kind not in ASSIGNABLE:
        raise KhaosatError(f"mục {item_id} ({item.kind}) đã gắn với phiếu; dùng --answer hoặc --reject")
    return _record_for(session, item, find_survey(session, survey_code), answers or {}, actor, settings or Settings())


def set_answers(
    session: Session,
    item_id: int,
    answers: Given,
    *,
    actor: str,
    survey_code: str | None = None,
    settings: Settings | None = None,
) -> Response:
    """Fill or correct the answers of an uncertain item; or enter them for an unreadable one."""
    settings = settings or Settings()
    item = open_item(session, item_id, actor=actor)
    if item.kind in ASSIGNABLE:
        target = find_survey(session, survey_code) if survey_code else _item_survey(session, item)
        return _record_for(session, item, target, answers, actor, settings)
    if item.kind != "uncertain" or item.response_id is None:
        raise KhaosatError(f"mục {item_id} ({item.kind}) không nhập câu trả lời được; dùng --keep hoặc --reject")
    response = session.get(Response, item.response_id)
    assert response is not None and response.id is not None
    survey = session.get(Survey, response.survey_id)
    assert survey is not None
    questionnaire = questionnaire_for(session, settings, survey.form_version)
    given = validate_answers(questionnaire, answers)
    before, after = correct_answers(session, response, given, text_questions(questionnaire))
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


def keep_response(session: Session, item_id: int, keep: Literal["first", "second"], *, actor: str) -> Response:
    """Settle a conflict: the first response received counts, or the second (the item's)."""
    item = open_item(session, item_id, actor=actor)
    if item.kind != "conflict" or item.response_id is None:
        raise KhaosatError(f"mục {item_id} ({item.kind}) không phải hai phiếu trả lời khác nhau")
    second = session.get(Response, item.response_id)
    assert second is not None and second.duplicate_of is not None
    first = session.get(Response, second.duplicate_of)
    assert first is not None
    before = {"counted": first.id if first.counted else second.id}
    chosen, other = (first, second) if keep == "first" else (second, first)
    chosen.counted, other.counted = True, False
    session.add_all([chosen, other])
    _close(item, ReviewState.resolved, actor)
    audit(
        session,
        actor=actor,
        action="review.keep",
        target=f"review:{item.id}",
        before=before,
        after={"counted": chosen.id},
    )
    return chosen


def reject(session: Session, item_id: int, reason: str, *, actor: str) -> ReviewItem:
    """Close the item as not a reply; a response it holds stops counting but is kept."""
    if not reason.strip():
        raise KhaosatError("cần ghi lý do từ chối")
    item = open_item(session, item_id, actor=actor)
    response = session.get(Response, item.response_id) if item.response_id else None
    before = {"state": item.state.value, "counted": bool(response and response.counted)}
    if response is not None:
        _discard(session, response)
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
    return item


def _item_survey(session: Session, item: ReviewItem) -> Survey:
    survey = session.get(Survey, item.survey_id) if item.survey_id else None
    if survey is None:
        raise KhaosatError(f"mục {item.id} chưa gắn với phiếu nào: ghi mã phiếu (--survey MÃ)")
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
    read = read_answers(item.kind, details, given, text_questions(questionnaire))
    response = record_response(
        session,
        survey,
        read,
        matched_by="manual",
        inbound_id=item.inbound_id,
        source_file=item.source_file,
        keep_first=settings.intake.keep_first_response,
    )
    _follow_up(session, item, survey, response, read)
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


def _follow_up(session: Session, item: ReviewItem, survey: Survey, response: Response, read: ReadAnswers) -> None:
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
    if response.conflicting:
        add_review(session, "conflict", f"Phiếu {code} đã được nhận với câu trả lời khác", **common)
    if read.uncertain:
        add_review(session, "uncertain", f"Phiếu {code}: cần xem lại câu {', '.join(sorted(read.uncertain))}", **common)


def _discard(session: Session, response: Response) -> None:
    """The response stops counting; the survey falls back on the earlier reply, or none."""
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
        survey.responded, survey.responded_at = False, None
        survey.status = SurveyStatus.sent if survey.sent_at else SurveyStatus.pending
        session.add(survey)


def _close(item: ReviewItem, state: ReviewState, actor: str) -> None:
    item.state, item.resolved_by, item.resolved_at = state, actor.strip(), utcnow()
