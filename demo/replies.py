"""Simulated applicants for ``khaosat demo``: they answer the forms they were sent.

Most fill the PDF on screen and reply to the email; some print it, tick it with a pen and
hand it in (a staff member scans it into the scan folder); one address bounces; one
applicant is on holiday. Everything lands in the scan folder as the intake would find it
in a mailbox: replies as .eml files, paper as JPEG scans.
"""

from __future__ import annotations

import email
import email.policy
import io
import random
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import cv2
import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ..survey.layout import LayoutMap

SCAN_DPI = 200


def choose_answers(layout: LayoutMap, rng: random.Random) -> dict[str, str]:
    """A plausible applicant: mostly satisfied, a few blanks."""
    answers: dict[str, str] = {}
    for page in layout.pages:
        for box in page.boxes:
            answers.setdefault(box.question, "")
    for question in answers:
        values = [box.value for _, box in layout.boxes_of(question)]
        ratings = [value for value in values if value in {"4", "5"}]
        answers[question] = rng.choice(ratings) if ratings and rng.random() < 0.8 else rng.choice(values)
    return {question: value for question, value in answers.items() if rng.random() > 0.05}


def fill_on_screen(pdf: bytes, answers: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {q: f"/{v}" for q, v in answers.items()}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def paper_scan(pdf: bytes, layout: LayoutMap, answers: dict[str, str], rng: random.Random) -> bytes:
    """The first page printed, crossed with a pen, scanned slightly askew as a JPEG."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=SCAN_DPI / 72, grayscale=True).to_numpy().copy()
    finally:
        document.close()
    image = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = SCAN_DPI / 72
    for box in layout.pages[0].boxes:
        if answers.get(box.question) == box.value:
            x0, y1 = box.rect.x * scale, (layout.page_height - box.rect.y) * scale
            x1, y0 = x0 + box.rect.width * scale, y1 - box.rect.height * scale
            cv2.line(image, (int(x0 + 3), int(y0 + 3)), (int(x1 - 3), int(y1 - 3)), 20, 3)
            cv2.line(image, (int(x0 + 3), int(y1 - 3)), (int(x1 - 3), int(y0 + 3)), 20, 3)
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-1.5, 1.5), 1.0)
    image = cv2.warpAffine(image, turn, (width, height), borderValue=255)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=85, dpi=(SCAN_DPI, SCAN_DPI))
    return buffer.getvalue()


def reply(original: EmailMessage, pdf: bytes, sender: str) -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["From"], message["To"] = sender, str(original["Reply-To"])
    message["Subject"] = f"Re: {original['Subject']}"
    message["In-Reply-To"] = message["References"] = str(original["Message-ID"])
    message["Message-ID"] = make_msgid(domain="example.vn")
    message.set_content("Tôi gửi lại phiếu khảo sát đã điền.\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="Phiếu khảo sát.pdf")
    return message.as_bytes(policy=email.policy.SMTP)


def out_of_office(original: EmailMessage, sender: str) -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["From"], message["To"] = sender, str(original["Reply-To"])
    message["Subject"] = f"Trả lời tự động: {original['Subject']}"
    message["Auto-Submitted"] = "auto-replied"
    message["Message-ID"] = make_msgid(domain="example.vn")
    message.set_content("Tôi đang nghỉ phép đến hết tuần, sẽ trả lời khi trở lại.\n")
    return message.as_bytes(policy=email.policy.SMTP)


def bounce(original: EmailMessage) -> bytes:
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


def write_replies(
    mailboxes: Path, scan_dir: Path, layout: LayoutMap, *, paper_forms: list[bytes], share: float = 0.85, seed: int = 7
) -> dict[str, int]:
    """Answer the forms in ``mailboxes`` and the ``paper_forms`` sent by post into
    ``scan_dir``; returns how many of each kind."""
    rng = random.Random(seed)
    counts = {"pdf": 0, "paper": 0, "bounce": 0, "autoreply": 0}
    sent = sorted(mailboxes.glob("*.eml"))
    total = len(sent) + len(paper_forms)
    answering = set(rng.sample(range(total), round(share * total)))
    for index, pdf in enumerate(paper_forms, start=len(sent)):
        if index in answering:
            scan = paper_scan(pdf, layout, choose_answers(layout, rng), rng)
            (scan_dir / f"post-{index:03d}.jpg").write_bytes(scan)
            counts["paper"] += 1
    for index, path in enumerate(sent):
        original = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(original, EmailMessage)
        [attachment] = list(original.iter_attachments())
        pdf, sender = attachment.get_content(), str(original["To"])
        if index == 0:
            (scan_dir / "bounce.eml").write_bytes(bounce(original))
            counts["bounce"] += 1
            continue
        if index == 1:
            (scan_dir / "auto-reply.eml").write_bytes(out_of_office(original, sender))
            counts["autoreply"] += 1
        if index not in answering:
            continue
        answers = choose_answers(layout, rng)
        if "@fax." in sender or rng.random() < 0.15:
            (scan_dir / f"scan-{index:03d}.jpg").write_bytes(paper_scan(pdf, layout, answers, rng))
            counts["paper"] += 1
        else:
            (scan_dir / f"reply-{index:03d}.eml").write_bytes(reply(original, fill_on_screen(pdf, answers), sender))
            counts["pdf"] += 1
    return counts
