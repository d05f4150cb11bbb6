"""Answers a person gives in the review queue: checked against the form, merged, written.

``validate_answers`` and ``read_answers`` are pure; ``correct_answers`` writes over a
stored response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..models import Answer, FormLayout, Response, ResponseMethod, ReviewKind
from ..settings import Settings
from ..survey.questionnaire import Questionnaire, load_questionnaire, questionnaire_from_json
from ..survey.responses import ReadAnswers
from .decisions import Given

READ_KINDS = frozenset({ReviewKind.unmatched, ReviewKind.blank})  # items that hold a form as read


def questionnaire_for(session: Session, settings: Settings, version: str | None) -> Questionnaire:
    """The questionnaire of form ``version`` as it was sent, else the configured one."""
    row = session.get(FormLayout, version) if version else None
    if row is not None:
        return questionnaire_from_json(row.questionnaire)
    return load_questionnaire(settings.survey.questionnaire)


def text_questions(questionnaire: Questionnaire) -> set[str]:
    return {question.code for question in questionnaire.questions if question.kind == "text"}


def validate_answers(questionnaire: Questionnaire, answers: Given) -> dict[str, str | None]:
    """Given answers checked against the questionnaire: option values canonical, "" → blank (None)."""
    valid: dict[str, str | None] = {}
    for code, raw in answers.items():
        try:
            question = questionnaire.question(code.strip())
        except KeyError:
            known = ", ".join(q.code for q in questionnaire.questions)
            raise KhaosatError(
                f"câu hỏi “{code}” không có trong phiếu phiên bản {questionnaire.version} (các câu: {known})"
            ) from None
        value = (raw or "").strip() or None
        if value is not None and question.kind == "choice":
            options = {option.value.casefold(): option.value for option in question.options}
            if value.casefold() not in options:
                raise KhaosatError(
                    f"câu {question.code}: “{value}” không phải lựa chọn hợp lệ "
                    f"(chọn một trong: {', '.join(options.values())}; để trống: {question.code}=)"
                )
            value = options[value.casefold()]
        valid[question.code] = value
    return valid


def read_answers(kind: ReviewKind, details: Mapping[str, Any], given: Given, texts: set[str]) -> ReadAnswers:
    """What to record for an item: a form's reading (unmatched, or returned blank) overlaid with the
    person's answers, or (nothing having been read) the person's answers alone, entered by hand.

    A reading keeps the form pages it holds, so a page recorded from the queue completes its
    survey's reply as a page from the intake does; unless the person answered a question of
    another page: then it is a whole form, as a form typed by hand is.
    """
    was_read = kind in READ_KINDS
    answers = {**(details.get("answers") or {}), **given} if was_read else dict(given)
    unread = details.get("uncertain") or {} if was_read else {}
    method = ResponseMethod(details.get("method") or "manual") if was_read else ResponseMethod.manual
    pages = read_pages(details) if was_read else {}
    if not given.keys() - texts <= frozenset().union(*pages.values()):
        pages = {}
    return ReadAnswers(
        answers={code: value for code, value in answers.items() if code not in texts},
        method=method,
        uncertain={code: reason for code, reason in unread.items() if code not in given},
        comment="\n".join(value for code, value in given.items() if code in texts and value),
        pages=pages,
    )


def read_pages(details: Mapping[str, Any]) -> dict[int, frozenset[str]]:
    """The form pages a review item's reading holds, each with its questions ({}: not told apart)."""
    return {int(page): frozenset(questions) for page, questions in (details.get("pages") or {}).items()}


def correct_answers(
    session: Session, response: Response, given: Given, texts: set[str], doubts: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write ``given`` over the response's answers; every uncertain one of ``doubts`` (the item's:
    a reply of two pages returned apart has an item per page; None: all) must be among them.

    Returns the values before and after, for the audit log ("?" stands for unread).
    """
    assert response.id is not None
    rows = {row.question: row for row in session.exec(select(Answer).where(col(Answer.response_id) == response.id))}
    missing = sorted(
        code for code, row in rows.items() if row.uncertain and code not in given and (doubts is None or code in doubts)
    )
    if missing:
        example = " ".join(f"--answer {code}=…" for code in missing)
        raise KhaosatError(f"còn câu chưa xác định: {', '.join(missing)} (ghi {example}; để trống: CÂU=)")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for code, value in given.items():
        if code in texts:
            before[code], after[code] = response.comment, value or ""
            response.comment = value or ""
            session.add(response)
            continue
        row = rows.get(code) or Answer(response_id=response.id, question=code)
        before[code], after[code] = ("?" if row.uncertain else row.value), value
        row.value, row.uncertain, row.confidence = value, False, 1.0
        session.add(row)
    return before, after
