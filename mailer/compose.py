"""Composing outbound messages: pure functions from plain values to RFC 5322 bytes.

An invitation is a Vietnamese text and HTML alternative with the personalised PDF
attached; a fax is the PDF alone, addressed to the email-to-fax gateway. Messages are
serialised once, with the SMTP policy (CRLF line ends), and sent as bytes.
"""

from __future__ import annotations

import email.policy
import secrets
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from importlib import resources

import jinja2

from ..models import utcnow
from ..survey.codes import display_code

SUBJECT_PREFIX = "Phiếu khảo sát"


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


@dataclass(frozen=True)
class Envelope:
    sender: str  # the From address
    sender_name: str
    recipient: str
    message_id: str
    reply_to: str = ""


def new_message_id(domain: str) -> str:
    return f"<khaosat.{secrets.token_hex(12)}@{domain}>"


@cache
def _templates() -> jinja2.Environment:
    folder = resources.files(__package__).joinpath("templates")
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
    )


def render_template(name: str, **values: object) -> str:
    return unicodedata.normalize("NFC", _templates().get_template(name).render(**values))


def invitation_subject(invitation: Invitation) -> str:
    code = display_code(invitation.survey_code)
    return f"{SUBJECT_PREFIX} hồ sơ {invitation.dossier_code} [Mã phiếu: {code}]"


def pdf_filename(survey_code: str) -> str:
    return f"Phiếu khảo sát {display_code(survey_code)}.pdf"


def _headers(message: EmailMessage, envelope: Envelope, subject: str) -> None:
    message["From"] = Address(envelope.sender_name, addr_spec=envelope.sender)
    message["To"] = envelope.recipient
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = envelope.message_id
    # RFC 3834: automatic, so out-of-office responders should stay silent.
    message["Auto-Submitted"] = "auto-generated"


def _attach_pdf(message: EmailMessage, pdf: bytes, survey_code: str) -> None:
    # email.policy.default writes a non-ASCII file name as RFC 2231 (filename*=utf-8''...).
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_filename(survey_code))


def compose_invitation(invitation: Invitation, envelope: Envelope, pdf: bytes) -> bytes:
    values = {**invitation.__dict__, "survey_code": display_code(invitation.survey_code)}
    message = EmailMessage(policy=email.policy.default)
    _headers(message, envelope, invitation_subject(invitation))
    message["X-Khaosat-Survey"] = invitation.survey_code
    message.set_content(render_template("invitation.txt.j2", **values))
    message.add_alternative(render_template("invitation.html.j2", **values), subtype="html")
    _attach_pdf(message, pdf, invitation.survey_code)
    return message.as_bytes(policy=email.policy.SMTP)


def compose_fax(invitation: Invitation, envelope: Envelope, pdf: bytes) -> bytes:
    """A message for an email-to-fax gateway: the PDF is the fax, nothing else."""
    message = EmailMessage(policy=email.policy.default)
    _headers(message, envelope, invitation_subject(invitation))
    message["X-Khaosat-Survey"] = invitation.survey_code
    _attach_pdf(message, pdf, invitation.survey_code)
    return message.as_bytes(policy=email.policy.SMTP)


def fax_address(gateway: str, number: str) -> str:
    """The gateway address of a fax number stored in E.164 form ("+842633822111").

    ``{number}`` in the pattern becomes the national number (02633822111), ``{e164}``
    the international digits (842633822111).
    """
    digits = "".join(ch for ch in number if ch.isdigit())
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return gateway.format(number=national, e164=digits)
