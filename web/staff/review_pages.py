"""The review queue on the web: ``/nhanvien/xem-lai`` (the open items), one item with its evidence, its actions.

For the ``reviewer`` and ``admin`` roles. An item's page shows the page image and crops kept
for it beside answer radios for its doubtful questions, and the message it came in as text:
headers and body escaped like any data (HTML mail only as its visible text, never
rendered), its files listed by name and size, nothing fetched from elsewhere. Each showing
of the message is in the audit log: it holds the sender's contact data, which a
``reviewer`` sees masked in the From and To lines (``text.masked``: only ``unit`` and
``admin`` see contact data). Images are served only from the item's own evidence folder,
only files the item names, only image types.

The keys of ``static/review-keys.js`` (1–5, N for not applicable, the arrows) choose the
answers and skip to the next open item; without JavaScript the radios and the "next item"
link do the same, and the keys' hint stays hidden.

Every action posts a form (the session's CSRF token) that becomes a decision of
``review/decisions.py``, settled by ``review.service.resolve`` with the account's name as
actor, so it is audited as the command line's are; then 303 to the next open item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, func, select

from ...errors import KhaosatError, ParseError
from ...intake.archive import archive_path
from ...intake.messages.message import attachments, body_text, header_text, read_message
from ...models import InboundMessage, ReviewItem, ReviewKind, ReviewState, StaffRole, Survey
from ...reader.filetypes import sniff
from ...review.answers import questionnaire_for
from ...review.audit_log import audit
from ...review.decisions import Assign, Decision, Keep, Merge, Reject, Retry, SetAnswers
from ...review.service import ASSIGNABLE, MERGEABLE, Reprocess, resolve
from ...review.view import KIND_LABELS, STATE_LABELS, items_view, reading_label, show_item
from ...text import masked
from ..applicant import Posted, context
from .auth import csrf_valid
from .dashboard import SEES_CONTACTS
from .routes import HOME, Staff, require_staff, staff_page

if TYPE_CHECKING:
    from email.message import Message

    from ...survey.questionnaire import Questionnaire
    from ..app import WebContext

router = APIRouter(prefix="/nhanvien")
QUEUE = "/nhanvien/xem-lai"
PER_PAGE = 25
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
ANSWERABLE = ASSIGNABLE | {ReviewKind.uncertain}
ANSWER_FIELD = "cau-"  # + question code: one radio group per doubtful question
HEADER_LABELS = {"From": "Người gửi", "To": "Gửi đến", "Date": "Ngày gửi", "Subject": "Tiêu đề"}
ADDRESS_HEADERS = {"From", "To"}
Reviewer = Annotated[Staff, Depends(require_staff(StaffRole.reviewer, StaffRole.admin))]


# --- the list ---------------------------------------------------------------------------------


def _is_open() -> Any:
    return col(ReviewItem.state) == ReviewState.open


@router.api_route("/xem-lai", methods=["GET", "HEAD"], response_class=HTMLResponse)
def queue(request: Request, staff: Reviewer, trang: int = 1, da: int = 0) -> Response:
    """The open items, newest first, ``PER_PAGE`` a page; ``da``: the item just settled."""
    web = context(request)
    with web.session() as db:
        total = db.exec(select(func.count()).select_from(ReviewItem).where(_is_open())).one()
        pages = max(1, -(-total // PER_PAGE))
        number = min(max(trang, 1), pages)
        query = select(ReviewItem).where(_is_open()).order_by(col(ReviewItem.id).desc())
        items = list(db.exec(query.offset((number - 1) * PER_PAGE).limit(PER_PAGE)))
        received = _received(web, db, items)
        rows = [{**view, "kind_label": KIND_LABELS.get(view["kind"], view["kind"]), "received": received[view["id"]],
                 "href": web.pages.url(f"{QUEUE}/{view['id']}")} for view in items_view(db, items)]  # fmt: skip
    page_url = partial(_page_url, web)
    return staff_page(
        web, "review_list.html", path=QUEUE, title="Hàng chờ xem xét", rows=rows, total=total, number=number,
        pages=pages, page_url=page_url, home=web.pages.url(HOME), done=da,
    )  # fmt: skip


def _page_url(web: WebContext, number: int) -> str:
    return web.pages.url(QUEUE) + (f"?trang={number}" if number > 1 else "")


def _received(web: WebContext, db: Session, items: list[ReviewItem]) -> dict[int, str]:
    """item id → when its message or file came in (else when the item was opened), local time."""
    inbound_ids = {item.inbound_id for item in items if item.inbound_id}
    query = select(InboundMessage.id, InboundMessage.received_at).where(col(InboundMessage.id).in_(inbound_ids))
    came = {row_id: at for row_id, at in db.exec(query)} if inbound_ids else {}
    return {
        item.id: f"{came.get(item.inbound_id or 0, item.created_at).astimezone(web.pages.zone):%H:%M %d/%m/%Y}"
        for item in items
        if item.id is not None
    }


# --- one item -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doubt:
    """A question the reviewer answers: its radios, the crop of its row when one was kept."""

    code: str
    text: str
    options: list[tuple[str, str]]  # (value, label)
    reason: str = ""
    crop: str = ""  # the image's URL


@dataclass
class RawMessage:
    """The message (or file) the item came in, as text only."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    files: list[tuple[str, str]] = field(default_factory=list)  # (name, size)
    problem: str = ""
    addresses_masked: bool = False


@router.api_route("/xem-lai/{item_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def item_page(request: Request, staff: Reviewer, item_id: int, da: int = 0) -> Response:
    return _item_page(context(request), staff, item_id, done=da)


def _item_page(web: WebContext, staff: Staff, item_id: int, *, problem: str = "", status: int = 200,
               done: int = 0) -> HTMLResponse:  # fmt: skip
    with web.session() as db:
        item = db.get(ReviewItem, item_id)
        if item is None:
            return _message(web, QUEUE, 404, "Không có mục này", f"Không có mục xem xét số {item_id}.")
        view = show_item(db, item_id)
        images = {name: web.pages.url(f"{QUEUE}/{item_id}/anh/{Path(path).name}")
                  for name, path in _images(view["evidence"]).items()}  # fmt: skip
        doubts = _doubts(_questionnaire(web, db, item, view), view, images) if item.kind in ANSWERABLE else []
        raw = _raw_message(web, db, item, staff)
        following = _next_open(db, item_id)
        db.commit()
    next_item = web.pages.url(f"{QUEUE}/{following}") if following not in (None, item_id) else ""
    return staff_page(
        web, "review_item.html", path=f"{QUEUE}/{item_id}", title=f"Mục xem xét {item_id}", status=status,
        error=bool(problem), problem=problem, view=view, kind_label=KIND_LABELS.get(item.kind, item.kind),
        state_label=STATE_LABELS.get(view["state"], view["state"]), is_open=item.state == ReviewState.open,
        pages=[(name, url) for name, url in sorted(images.items()) if name.startswith("page")],
        areas=[(name, url) for name, url in sorted(images.items()) if name not in {d.code for d in doubts}
               and not name.startswith("page")],
        doubts=doubts, answerable=item.kind in ANSWERABLE, assignable=item.kind in ASSIGNABLE,
        conflict=item.kind == ReviewKind.conflict, retryable=item.kind == ReviewKind.error, raw=raw,
        mergeable=item.kind in MERGEABLE,
        action=lambda name: web.pages.url(f"{QUEUE}/{item_id}/{name}"), csrf=staff.csrf, done=done,
        queue=web.pages.url(QUEUE), home=web.pages.url(HOME), next_item=next_item,
    )  # fmt: skip


def _images(evidence: dict[str, Any]) -> dict[str, str]:
    """crop name → path, for the crops that are image files."""
    crops: dict[str, str] = evidence.get("crops") or {}
    return {name: str(path) for name, path in crops.items() if Path(str(path)).suffix.lower() in IMAGE_TYPES}


def _questionnaire(web: WebContext, db: Session, item: ReviewItem, view: dict[str, Any]) -> Questionnaire:
    survey = db.get(Survey, item.survey_id) if item.survey_id else None
    version = view["details"].get("form_version") or (survey.form_version if survey else None)
    return questionnaire_for(db, web.settings, version)


def _doubts(questionnaire: Questionnaire, view: dict[str, Any], images: dict[str, str]) -> list[Doubt]:
    """The questions to answer: those read as doubtful; every one when nothing was read at all."""
    details, response = view["details"], view["response"]
    unread: dict[str, str] = {code: "" for code in response["uncertain"]} if response else {}
    unread |= {code: str(reason) for code, reason in (details.get("uncertain") or {}).items()}
    nothing_read = not details.get("answers") and not response
    return [
        Doubt(
            question.code,
            question.text,
            [(option.value, option.label) for option in question.options],
            reading_label(unread.get(question.code, "")),
            images.get(question.code, ""),
        )
        for question in questionnaire.questions
        if question.kind == "choice" and (question.code in unread or nothing_read)
    ]


def _raw_message(web: WebContext, db: Session, item: ReviewItem, staff: Staff) -> RawMessage | None:
    """The archived message read as text, its files by name and size; the showing audited."""
    inbound = db.get(InboundMessage, item.inbound_id) if item.inbound_id else None
    if inbound is None:
        return None
    path = archive_path(inbound.sha256, web.settings.storage.dir)
    if not path.is_file():
        return RawMessage(problem="Thư hoặc tệp gốc không còn trong kho lưu trữ (đã xoá hết thời hạn lưu giữ).")
    data = path.read_bytes()
    audit(db, actor=staff.account.name, action="review.message-view", target=f"inbound:{inbound.id}", item=item.id)
    if sniff(data) != "eml":
        return RawMessage(files=[(inbound.name or "tệp", _size(len(data)))])
    try:
        message = read_message(data, max_depth=web.settings.intake.max_multipart_depth)
        files = [(found.name, _size(len(found.data))) for found in attachments(message)]
    except ParseError as exc:
        return RawMessage(problem=f"Thư không đọc được: {exc}")
    hide = staff.account.role not in SEES_CONTACTS
    headers = [(label, _header(message, name, hide)) for name, label in HEADER_LABELS.items()]
    return RawMessage([(label, text) for label, text in headers if text], body_text(message), files, "", hide)


def _header(message: Message, name: str, hide_addresses: bool) -> str:
    """The header as text, its addresses masked when they are to be hidden and it is From or To."""
    text = header_text(message, name)
    return masked(text) if hide_addresses and name in ADDRESS_HEADERS else text


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} byte"
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def _message(web: WebContext, path: str, status: int, heading: str, body: str) -> HTMLResponse:
    links = [("Về hàng chờ xem xét", web.pages.url(QUEUE))]
    return staff_page(web, "message.html", path=path, title=heading, status=status, heading=heading, body=body,
                      links=links)  # fmt: skip


# --- the evidence images ---------------------------------------------------------------------


@router.api_route("/xem-lai/{item_id}/anh/{name}", methods=["GET", "HEAD"])
def evidence_image(request: Request, staff: Reviewer, item_id: int, name: str) -> Response:
    web = context(request)
    with web.session() as db:
        item = db.get(ReviewItem, item_id)
        path = _evidence_image(web, item, name) if item is not None else None
    if path is None:
        return _message(web, QUEUE, 404, "Không có ảnh này", "Mục này không có ảnh mang tên đó.")
    return FileResponse(path, media_type=IMAGE_TYPES[path.suffix.lower()])  # nosniff: SecurityHeaders adds it


def _evidence_image(web: WebContext, item: ReviewItem, name: str) -> Path | None:
    """The image ``name`` of the item: a file it names, directly in its evidence folder, of an image type."""
    if item.inbound_id is None or Path(name).suffix.lower() not in IMAGE_TYPES:
        return None
    named = {Path(path).name for path in _images(json.loads(item.evidence or "{}")).values()}
    folder = (web.settings.storage.dir / "evidence" / str(item.inbound_id)).resolve()
    path = (folder / name).resolve()
    if name not in named or path.parent != folder or not path.is_file():
        return None
    return path


# --- the actions ----------------------------------------------------------------------------


def _decision(action: str, item: ReviewItem, fields: dict[str, str]) -> Decision | None:
    """The decision a posted form asks for; None for an action that is not one."""
    if action == "tra-loi":
        answers = {name.removeprefix(ANSWER_FIELD): value for name, value in fields.items()
                   if name.startswith(ANSWER_FIELD)}  # fmt: skip
        code = fields.get("ma", "").strip()
        return Assign(code, answers) if code and item.kind in ASSIGNABLE else SetAnswers(answers)
    choices: dict[str, Decision] = {"giu-dau": Keep("first"), "giu-sau": Keep("second"), "thu-lai": Retry()}
    if action == "ghep-trang":
        return Merge(fields.get("ma", "").strip() or None)
    if action == "tu-choi":
        return Reject(fields.get("ly-do", "")[:2000])
    return choices.get(action)


@router.post("/xem-lai/{item_id}/{action}", response_class=HTMLResponse)
def act(request: Request, staff: Reviewer, item_id: int, action: str, fields: Posted) -> Response:
    """Settle the item as the form asks, audited under the account's name; then the next open item."""
    web = context(request)
    if not csrf_valid(web.settings.web.secret, staff.session.nonce, fields.get("csrf", "")):
        body = "Nút này không do trang của hệ thống gửi, hoặc trang đã cũ. Xin mở lại mục rồi bấm lại."
        return _message(web, f"{QUEUE}/{item_id}", 403, "Yêu cầu không hợp lệ", body)
    with web.session() as db:
        item = db.get(ReviewItem, item_id)
        decision = _decision(action, item, fields) if item is not None else None
        if decision is None:
            return _message(web, QUEUE, 404, "Không có việc này", f"Không có việc “{action}” cho mục {item_id}.")
        reprocess = _intake_reprocess(web) if isinstance(decision, Retry) else None
        try:
            resolve(db, item_id, decision, actor=staff.account.name, settings=web.settings, reprocess=reprocess)
        except KhaosatError as exc:
            db.rollback()
            return _item_page(web, staff, item_id, problem=str(exc), status=422)
        db.commit()
        following = _next_open(db, item_id)
    target = f"{QUEUE}/{following}?da={item_id}" if following else f"{QUEUE}?da={item_id}"
    return RedirectResponse(web.pages.url(target), status_code=303)


def _intake_reprocess(web: WebContext) -> Reprocess:
    """The intake's processing, with the layout maps of every form version sent (as ``review resolve --retry``)."""
    from ...intake.pipeline import reprocess
    from ...intake.run import known_layouts

    return partial(reprocess, settings=web.settings, layouts=known_layouts(web.engine, web.settings))


def _next_open(db: Session, after: int) -> int | None:
    """The open item after ``after`` in the list's order (newest first), else the newest open one."""
    newest_first = select(ReviewItem.id).where(_is_open()).order_by(col(ReviewItem.id).desc()).limit(1)
    return db.exec(newest_first.where(col(ReviewItem.id) < after)).first() or db.exec(newest_first).first()
