"""Print batches: every pending paper form in one PDF, marked sent once confirmed.

``post`` batches put an address page before each form, with the address where a DL
window envelope shows it (DIN 5008: 20 mm from the left, 45 mm from the top). A batch
holds its forms as ``batched`` until a person confirms it was printed and handed over.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import Session, col, select

from ..errors import KhaosatError
from ..language import speaking, tr
from ..models import Channel, OutboxMessage, OutboxState, PrintBatch, utcnow
from ..settings import Settings
from ..survey.fonts import BOLD, REGULAR, register_fonts
from ..survey.render import FormRenderer
from ..text import nfc
from .compose import salutation
from .dispatch import Delivery, load_deliveries
from .outbox import mark_sent
from .reminders import is_reminder


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    forms: int
    file: Path


REMINDER_NOTE = (
    "THƯ NHẮC: chúng tôi chưa nhận được phiếu khảo sát của {you}. Xin điền phiếu kèm theo và gửi lại; "
    "nếu đã gửi, xin bỏ qua thư này."
)


def address_page(applicant: str, address: str, sender: str, sender_address: str, note: str = "") -> bytes:
    """The page whose address shows in the envelope window, greeting the applicant as the invitation does."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    _, height = A4
    canvas.setFont(REGULAR, 8)
    canvas.drawString(20 * mm, height - 27 * mm, nfc(sender))
    canvas.drawString(20 * mm, height - 31 * mm, nfc(sender_address))
    with speaking("vi"):  # the printed form (survey/) is Vietnamese: so is its envelope
        greeting, _you = salutation(nfc(applicant))
    addressee = textwrap.wrap(greeting.removesuffix(","), 44)
    canvas.setFont(BOLD, 11)
    for line_number, line in enumerate(addressee):
        canvas.drawString(25 * mm, height - (55 + 5.5 * line_number) * mm, line)
    canvas.setFont(REGULAR, 11)
    for line_number, line in enumerate(_address_lines(address), start=len(addressee)):
        canvas.drawString(25 * mm, height - (55 + 5.5 * line_number) * mm, line)
    if note:  # below the envelope window
        text = canvas.beginText(20 * mm, height - 110 * mm)
        text.setFont(BOLD, 11)
        for line in textwrap.wrap(nfc(note), 80):
            text.textLine(line)
        canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _address_lines(address: str, width: int = 48) -> list[str]:
    """Split an address at commas into lines of at most ``width`` characters."""
    lines: list[str] = []
    for part in nfc(address).split(","):
        part = part.strip()
        if lines and len(lines[-1]) + len(part) + 2 <= width:
            lines[-1] = f"{lines[-1]}, {part}"
        elif part:
            lines.append(part)
    return lines[:5]


def _drop_form_fields(writer: PdfWriter) -> None:
    """Paper needs no on-screen fields, and many copies of one form's fields would collide."""
    writer.remove_annotations(subtypes="/Widget")
    writer.root_object.pop("/AcroForm", None)


def build_print_batch(
    session: Session, settings: Settings, renderer: FormRenderer, *, channel: Channel, output: Path
) -> BatchResult | None:
    """Write one PDF of every pending ``channel`` form to ``output``; None when none waits."""
    if channel not in (Channel.post, Channel.counter):
        raise KhaosatError(tr("kênh {channel} không phải kênh in (post hoặc counter)", channel=channel))
    row_ids = [
        row_id
        for row_id in session.exec(
            select(OutboxMessage.id)
            .where(col(OutboxMessage.state) == OutboxState.pending, col(OutboxMessage.channel) == channel)
            .order_by(col(OutboxMessage.id))
        ).all()
        if row_id is not None
    ]
    if not row_ids:
        return None
    writer = PdfWriter()
    deliveries = load_deliveries(session, row_ids, settings)
    for delivery in deliveries:
        if channel is Channel.post:
            writer.append(PdfReader(io.BytesIO(_envelope_page(delivery, settings))))
        writer.append(PdfReader(io.BytesIO(renderer.render(delivery.form.context(settings)))))
    _drop_form_fields(writer)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        writer.write(handle)
    batch = PrintBatch(channel=channel, file=str(output), forms=len(deliveries), created_at=utcnow())
    session.add(batch)
    session.flush()
    for delivery in deliveries:
        delivery.row.state, delivery.row.print_batch_id = OutboxState.batched, batch.id
        session.add(delivery.row)
    session.commit()
    assert batch.id is not None
    return BatchResult(batch.id, len(deliveries), output)


def _envelope_page(delivery: Delivery, settings: Settings) -> bytes:
    """The address page of a posted form (with the reminder note for a reminder)."""
    return address_page(
        delivery.form.dossier.applicant,
        delivery.form.dossier.address,
        settings.organization.name,
        settings.survey.return_address or settings.organization.address,
        _reminder_note(delivery.form.dossier.applicant) if is_reminder(delivery.row.kind) else "",
    )


def _reminder_note(applicant: str) -> str:
    with speaking("vi"):
        _greeting, you = salutation(applicant)
    return REMINDER_NOTE.format(you=you)


def confirm_print_batch(session: Session, batch_id: int) -> int:
    """Mark every form of a printed batch sent; returns how many."""
    batch = session.get(PrintBatch, batch_id)
    if batch is None:
        raise KhaosatError(tr("không có lô in số {batch_id}", batch_id=batch_id))
    if batch.confirmed_at is not None:
        return 0
    now = utcnow()
    rows = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.print_batch_id) == batch_id, col(OutboxMessage.state) == OutboxState.batched
        )
    ).all()
    for row in rows:
        mark_sent(session, row, now=now)
    batch.confirmed_at = now
    session.add(batch)
    session.commit()
    return len(rows)
