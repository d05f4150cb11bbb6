"""Two rounds of applicants with contact data everywhere the loop puts it: dossiers, outbox, raw replies, review.

Round 2026-1 (deadline 31/10/2026) and round 2026-2 (deadline 20/12/2026); ``PURGE_DAY`` is more
than 90 days after the first closed and less than 90 after the second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from khaosat.intake.archive import archive_raw
from khaosat.models import InboundMessage, OutboxMessage, Response, ReviewKind, utcnow
from khaosat.review.queue import add_review
from khaosat.settings import Settings

from ..support.factories import add_dossier
from ..support.survey_rows import reply, send, survey_of

PURGE_DAY = date(2027, 3, 1)
ROUND_DAYS = {"2026-1": date(2026, 3, 2), "2026-2": date(2026, 11, 5)}
NOW = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)


@dataclass
class World:
    contacts: dict[str, list[str]] = field(default_factory=dict)  # round → every contact datum of its applicants


def contact_of(round_name: str, number: int) -> dict[str, str]:
    tag = round_name.replace("-", "r")
    return {
        "applicant": f"Bà Trần Thị Riêng {tag}x{number}",
        "email": f"rieng{tag}x{number}@canhan.example.vn",
        "phone": f"0912 {number}{tag[-1]}5 678",
        "fax": f"0263 {number}{tag[-1]}22 999",
        "address": f"{number} Hẻm Bí Mật {tag}, Phường 9",
    }


def build_world(engine: Engine, settings: Settings) -> World:
    """Per round three dossiers: one replied by mail (archived, with evidence and a review item), one sent, one not."""
    world = World()
    with Session(engine, expire_on_commit=False) as session:
        for round_name, received_on in ROUND_DAYS.items():
            world.contacts[round_name] = []
            for number in range(3):
                contact = contact_of(round_name, number)
                world.contacts[round_name] += contact.values()
                dossier = add_dossier(session, f"HS-{round_name}-{number}", received_on=received_on, **contact)
                if number == 2:
                    continue
                survey = survey_of(session, settings, dossier)
                send(session, settings, survey, dossier)
                if number == 0:
                    reply(session, survey, {"D1": "4"})
                    mail_reply(session, settings.storage.dir, survey.id or 0, contact)
                else:
                    row = session.exec(select(OutboxMessage).where(OutboxMessage.survey_id == survey.id)).one()
                    row.last_error = f"550 5.1.1 <{contact['email']}>: mailbox full"
                    session.add(row)
        session.commit()
    return world


def mail_reply(session: Session, storage_dir: Path, survey_id: int, contact: dict[str, str]) -> None:
    """The reply's raw message archived, its evidence copied, and a review item that kept its sender."""
    raw = f"From: {contact['applicant']} <{contact['email']}>\nSubject: Phiếu\n\nĐT {contact['phone']}\n".encode()
    sha256, _ = archive_raw(raw, storage_dir)
    subject = f"Phiếu của {contact['applicant']}"
    inbound = InboundMessage(source="imap:phieu", sha256=sha256, name=subject, sender=contact["email"],
                             reason=f"từ {contact['email']}", received_at=utcnow())  # fmt: skip
    session.add(inbound)
    session.flush()
    response = session.exec(select(Response).where(Response.survey_id == survey_id)).one()
    response.inbound_id = inbound.id
    session.add(response)
    evidence = storage_dir / "evidence" / str(inbound.id)
    evidence.mkdir(parents=True)
    (evidence / "phieu.pdf").write_bytes(raw)
    details = {"answers": {"D1": "4"}, "sender": contact["email"], "subject": subject}
    add_review(session, ReviewKind.uncertain, f"thư của {contact['email']}", inbound_id=inbound.id,
               survey_id=survey_id, response_id=response.id, details=details)  # fmt: skip
    session.commit()


def every_text(engine: Engine) -> str:
    """Every row of every table as text: what a search of the database for a datum reads."""
    with engine.connect() as connection:
        rows = [
            json.dumps([str(value) for value in row], ensure_ascii=False)
            for table in SQLModel.metadata.sorted_tables
            for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
    return "\n".join(rows)


def every_file(storage_dir: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(storage_dir.rglob("*")) if path.is_file()}
