"""Review items as plain data for people and scripts: the list, and one item in full.

``show_item`` gathers everything a reviewer needs in one place: what the machine read, the
evidence paths (raw message, saved file, image crops), the message it came in, the answers
stored, and the item's audit history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..language import N_, tr
from ..models import Answer, AuditEntry, InboundMessage, Response, ReviewItem, ReviewKind, Survey
from ..survey.codes import display_code
from ..survey.responses import pages_held

KIND_LABELS = {
    ReviewKind.unmatched: N_("chưa khớp phiếu"),
    ReviewKind.uncertain: N_("câu trả lời chưa chắc"),
    ReviewKind.conflict: N_("hai phiếu khác nhau"),
    ReviewKind.attachment: N_("tệp đính kèm"),
    ReviewKind.error: N_("lỗi khi xử lý"),
    ReviewKind.blank: N_("phiếu trả về để trống"),
}
STATE_LABELS = {"open": N_("chờ xử lý"), "resolved": N_("đã xử lý"), "rejected": N_("đã từ chối")}
READING_LABELS = {  # why the reader left a question to a person (reader/decisions.py, reader/document.py)
    "double": N_("hai ô được đánh dấu"),
    "faint": N_("nét mờ, không rõ có đánh dấu hay không"),
    "cancelled": N_("có ô tô kín, không rõ ô nào được chọn"),
    "cut": N_("ô nằm ngoài ảnh chụp hoặc quét"),
    "lost": N_("để trống trên bản fax hoặc bản quét đen trắng mà máy gửi có thể đã làm mất nét nhạt (bút chì)"),
    "page": N_("trang khó đọc (ảnh mờ hoặc nhiều câu chưa chắc): cả trang cần người xem"),
    "invalid": N_("giá trị không có trong phiếu"),
}


def reading_label(reason: str) -> str:
    """The reader's reason for a doubt in words; a reason it does not know, as it is."""
    return tr(READING_LABELS[reason]) if reason in READING_LABELS else reason


def survey_codes(session: Session, items: Sequence[ReviewItem]) -> dict[int, str]:
    """item id → the display code of its survey (directly, or through its response)."""
    survey_ids = {item.survey_id for item in items if item.survey_id}
    response_ids = {item.response_id for item in items if item.response_id and not item.survey_id}
    by_response: dict[int, int] = {}
    if response_ids:
        query = select(Response.id, Response.survey_id).where(col(Response.id).in_(response_ids))
        by_response = {rid: sid for rid, sid in session.exec(query) if rid is not None}
    wanted = survey_ids | set(by_response.values())
    codes: dict[int, str] = {}
    if wanted:
        codes = {
            sid: code
            for sid, code in session.exec(select(Survey.id, Survey.code).where(col(Survey.id).in_(wanted)))
            if sid
        }
    found: dict[int, str] = {}
    for item in items:
        survey_id = item.survey_id or by_response.get(item.response_id or 0)
        if item.id is not None and survey_id in codes:
            found[item.id] = display_code(codes[survey_id])
    return found


def item_view(item: ReviewItem, survey_code: str | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "reason": item.reason,
        "state": item.state.value,
        "survey": survey_code,
        "source_file": item.source_file,
        "evidence": json.loads(item.evidence or "{}"),
        "details": json.loads(item.details or "{}"),
        "created_at": item.created_at.isoformat(),
        "resolved_by": item.resolved_by,
        "resolved_at": item.resolved_at.isoformat() if item.resolved_at else None,
    }


def items_view(session: Session, items: Sequence[ReviewItem]) -> list[dict[str, Any]]:
    codes = survey_codes(session, items)
    return [item_view(item, codes.get(item.id or 0)) for item in items]


def show_item(session: Session, item_id: int) -> dict[str, Any]:
    """One item with its message, its stored answers and its history."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise KhaosatError(tr("không có mục xem xét số {item_id}", item_id=item_id))
    view = items_view(session, [item])[0]
    view["message"] = _message(session, item.inbound_id)
    view["response"] = _response(session, item.response_id)
    view["history"] = _history(session, item_id)
    return view


def _message(session: Session, inbound_id: int | None) -> dict[str, Any] | None:
    message = session.get(InboundMessage, inbound_id) if inbound_id else None
    if message is None:
        return None
    return {
        "id": message.id,
        "source": message.source,
        "name": message.name,
        "sender": message.sender,
        "message_id": message.message_id,
        "received_at": message.received_at.isoformat(),
        "state": message.state.value,
        "moved_to": message.moved_to,
        "sha256": message.sha256,
    }


def _response(session: Session, response_id: int | None) -> dict[str, Any] | None:
    response = session.get(Response, response_id) if response_id else None
    if response is None:
        return None
    query = select(Answer).where(col(Answer.response_id) == response.id).order_by(col(Answer.question))
    rows = list(session.exec(query))
    return {
        "id": response.id,
        "method": response.method.value,
        "matched_by": response.matched_by,
        "counted": response.counted,
        "conflicting": response.conflicting,
        "duplicate_of": response.duplicate_of,
        "comment": response.comment,
        "pages": sorted(pages_held(response)),  # the form pages it holds; [] when not told apart
        "answers": {row.question: row.value for row in rows},
        "uncertain": [row.question for row in rows if row.uncertain],
    }


def _history(session: Session, item_id: int) -> list[dict[str, Any]]:
    query = select(AuditEntry).where(col(AuditEntry.target) == f"review:{item_id}").order_by(col(AuditEntry.id))
    return [
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "details": json.loads(entry.details or "{}"),
        }
        for entry in session.exec(query)
    ]
