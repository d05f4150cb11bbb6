"""Manual entry: a clerk types a paper form from the counter's pile by its survey code.

A typed form is a paper reply typed by a person: the posted radios are read as the web
form's are (``answers.read_fields``), archived raw and recorded as an ``InboundMessage`` of
source ``manual:<account>``, and stored with method ``manual`` ("Nhập tay" in the reports)
under the paper rules, not the web form's revision rule: a second typing of the same answers
is a duplicate that does not count; different answers are a conflict for the review queue,
and ``[intake] keep_first_response`` says which counts meanwhile. The same clerk sending the
same answers again for the same survey is the same raw document: nothing new is stored.
A ``unit`` account enters only its own unit's forms. Every stored entry is in the audit log.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from ...models import InboundKind, InboundMessage, InboundState, ResponseMethod, ReviewKind, StaffRole
from ...models import Response as Reply
from ...review.audit_log import audit
from ...review.queue import add_review
from ...settings import Settings
from ...survey.codes import display_code, normalise_code
from ...survey.personal import PersonalForm
from ...survey.responses import ReadAnswers, record_answers
from ..access import by_code, survey_page
from ..answers import COMMENT_LIMIT, Problem, read_fields
from ..applicant import Posted, context
from ..submit import Origin, raw_document, store_once
from ..wording import wording
from .auth import csrf_valid
from .routes import Staff, message_page, require_staff, staff_page

if TYPE_CHECKING:
    from ..app import WebContext

log = logging.getLogger(__name__)
router = APIRouter(prefix="/nhanvien")
ENTRY = "/nhanvien/nhap-phieu"
Clerk = Annotated[Staff, Depends(require_staff(StaffRole.reviewer, StaffRole.unit, StaffRole.admin))]
OUTCOMES = {
    "counted": "đã được lưu và tính vào kết quả",
    "duplicate": "trùng với phiếu đã nhận (cùng câu trả lời): đã lưu, không tính thêm",
    "conflict": "khác với phiếu đã nhận: đã lưu và chuyển sang hàng chờ xem xét",
    "repeat": "đã được nhập đúng như vậy trước đây: không lưu thêm",
}
WRONG_CODE = (
    "Mã phiếu không đúng: cần 8 ký tự (ví dụ 7K3M-Q9XJ) và ký tự cuối là ký tự kiểm tra. Xin xem lại mã in trên phiếu."
)


def store_typed(
    session: Session,
    settings: Settings,
    form: PersonalForm,
    read: ReadAnswers,
    raw: bytes,
    *,
    clerk: str,
    now: datetime,
) -> str:
    """Record one typed form under the paper rules and commit; returns its ``OUTCOMES`` key."""
    code = display_code(form.survey.code)

    def inbound(sha: str) -> InboundMessage:
        return InboundMessage(
            source=f"manual:{clerk}", sha256=sha, name=f"Phiếu giấy nhập tay, phiếu {code}", kind=InboundKind.reply,
            state=InboundState.processed, reason=f"phiếu giấy do {clerk} nhập tay", received_at=now,
            processed_at=now,
        )  # fmt: skip

    def record(inbound: InboundMessage) -> tuple[Reply, str]:
        reply = record_answers(
            session, form.survey, read, matched_by="code", inbound_id=inbound.id,
            keep_first=settings.intake.keep_first_response, now=now,
        ).response  # fmt: skip
        outcome = _outcome(reply)
        if outcome == "conflict":
            kept = "phiếu nhận trước" if settings.intake.keep_first_response else "phiếu mới nhất"
            reason = f"Phiếu {code} (nhập tay bởi {clerk}) khác với phiếu đã nhận; đang tính {kept}"
            add_review(session, ReviewKind.conflict, reason, inbound_id=inbound.id, survey_id=form.survey.id,
                       response_id=reply.id)  # fmt: skip
        audit(session, actor=clerk, action="manual-entry", target=f"survey:{form.survey.code}", response=reply.id,
              outcome=outcome)  # fmt: skip
        return reply, outcome

    stored = store_once(session, settings, raw, inbound, record)
    if stored is None:
        return "repeat"
    reply, outcome = stored
    log.info("recorded a typed paper reply by %s as response %s (%s)", clerk, reply.id, outcome)
    return outcome


def _outcome(reply: Reply) -> str:
    if reply.conflicting:
        return "conflict"
    return "duplicate" if reply.duplicate_of is not None else "counted"


# --- pages ------------------------------------------------------------------------------------


@router.api_route("/nhap-phieu", methods=["GET", "HEAD"], response_class=HTMLResponse)
def entry_start(request: Request, staff: Clerk, ma: str | None = None, xong: str = "", kq: str = "") -> Response:
    """The code box; a code typed in it leads to its form, a wrong one is said so here (422)."""
    web = context(request)
    if ma is not None:
        code = normalise_code(ma) if len(ma) <= 32 else None
        if code is not None:
            return RedirectResponse(web.pages.url(f"{ENTRY}/{code}"), status_code=303)
        return _start_page(web, typed=ma[:32], problem=WRONG_CODE, status=422)
    done = normalise_code(xong)
    notice = f"Phiếu {display_code(done)} {OUTCOMES[kq]}." if done and kq in OUTCOMES else ""
    return _start_page(web, notice=notice)


def _start_page(
    web: WebContext, *, typed: str = "", problem: str = "", notice: str = "", status: int = 200
) -> HTMLResponse:
    return staff_page(
        web, "entry.html", path=ENTRY, title="Nhập phiếu giấy", status=status, error=bool(problem),
        action=web.pages.url(ENTRY), typed=typed, problem=problem, notice=notice,
    )  # fmt: skip


def _form_of(web: WebContext, request: Request, staff: Staff, db: Session, code: str) -> PersonalForm | Response:
    """The survey of ``code`` open for entry by this account, or the page that says why not."""
    if normalise_code(code) is None:
        return _start_page(web, typed=code[:32], problem=WRONG_CODE, status=422)
    form = by_code(db, code, web.today())
    if form is None:
        return staff_page(
            web, "message.html", path=request.url.path, title="Không tìm thấy phiếu", status=404,
            heading="Không tìm thấy phiếu", links=[("Nhập phiếu khác", web.pages.url(ENTRY))],
            body=f"Không có phiếu khảo sát mã {display_code(code.upper())} trong một đợt đang mở.",
        )  # fmt: skip
    if staff.account.role == StaffRole.unit and form.unit.code != staff.account.unit_code:
        shown = display_code(form.survey.code)
        body = f"Phiếu {shown} thuộc đơn vị khác: tài khoản đơn vị chỉ nhập phiếu của đơn vị mình."
        return message_page(web, path=request.url.path, status=403, heading="Không có quyền nhập phiếu này", body=body)
    return form


def _form_page(
    web: WebContext, db: Session, staff: Staff, form: PersonalForm, *, fields: dict[str, str], problems: list[Problem],
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    page = survey_page(db, web.questionnaires, form, with_answers=False)
    shown = web.view.screen(page.questionnaire, "vi")
    words = wording("vi")
    messages = {
        p.question.code: words[p.message].format(question=shown.wording.question(p.question).text, limit=COMMENT_LIMIT)
        for p in problems
    }
    code = display_code(form.survey.code)
    return staff_page(
        web, "entry_form.html", path=f"{ENTRY}/{form.survey.code}", title=f"Nhập phiếu {code}", status=status,
        error=bool(problems), form=form, code=code, shown=shown, fields=fields, problems=problems,
        messages=messages, current=page.current, csrf=staff.csrf, action=web.pages.url(f"{ENTRY}/{form.survey.code}"),
        back=web.pages.url(ENTRY), day=web.pages.day,
    )  # fmt: skip


@router.api_route("/nhap-phieu/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def entry_form(request: Request, code: str, staff: Clerk) -> Response:
    web = context(request)
    with web.session() as db:
        form = _form_of(web, request, staff, db, code)
        if not isinstance(form, PersonalForm):
            return form
        return _form_page(web, db, staff, form, fields={}, problems=[])


@router.post("/nhap-phieu/{code}", response_class=HTMLResponse)
def entry_typed(request: Request, code: str, staff: Clerk, fields: Posted) -> Response:
    """Store the typed form (then back to the code box for the next one), or show what is wrong (422)."""
    web = context(request)
    if not csrf_valid(web.settings.web.secret, staff.session.nonce, fields.get("csrf", "")):
        return message_page(
            web, path=request.url.path, status=403, heading="Yêu cầu không hợp lệ",
            body="Biểu mẫu này đã cũ hoặc không do trang của hệ thống gửi. Xin mở lại trang rồi nhập lại.",
        )  # fmt: skip
    with web.session() as db:
        form = _form_of(web, request, staff, db, code)
        if not isinstance(form, PersonalForm):
            return form
        questionnaire = web.questionnaires.of(db, form.survey.form_version)
        read, problems = read_fields(questionnaire, fields)
        if problems:
            return _form_page(web, db, staff, form, fields=fields, problems=problems, status=422)
        typed = {
            question.code: fields[question.code] for question in questionnaire.questions if question.code in fields
        }
        origin = Origin(source=f"manual:{staff.account.name}", via="code")
        raw = raw_document(form, origin, "", typed)
        manual = dataclasses.replace(read, method=ResponseMethod.manual)
        outcome = store_typed(db, web.settings, form, manual, raw, clerk=staff.account.name, now=web.clock())
    return RedirectResponse(web.pages.url(f"{ENTRY}?xong={form.survey.code}&kq={outcome}"), status_code=303)
