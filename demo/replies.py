"""The bytes of every kind of reply that comes back, written the way the software that makes it writes it.

A PDF filled and saved in a viewer; the messages Gmail, Apple Mail and Outlook send (header
order, MIME structure, encodings and content types as they produce them); a staff member
mailing a scan; an email-to-fax gateway delivering a multi-page TIFF; an out-of-office
answer; a mail server's delivery report. Each builder takes what the sender had in hand and
returns the raw bytes a mailbox would hold.
"""

from __future__ import annotations

import email.encoders
import email.policy
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage, Message
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


def gmail_reply(original: Message, pdf: bytes, sender: str) -> bytes:
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


def apple_mail_reply(original: Message, pdf: bytes, sender: str) -> bytes:
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
    message = _mixed(staff, intake, "FW: phiếu khảo sát của người dân", domain="skhcn.example.gov.vn")
    message["X-MS-Has-Attach"] = "yes"
    message.attach(MIMEText("Chuyển phiếu khảo sát người dân gửi nhầm địa chỉ.", "plain", "utf-8"))
    inner = email.message_from_bytes(applicant_message, policy=email.policy.compat32)
    message.attach(MIMEMessage(inner))
    return message.as_bytes(policy=COMPAT)


def staff_forwarding_scan(scan: bytes, subtype: str, staff: str, intake: str, filename: str) -> bytes:
    """A staff member mails a scanned paper form (no code in the subject: the QR carries it)."""
    message = _mixed(staff, intake, "Phiếu giấy nhận tại quầy", domain="skhcn.example.gov.vn")
    message.attach(MIMEText("Gửi bộ phận tổng hợp.", "plain", "utf-8"))
    maintype = "application" if subtype == "pdf" else "image"
    message.attach(_attachment(maintype, subtype, scan, filename))
    return message.as_bytes(policy=COMPAT)


def multipage_g4_tiff(pages: list[np.ndarray], dpi: tuple[float, float] = (204, 196)) -> bytes:
    """The TIFF a fax gateway makes of the pages it received: 1-bit, Group 4, one frame a page."""
    frames = [Image.fromarray(page).convert("1", dither=Image.Dither.NONE) for page in pages]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=dpi)
    return buffer.getvalue()


def fax_gateway_mail(tiff: bytes, number: str, gateway_domain: str, intake: str) -> bytes:
    """An email-to-fax gateway delivering a received fax: a multi-page TIFF."""
    sender = f"Fax Gateway <fax@{gateway_domain}>"
    message = _mixed(sender, intake, f"Fax received from {number} (2 pages)", domain=gateway_domain)
    message.attach(MIMEText(f"You have received a 2 page fax from {number}.", "plain", "us-ascii"))
    message.attach(_attachment("image", "tiff", tiff, f"fax-{number}.tif"))
    return message.as_bytes(policy=COMPAT)


def out_of_office(original: Message, sender: str) -> bytes:
    """An applicant's mail program answering by itself while they are away."""
    return plain_message(
        sender,
        str(original["Reply-To"] or original["From"]),
        f"Trả lời tự động: {original['Subject']}",
        text="Tôi đang nghỉ phép đến hết tuần, sẽ trả lời khi trở lại.\n",
        headers={"Auto-Submitted": "auto-replied"},
    )


def bounce(original: Message) -> bytes:
    """A Postfix-style RFC 3464 delivery report: the address of ``original`` does not exist."""
    recipient = str(original["To"])
    return (
        "From: MAILER-DAEMON@mx.example.vn (Mail Delivery System)\r\n"
        f"To: {original['From']}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.vn\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original['Message-ID']}\r\nX-Khaosat-Survey: {original['X-Khaosat-Survey']}\r\n\r\n--B--\r\n"
    ).encode()


def plain_message(
    sender: str,
    to: str,
    subject: str,
    *,
    html: str = "",
    text: str = "",
    attachments: Sequence[tuple[str, str, bytes]] = (),
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


def _mixed(sender: str, to: str, subject: str, *, domain: str) -> MIMEMultipart:
    """An empty multipart/mixed message with the headers Outlook and gateways write first."""
    message = MIMEMultipart("mixed")
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = _now()
    message["Message-ID"] = make_msgid(domain=domain)
    return message


def _attachment(maintype: str, subtype: str, data: bytes, filename: str) -> MIMEBase:
    part = MIMEBase(maintype, subtype)
    part.set_payload(data)
    email.encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _now() -> str:
    return format_datetime(datetime.now(UTC))
