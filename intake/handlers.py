"""What to do with one item that came back: a reply, a bounce, an auto-reply, a fax report, a file.

``ItemHandler.handle`` works inside the caller's transaction and returns what it did; the
caller commits it together with the item's new state. A message goes to the handler of
the kind it is classified as (one table, ``by_kind``); a delivery report that says a form
did not arrive moves the survey on through the survey's lifecycle, as an SMTP 5xx does.
Files are read through ``read`` (the pipeline's reading child, under the item's time
limit); a message nested too deep, an archive past its limits or a file the reader
refused goes to review with the reason, as an unreadable file always did.

Each form read is recorded page by page (survey/responses.py): a page that completes the
survey's reply is written into it, whether it came in the same message, a later one or
another scan. A form with nothing marked and nothing written, for a survey with no reply
yet, goes to review as returned blank instead of being counted as an all-blank reply; a
form whose pages were found but none of their questions read goes to review too.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from typing import Any

from pypdf import PdfReader
from sqlmodel import Session

from ..errors import ParseError
from ..models import (
    InboundKind,
    InboundMessage,
    InboundState,
    OutboxMessage,
    OutboxState,
    ResponseMethod,
    ReviewKind,
    Survey,
)
from ..reader.filetypes import READABLE_KINDS, sniff
from ..reader.results import FormResult, ParseResult
from ..review.audit_log import audit
from ..review.queue import add_review
from ..settings import Settings
from ..survey import lifecycle
from ..survey.codes import display_code
from ..survey.layout import LayoutMap
from ..survey.responses import Outcome, ReadAnswers, counted_response, record_answers
from .evidence import EvidenceStore
from .lookup import DatabaseLookup
from .matching import Match, MessageEvidence, match_form, match_message
from .messages.classify import Classification, MessageKind, classify
from .messages.message import Attachment, attachments, body_text, header_text, message_ids, read_message, sender
from .messages.optout import asks_to_opt_out

log = logging.getLogger(__name__)
MB = 1024 * 1024
Read = Callable[[bytes, str], ParseResult]  # a file's bytes and name → what the reader found


@dataclass
class Handled:
    kind: InboundKind
    state: InboundState
    reason: str = ""
    responses: int = 0
    duplicates: int = 0
    pages_joined: int = 0  # forms that completed a reply received before (a page returned apart)
    review_items: int = 0
    notes: list[str] = field(default_factory=list)


class ItemHandler:
    """Handles one inbound item (``inbound``, archived at ``raw_path``) in ``session``."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        inbound: InboundMessage,
        raw_path: str,
        *,
        now: datetime,
        read: Read,
        layouts: Mapping[str, LayoutMap],
    ) -> None:
        self.session, self.settings = session, settings
        self.inbound, self.raw_path, self.now, self.read = inbound, raw_path, now, read
        self.layouts = layouts
        assert inbound.id is not None
        self.evidence = EvidenceStore(settings.storage.dir, inbound.id, int(settings.intake.max_evidence_mb * MB))
        self.lookup = DatabaseLookup(session)
        self.result = Handled(kind=InboundKind.reply, state=InboundState.processed)
        self.by_kind: dict[MessageKind, Callable[[Message, Classification], Handled]] = {
            MessageKind.reply: self._reply,
            MessageKind.bounce: self._bounce,
            MessageKind.autoreply: self._autoreply,
            MessageKind.fax_report: self._fax_report,
        }

    def handle(self, data: bytes, name: str) -> Handled:
        if name and sniff(data) != "eml":
            self.result.kind = InboundKind.file
            self._attachments([Attachment(name, "", data, sniff(data))], None)
            return self.result
        try:
            message = read_message(data, max_depth=self.settings.intake.max_multipart_depth)
        except ParseError as exc:
            self._review(ReviewKind.attachment, f"Thư không đọc được: {exc}")
            return self.result
        self._describe(message)
        found = classify(message, fax_gateway=self.settings.fax.gateway, our_domain=self.settings.message_domain)
        return self.by_kind[found.kind](message, found)

    def failed(self, exc: Exception) -> Handled:
        """After a rollback: put the item before a person, with the error; nothing it did is left."""
        reason = f"Lỗi khi xử lý: {exc}"
        self.result = Handled(self.result.kind, InboundState.review)
        self._review(ReviewKind.error, reason)
        return self.result

    # --- messages that are not replies ---------------------------------------------------

    def _describe(self, message: Message) -> None:
        self.inbound.message_id = header_text(message, "Message-ID")[:998]
        self.inbound.sender = sender(message)[1]
        self.inbound.name = header_text(message, "Subject")[:500]

    def _autoreply(self, message: Message, found: Classification) -> Handled:
        return Handled(InboundKind.autoreply, InboundState.ignored, found.reason or "thư trả lời tự động")

    def _bounce(self, message: Message, found: Classification) -> Handled:
        row = self.lookup.outbox_by_message_ids(found.original_message_ids) or self.lookup.outbox_by_survey_codes(
            found.survey_codes
        )
        reason = found.reason or "thư báo lỗi gửi"
        if row is None:
            return Handled(InboundKind.bounce, InboundState.processed, f"{reason} (không tìm thấy thư gốc)")
        self.inbound.outbox_id = row.id
        if found.permanent:
            self._delivery_failed(row, reason)
        return Handled(InboundKind.bounce, InboundState.processed, reason)

    def _fax_report(self, message: Message, found: Classification) -> Handled:
        digits = "".join(ch for ch in found.fax_number if ch.isdigit())
        row = self.lookup.latest_fax_to(digits) if digits else None
        reason = found.reason or f"báo cáo fax {found.fax_status}"
        if row is not None:
            self.inbound.outbox_id = row.id
            if found.fax_status == "failed":
                self._delivery_failed(row, reason)
        return Handled(InboundKind.fax_report, InboundState.processed, reason)

    def _opt_out(self, evidence: MessageEvidence) -> Handled:
        match = match_message(evidence, self.lookup)
        if match is None:
            self._review(ReviewKind.unmatched, "Người gửi xin ngừng nhận thư nhắc, nhưng chưa rõ hồ sơ nào")
            return self.result
        survey = self.session.get(Survey, match.survey_id)
        assert survey is not None
        if lifecycle.opted_out(self.session, survey, now=self.now):
            audit(
                self.session,
                actor=self.settings.intake.operator,
                action="opt-out",
                target=f"survey:{survey.code}",
                inbound=self.inbound.id,
                matched_by=match.by,
            )
        return Handled(InboundKind.opt_out, InboundState.processed, f"ngừng thư nhắc phiếu {display_code(survey.code)}")

    def _delivery_failed(self, row: OutboxMessage, reason: str) -> None:
        """A report that a form which left never arrived: the same move as an SMTP 5xx."""
        if row.state is OutboxState.sent:
            lifecycle.delivery_failed(self.session, row, reason, self.settings)

    # --- replies and files ----------------------------------------------------------------

    def _reply(self, message: Message, found: Classification) -> Handled:
        limits = self.settings.intake
        found_attachments = attachments(
            message, max_unpacked=int(limits.max_unpacked_mb * MB), max_depth=limits.max_multipart_depth
        )
        evidence = self._evidence(message)
        if not found_attachments and asks_to_opt_out(
            evidence.subject, evidence.body, self.settings.reminders.opt_out_keywords
        ):
            return self._opt_out(evidence)
        self._attachments(found_attachments, evidence)
        return self.result

    def _evidence(self, message: Message) -> MessageEvidence:
        text = body_text(message)  # HTML-only mail comes back as the text a browser shows
        references = message_ids(header_text(message, "References")) + message_ids(header_text(message, "In-Reply-To"))
        return MessageEvidence(
            subject=self.inbound.name, body=text[:20000], references=references, sender=self.inbound.sender
        )

    def _attachments(self, found: list[Attachment], evidence: MessageEvidence | None) -> None:
        limit = self.settings.intake.max_attachment_mb * MB
        forms: list[tuple[Attachment, FormResult]] = []
        unread: list[tuple[Attachment, str]] = []
        formless: list[tuple[Attachment, str]] = []  # readable, but no form in it
        for attachment in found:
            problem = self._problem(attachment, limit)
            if problem:
                unread.append((attachment, problem))
                continue
            result = self.read(attachment.data, attachment.name)
            forms.extend((attachment, form) for form in result.forms)
            if not result.forms:
                formless.append((attachment, "; ".join(result.errors) or "không tìm thấy phiếu khảo sát"))
        if forms:  # a logo or a photo beside a form is noted, not reviewed
            self.result.notes.extend(f"{attachment.name}: {problem}" for attachment, problem in formless)
        else:
            unread.extend(formless)
        for attachment, problem in unread:
            self._review(ReviewKind.attachment, f"Tệp “{attachment.name}”: {problem}", attachment=attachment)
        if not found:
            self._review(ReviewKind.attachment, "Thư không có tệp đính kèm nào: không có phiếu để đọc")
        codeless = sum(form.code is None for _, form in forms)
        for attachment, form in forms:
            self._form(attachment, form, evidence if form.code is None and codeless == 1 else None)

    def _problem(self, attachment: Attachment, limit: float) -> str:
        if attachment.problem:  # an archive or a message kept whole: past a limit, or broken
            return attachment.problem
        size = len(attachment.data)
        if size > limit:
            return f"quá lớn ({size / MB:.1f} MB; giới hạn {limit / MB:.0f} MB), không đọc"
        if attachment.kind not in READABLE_KINDS:
            return f"không phải PDF hay ảnh ({attachment.content_type or 'không rõ loại'})"
        if attachment.kind == "pdf" and _encrypted(attachment.data):
            return "PDF có mật khẩu, không mở được"
        return ""

    def _form(self, attachment: Attachment, form: FormResult, evidence: MessageEvidence | None) -> None:
        match = match_form(form.code, "field" if form.method == "acroform" else "qr", self.lookup)
        if match is None and evidence is not None:
            match = match_message(evidence, self.lookup)
        crops = self._crops(form)
        details = _details(form, evidence, self._pages(form))
        if match is None:
            reason = (
                f"Mã phiếu {display_code(form.code)} không có trong cơ sở dữ liệu"
                if form.code
                else "Không đọc được mã phiếu: chưa biết phiếu của hồ sơ nào"
            )
            self._review(ReviewKind.unmatched, reason, attachment=attachment, crops=crops, details=details)
            return
        self._respond(attachment, form, match, crops, details)

    def _respond(
        self, attachment: Attachment, form: FormResult, match: Match, crops: dict[str, str], details: dict[str, Any]
    ) -> None:
        survey = self.session.get(Survey, match.survey_id)
        assert survey is not None and survey.id is not None
        code = display_code(survey.code)
        evidence: dict[str, Any] = {"attachment": attachment, "crops": crops, "details": details, "survey": survey}
        if not form.answers and not form.uncertain:
            errors = "; ".join(error for page in form.pages for error in page.errors)
            reason = f"Phiếu {code}: thấy phiếu nhưng không đọc được câu nào" + (f" ({errors})" if errors else "")
            self._review(ReviewKind.attachment, reason, **evidence)
            return
        if form.nothing_marked and counted_response(self.session, survey.id) is None:
            self._review(ReviewKind.blank, f"Phiếu {code} trả về để trống: không có ô nào được đánh dấu", **evidence)
            return
        read = ReadAnswers(
            answers=form.answers,
            method=ResponseMethod(form.method),
            uncertain=form.uncertain,
            confidence=form.confidence,
            comment="\n".join(form.texts.values()),
            pages=self._pages(form),
        )
        recorded = record_answers(
            self.session,
            survey,
            read,
            matched_by=match.by,
            inbound_id=self.inbound.id,
            source_file=attachment.name,
            keep_first=self.settings.intake.keep_first_response,
            now=self.now,
        )
        match recorded.outcome:
            case Outcome.duplicate:
                self.result.duplicates += 1
                return
            case Outcome.conflict:
                kept = "phiếu nhận trước" if self.settings.intake.keep_first_response else "phiếu mới nhất"
                reason = f"Phiếu {code} đã được nhận với câu trả lời khác; đang tính {kept}"
                self._review(ReviewKind.conflict, reason, **evidence, response=recorded.arrival.id)
            case Outcome.completed:
                self.result.pages_joined += 1
                self.result.notes.append(f"{attachment.name}: ghép vào phiếu {code} đã nhận trước")
            case Outcome.new:
                self.result.responses += 1
        if recorded.uncertain:
            questions = ", ".join(sorted(recorded.uncertain))
            reason = f"Phiếu {code}: cần xem lại câu {questions}"
            self._review(ReviewKind.uncertain, reason, **evidence, response=recorded.response.id)

    def _pages(self, form: FormResult) -> dict[int, frozenset[str]]:
        return form.questions_by_page(self.layouts.get(form.form_version or ""))

    def _crops(self, form: FormResult) -> dict[str, str]:
        prefix = f"{form.code or 'unknown'}-p{form.page}"
        saved = {name: self.evidence.save(f"{prefix}-{name}.png", png) for name, png in form.crops.items()}
        return {name: str(path) for name, path in saved.items() if path is not None}

    def _review(
        self,
        kind: ReviewKind,
        reason: str,
        *,
        attachment: Attachment | None = None,
        crops: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
        survey: Survey | None = None,
        response: int | None = None,
    ) -> None:
        assert self.inbound.id is not None
        evidence: dict[str, Any] = {"raw": self.raw_path, "crops": dict(crops or {})}
        saved = self.evidence.save(attachment.name, attachment.data) if attachment is not None else None
        if saved is not None:
            evidence["file"] = str(saved)
        add_review(
            self.session,
            kind,
            reason,
            inbound_id=self.inbound.id,
            survey_id=survey.id if survey else None,
            response_id=response,
            source_file=attachment.name if attachment else "",
            evidence=evidence,
            details=details,
        )
        self.result.review_items += 1
        self.result.state = InboundState.review
        self.result.reason = "; ".join(filter(None, [self.result.reason, reason]))[:2000]


def _details(form: FormResult, evidence: MessageEvidence | None, pages: Mapping[int, frozenset[str]]) -> dict[str, Any]:
    return {
        "code": form.code,
        "form_version": form.form_version,
        "answers": form.answers,
        "uncertain": form.uncertain,
        "method": form.method,
        "pages": {str(page): sorted(questions) for page, questions in sorted(pages.items())},
        "subject": evidence.subject if evidence else "",
        "sender": evidence.sender if evidence else "",
    }


def _encrypted(data: bytes) -> bool:
    """Whether the PDF needs a password to open: one with only an owner password (an empty
    user password, which every viewer opens without asking) is read like any other."""
    if b"/Encrypt" not in data:
        return False
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        return bool(reader.is_encrypted) and not reader.decrypt("")
    except Exception:  # a PDF broken enough not to parse is the reader's to report
        return False
