"""Replies written the way real mail clients and devices write them.

Each builder takes what the applicant (or staff member, or fax gateway) had in hand and
returns the raw bytes a mailbox would hold: header order, MIME structure, encodings and
content types as Gmail, Outlook, Apple Mail and an email-to-fax gateway produce them.
"""

from __future__ import annotations

import email.policy
import io
from datetime import UTC, datetime
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid

import numpy as np
from PIL import Image
from pypdf import PdfReader, PdfWriter

SMTP = email.policy.SMTP
COMPAT = email.policy.compat32.clone(linesep="\r\n")


def fill_on_screen(pdf: bytes, values: dict[str, str], comment: str = "") -> bytes:
    """What a PDF viewer saves after the applicant ticks boxes and types a comment."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fields = {question: f"/{value}" for question, value in values.items()}
    if comment:
        fields["E1"] = comment
    for page in writer.pages:
        writer.update_page_form_field_values(page, fields, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _now() -> str:
    return format_datetime(datetime.now(UTC))


def gmail_reply(original: EmailMessage, pdf: bytes, sender: str) -> bytes:
    """Gmail: multipart/mixed with a text+HTML alternative quoting the original, PDF attached."""
    message = MIMEMultipart("mixed")
    message["MIME-Version"] = "1.0"
    message["Date"] = _now()
    message["References"] = original["Message-ID"]
    message["In-Reply-To"] = original["Message-ID"]
    message["Message-ID"] = make_msgid(domain="mail.gmail.com")
    message["Subject"] = "Re: " + str(original["Subject"])
    message["From"] = sender
    message["To"] = str(original["Reply-To"] or original["From"])
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("Tôi gửi lại phiếu đã điền.\r\n\r\n> Kính gửi Ông/Bà,\r\n", "plain", "utf-8"))
    alternative.attach(MIMEText('<div dir="ltr">Tôi gửi lại phiếu đã điền.</div>', "html", "utf-8"))
    message.attach(alternative)
    part = MIMEApplication(pdf, "pdf")
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "Phiếu khảo sát (đã điền).pdf"))
    message.attach(part)
    return message.as_bytes(policy=COMPAT)


def apple_mail_reply(original: EmailMessage, pdf: bytes, sender: str) -> bytes:
    """Apple Mail: the PDF as application/octet-stream, inline, its name in RFC 2047."""
    message = EmailMessage(policy=email.policy.default)
    message["From"] = sender
    message["Subject"] = "Re: " + str(original["Subject"])
    message["Date"] = _now()
    message["To"] = str(original["Reply-To"] or original["From"])
    message["In-Reply-To"] = original["Message-ID"]
    message["Message-Id"] = make_msgid(domain="icloud.com")
    message["X-Mailer"] = "iPhone Mail (20H115)"
    message.set_content("Gửi anh chị phiếu.\n\nSent from my iPhone\n")
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="octet-stream",
        disposition="inline",
        filename="=?utf-8?b?UGhp4bq/dSBraOG6o28gc8OhdC5wZGY=?=",
    )
    return message.as_bytes(policy=SMTP)


def outlook_forward_as_attachment(applicant_message: bytes, staff: str, intake: str) -> bytes:
    """Outlook "Forward as Attachment": the applicant's whole message as message/rfc822."""
    message = MIMEMultipart("mixed")
    message["From"] = staff
    message["To"] = intake
    message["Subject"] = "FW: phiếu khảo sát của người dân"
    message["Date"] = _now()
    message["Message-ID"] = make_msgid(domain="skhcn.example.gov.vn")
    message["X-MS-Has-Attach"] = "yes"
    message.attach(MIMEText("Chuyển phiếu khảo sát người dân gửi nhầm địa chỉ.", "plain", "utf-8"))
    inner = email.message_from_bytes(applicant_message, policy=email.policy.compat32)
    message.attach(MIMEMessage(inner))
    return message.as_bytes(policy=COMPAT)


def staff_forwarding_scan(scan: bytes, subtype: str, staff: str, intake: str, filename: str) -> bytes:
    """A staff member mails a scanned paper form (no code in the subject: the QR carries it)."""
    message = MIMEMultipart("mixed")
    message["From"] = staff
    message["To"] = intake
    message["Subject"] = "Phiếu giấy nhận tại quầy"
    message["Date"] = _now()
    message["Message-ID"] = make_msgid(domain="skhcn.example.gov.vn")
    message.attach(MIMEText("Gửi bộ phận tổng hợp.", "plain", "utf-8"))
    maintype = "application" if subtype == "pdf" else "image"
    part = MIMEBase(maintype, subtype)
    part.set_payload(scan)
    email.encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    message.attach(part)
    return message.as_bytes(policy=COMPAT)


def fax_gateway_mail(tiff: bytes, number: str, gateway_domain: str, intake: str) -> bytes:
    """An email-to-fax gateway delivering a received fax: a multi-page TIFF."""
    message = MIMEMultipart("mixed")
    message["From"] = f"Fax Gateway <fax@{gateway_domain}>"
    message["To"] = intake
    message["Subject"] = f"Fax received from {number} (2 pages)"
    message["Date"] = _now()
    message["Message-ID"] = make_msgid(domain=gateway_domain)
    message.attach(MIMEText(f"You have received a 2 page fax from {number}.", "plain", "us-ascii"))
    part = MIMEBase("image", "tiff")
    part.set_payload(tiff)
    email.encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=f"fax-{number}.tif")
    message.attach(part)
    return message.as_bytes(policy=COMPAT)


def plain_message(
    sender: str,
    to: str,
    subject: str,
    *,
    html: str = "",
    text: str = "",
    attachments: list[tuple[str, str, bytes]] = (),
    headers: dict[str, str] | None = None,
) -> bytes:
    """Any other message: HTML only, text only, odd attachments, extra headers."""
    message = EmailMessage(policy=email.policy.default)
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = _now()
    message["Message-ID"] = make_msgid(domain="example.vn")
    for name, value in (headers or {}).items():
        message[name] = value
    if html and not text:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text or "(trống)")
        if html:
            message.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=SMTP)


def multipage_g4_tiff(pages: list[np.ndarray], dpi: tuple[float, float] = (204, 196)) -> bytes:
    frames = [Image.fromarray(page).convert("1", dither=Image.Dither.NONE) for page in pages]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=dpi)
    return buffer.getvalue()
