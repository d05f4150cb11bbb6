"""The one message composer: pure functions from plain values to RFC 5322 bytes.

Every outbound message (an invitation, a fax, a unit's follow-up list, the status email,
a round report) is a ``Content`` (subject, text and HTML bodies rendered from the Jinja2
templates under ``templates/``, attachments, extra headers) put in an ``Envelope`` (From,
To, Reply-To, Message-ID) by ``compose``. An invitation is a Vietnamese text and HTML
alternative with the personalised PDF attached; a fax is the PDF alone, addressed to the
email-to-fax gateway. With a web channel (``[web] base_url``) the invitation and the
reminders also carry the survey's form link, and an opt-out link in the RFC 8058 one-click
headers.

Messages are serialised once with the legacy compat32 generator, with CRLF line ends, an
RFC 2047 subject and attachment names in RFC 2231 form (so "Phiếu khảo sát 7KX3-M9QD.pdf"
arrives intact), and the attachments' base64 bodies are spliced in whole.
"""

from __future__ import annotations

import base64
import email.policy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from functools import cache
from importlib import resources

import jinja2

from ..language import current, tr, tr_markup
from ..models import utcnow
from ..settings import Settings
from ..survey.codes import display_code
from ..text import fold_words, nfc

# How an applicant's name starts when it names an organisation, compared without case but
# with diacritics: "Trường THPT …" is a school, "Trương Văn An" a person.
ORGANISATION_STARTS = (
    "công ty", "tổng công ty", "tập đoàn", "doanh nghiệp", "hợp tác xã", "chi nhánh", "văn phòng", "trường",
    "đại học", "học viện", "viện", "bệnh viện", "trung tâm", "ủy ban", "uỷ ban", "ubnd", "sở", "chi cục", "cục",
    "ban quản lý", "phòng", "hội", "hiệp hội", "liên hiệp", "ngân hàng", "nhà máy", "xí nghiệp", "cơ sở",
    "hộ kinh doanh", "tổ chức",
)  # fmt: skip
# The same for exports that lost their diacritics, where no person's name can start so.
FOLDED_STARTS = ("cong ty", "tong cong ty", "hop tac xa", "doanh nghiep")
# Words that only the name of an organisation holds, anywhere in it ("Đinh Công Tỷ" is a person).
ORGANISATION_WORDS = ("tnhh", "co phan", "cty", "ctcp", "dntn", "htx")
PERSON = "Ông/Bà"
ORGANISATION = "Quý cơ quan/doanh nghiệp"
SMTP_COMPAT = email.policy.compat32.clone(linesep="\r\n")
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Invitation:
    """Everything an invitation says, as plain values."""

    survey_code: str
    dossier_code: str
    procedure: str
    unit: str
    applicant: str
    organization: str
    deadline: str = ""  # dd/mm/yyyy
    return_fax: str = ""
    return_address: str = ""
    website: str = ""
    reminder: int = 0  # 0: the invitation; 1, 2: the reminders
    opt_out_address: str = ""  # where a reply asking for no more reminders goes
    form_link: str = ""  # the survey's web form (survey/links.py); "" without a web channel
    opt_out_link: str = ""  # its opt-out page, also the RFC 8058 one-click address


@dataclass(frozen=True)
class Envelope:
    sender: str  # the From address
    sender_name: str
    recipient: str  # the To header: one address, or several joined by ", "
    message_id: str
    reply_to: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str  # the name the reader sees (Vietnamese), sent in RFC 2231 form
    mime_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class Content:
    """What a message says: its subject, bodies, attachments and extra headers."""

    subject: str
    text: str = ""
    html: str = ""
    attachments: Sequence[Attachment] = ()
    headers: Sequence[tuple[str, str]] = ()  # after the standard ones: X-Khaosat-Survey, List-Unsubscribe


def sender_envelope(settings: Settings, recipient: str, message_id: str, reply_to: str = "") -> Envelope:
    """An envelope from the configured sender, named ``[smtp] from_name`` or the organisation."""
    smtp = settings.smtp
    return Envelope(smtp.from_address, smtp.from_name or settings.organization.name, recipient, message_id, reply_to)


@cache
def _templates() -> jinja2.Environment:
    folder = resources.files(__package__).joinpath("templates")
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
    )
    environment.globals.update(tr=_tr, lang=current)
    return environment


@jinja2.pass_eval_context
def _tr(eval_context: jinja2.nodes.EvalContext, template: str, /, **values: object) -> str:
    """``tr`` in a template: in HTML the template is markup and the values are escaped."""
    return tr_markup(template, **values) if eval_context.autoescape else tr(template, **values)


def templated(
    template: str,
    subject: str,
    values: Mapping[str, object],
    *,
    attachments: Sequence[Attachment] = (),
    headers: Sequence[tuple[str, str]] = (),
) -> Content:
    """A ``Content`` whose bodies are ``<template>.txt.j2`` and ``<template>.html.j2`` rendered with ``values``."""
    return Content(
        subject,
        text=nfc(_templates().get_template(f"{template}.txt.j2").render(values)),
        html=nfc(_templates().get_template(f"{template}.html.j2").render(values)),
        attachments=attachments,
        headers=headers,
    )


def compose(envelope: Envelope, content: Content, *, date: datetime | None = None) -> bytes:
    """RFC 5322 bytes: the text and HTML alternatives, then the attachments, if any.

    The message is the alternative part itself when there is nothing attached, and a
    multipart/mixed around it (or around the attachments alone) otherwise.
    """
    body = _alternative(content.text, content.html) if content.text or content.html else None
    message: Message
    if content.attachments or body is None:
        message = MIMEMultipart("mixed")
        if body is not None:
            message.attach(body)
        for index, attachment in enumerate(content.attachments):
            message.attach(_attachment_part(attachment, index))
    else:
        message = body
    _headers(message, envelope, content, date or utcnow())
    return _serialise(message, content.attachments)


def _alternative(text: str, html: str) -> MIMEMultipart:
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", "utf-8"))
    body.attach(MIMEText(html, "html", "utf-8"))
    return body


def _headers(message: Message, envelope: Envelope, content: Content, date: datetime) -> None:
    message["From"] = formataddr((envelope.sender_name, envelope.sender), charset="utf-8")
    message["To"] = envelope.recipient
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = Header(content.subject, "utf-8")  # type: ignore[assignment]  # compat32 folds a Header well
    message["Date"] = format_datetime(date)
    message["Message-ID"] = envelope.message_id
    # RFC 3834: automatic, so out-of-office responders should stay silent.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in content.headers:
        message[name] = value


def _placeholder(index: int) -> str:
    return f"khaosat-attachment-{index}-placeholder"


def _attachment_part(attachment: Attachment, index: int) -> MIMEBase:
    """The attachment part, its body a placeholder that ``_serialise`` fills with the data."""
    main, _, sub = attachment.mime_type.partition("/")
    part = MIMEBase(main, sub)
    part["Content-Transfer-Encoding"] = "base64"
    # RFC 2231: filename*=utf-8''Phi%E1%BA%BFu...
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.filename))
    part.set_payload(_placeholder(index))
    return part


def _serialise(message: Message, attachments: Sequence[Attachment]) -> bytes:
    """RFC 5322 bytes with CRLF line ends.

    The legacy (compat32) generator writes the same RFC 2047/2231 headers as the modern
    one, which refolds every non-ASCII header at ~40 ms a message; and the attachments'
    base64 lines are spliced in whole rather than written line by line (~8 ms saved on a
    form's PDF).
    """
    data = message.as_bytes(policy=SMTP_COMPAT)
    for index, attachment in enumerate(attachments):
        body = base64.encodebytes(attachment.data).replace(b"\n", b"\r\n").rstrip(b"\r\n")
        data = data.replace(_placeholder(index).encode(), body, 1)
    return data


# --- invitations and faxes ------------------------------------------------------------------


def invitation_subject(invitation: Invitation) -> str:
    code = display_code(invitation.survey_code)
    subject = tr("Phiếu khảo sát hồ sơ {dossier} [Mã phiếu: {code}]", dossier=invitation.dossier_code, code=code)
    return tr("Nhắc lại: {subject}", subject=subject) if invitation.reminder else subject


def is_organisation(applicant: str) -> bool:
    """Whether the applicant's name names an organisation (a company, a school, an office)."""
    name = " ".join(nfc(applicant).casefold().split())
    folded = fold_words(applicant)
    return (
        any(name == start or name.startswith(start + " ") for start in ORGANISATION_STARTS)
        or any(folded == start or folded.startswith(start + " ") for start in FOLDED_STARTS)
        or any(f" {word} " in f" {folded} " for word in ORGANISATION_WORDS)
    )


TITLES = {"ông": "Ông", "bà": "Bà"}  # a title the export wrote before the name


def salutation(applicant: str) -> tuple[str, str]:
    """(The greeting line, how the letter calls the applicant).

    Dossiers say nothing of gender, so a person is "Quý Ông/Bà" (never guessed from the
    name) unless the export itself wrote "Ông" or "Bà" before the name; an organisation is
    "Quý cơ quan/doanh nghiệp". In English: "Dear Mr/Ms …", "Dear Mr …", "Dear <organisation>".
    """
    name = " ".join(applicant.split())
    if name and is_organisation(name):
        return tr("Kính gửi Quý cơ quan/doanh nghiệp {name},", name=name), ORGANISATION
    title, _, rest = name.partition(" ")
    if title.casefold() == "ông" and rest:
        return tr("Kính gửi Ông {name},", name=rest), TITLES["ông"]
    if title.casefold() == "bà" and rest:
        return tr("Kính gửi Bà {name},", name=rest), TITLES["bà"]
    return (tr("Kính gửi Quý Ông/Bà {name},", name=name) if name else tr("Kính gửi Quý Ông/Bà,")), PERSON


def list_unsubscribe(invitation: Invitation) -> str:
    """RFC 2369: where to stop the reminders, the web page first (RFC 8058 one-click, when
    there is a web channel), then a mailto (a reply with the keyword does the same)."""
    addresses = [f"<{invitation.opt_out_link}>"] if invitation.opt_out_link else []
    if invitation.opt_out_address:
        subject = f"KHONG NHAN {display_code(invitation.survey_code)}".replace(" ", "%20")
        addresses.append(f"<mailto:{invitation.opt_out_address}?subject={subject}>")
    return ", ".join(addresses)


def pdf_filename(survey_code: str) -> str:
    return tr("Phiếu khảo sát {code}.pdf", code=display_code(survey_code))


def _form(invitation: Invitation, pdf: bytes) -> list[Attachment]:
    return [Attachment(pdf_filename(invitation.survey_code), PDF_TYPE, pdf)]


def compose_invitation(invitation: Invitation, envelope: Envelope, pdf: bytes) -> bytes:
    """The invitation (or a reminder): text and HTML from the templates, the form attached.

    With an opt-out link, ``List-Unsubscribe-Post`` (RFC 8058) lets a mail client's
    "unsubscribe" button POST to it at once; the page itself only changes a row on a POST,
    so a mail scanner that follows every link stops nothing.
    """
    headers = [("X-Khaosat-Survey", invitation.survey_code)]
    if invitation.opt_out_link or invitation.opt_out_address:
        headers.append(("List-Unsubscribe", list_unsubscribe(invitation)))
    if invitation.opt_out_link:
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    greeting, you = salutation(invitation.applicant)
    values = {
        **invitation.__dict__,
        "survey_code": display_code(invitation.survey_code),
        "greeting": greeting,
        "you": you,
    }
    content = templated(
        "invitation", invitation_subject(invitation), values, attachments=_form(invitation, pdf), headers=headers
    )
    return compose(envelope, content)


def compose_fax(invitation: Invitation, envelope: Envelope, pdf: bytes) -> bytes:
    """A message for an email-to-fax gateway: the PDF is the fax, nothing else."""
    headers = [("X-Khaosat-Survey", invitation.survey_code)]
    content = Content(invitation_subject(invitation), attachments=_form(invitation, pdf), headers=headers)
    return compose(envelope, content)
