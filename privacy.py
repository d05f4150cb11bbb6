"""Personal data kept no longer than ``[privacy] retain_days`` after a round closes (Decree 13/2023, Law 91/2025).

A round closes the day after its deadline; ``retain_days`` later its dossiers lose their
applicant's name, email, phone, fax and address, its outbox rows their recipients, its raw
messages and scans (the archive and the review evidence) their files, and the rows about them
the senders and subjects they held. The dossier code, unit, procedure, answers and counts stay,
and every reply keeps the SHA-256 of the file it was read from. Each purge is one audit entry
(``reports.raw_files.PURGE_ACTION``): `khaosat audit` reads it to tell erased files from lost
ones. A raw message is erased only once every round it belongs to is due. Repeating a purge
finds nothing left to erase and records nothing.

The daemon writes its log to standard output (the journal), each line masked where it is
written (``text.masked``), so it keeps no log file to clean. The files it does keep with
contact data are the one-stop exports taken from ``[dossiers] inbox_dir`` (in ``processed/``
and ``rejected/``, every row with its name, email and phone): ``purge_dropped_files`` deletes
each one, and the import report or reason beside it, ``retain_days`` after it was written.
Deleted, not masked: a workbook cannot be masked line by line, and every row it held that
could be imported is in the database, where the round's purge erases it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from .intake.archive import archive_path
from .models import Dossier, InboundMessage, OutboxMessage, Response, ReviewItem, Round, Survey
from .reports.raw_files import PURGE_ACTION
from .review.audit_log import audit
from .survey.counts import round_days

CONTACT_FIELDS = ("applicant", "email", "phone", "fax", "address")
DROPPED_FOLDERS = ("processed", "rejected")  # of [dossiers] inbox_dir: where dossiers/inbox.py moves a taken export
FILES_PURGE_ACTION = "privacy.purge-files"
_CONTACT_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ()-]{5,}\d")
ERASED = "[đã xoá]"


@dataclass(frozen=True)
class RoundPurge:
    """What a purge of one round erases (or, in a dry run, would)."""

    round: str
    ends_on: date
    dossiers: int  # dossiers with contact data
    outbox: int  # outbox rows with a recipient
    raw_files: int  # raw messages and scans of the round


def is_due(ends_on: date, today: date, retain_days: int) -> bool:
    """True once more than ``retain_days`` have passed since the round closed (the day after its deadline)."""
    return today - ends_on > timedelta(days=retain_days)


def erased_text(text: str) -> str:
    """``text`` without the email addresses and phone or fax numbers it holds (a bounce's error, a reason)."""
    return _CONTACT_TEXT.sub(ERASED, text)


def purge(session: Session, *, storage_dir: Path, today: date, retain_days: int, dry_run: bool) -> list[RoundPurge]:
    """Erase the personal data of every round past ``retain_days``; what was (or would be) erased, per round."""
    rounds = session.exec(select(Round).order_by(col(Round.starts_on))).all()
    due = {row.id: row for row in rounds if row.id is not None and is_due(row.ends_on, today, retain_days)}
    erasable = _erasable_inbound(session, set(due))
    done = []
    for round_id, row in due.items():
        dossiers = _contact_dossiers(session, round_id)
        outbox = _addressed_outbox(session, round_id)
        inbound = [message for message in erasable.get(round_id, []) if _holds_data(message, storage_dir)]
        found = RoundPurge(row.name, row.ends_on, len(dossiers), len(outbox), len(inbound))
        if not dry_run and (dossiers or outbox or inbound):
            _erase(session, dossiers, outbox, inbound, storage_dir)
            _erase_review_text(session, round_id, [message.id for message in inbound if message.id is not None])
            audit(session, actor="privacy", action=PURGE_ACTION, target=f"round:{row.name}",
                  round_id=round_id, erased_on=today.isoformat(), dossiers=found.dossiers,
                  outbox=found.outbox, raw_files=found.raw_files)  # fmt: skip
            session.commit()
        done.append(found)
    return done


def _contact_dossiers(session: Session, round_id: int) -> list[Dossier]:
    held = sa.or_(*(col(getattr(Dossier, name)) != "" for name in CONTACT_FIELDS))
    in_round = round_days(session, round_id).condition(col(Dossier.received_on))
    return list(session.exec(select(Dossier).where(in_round, held)).all())


def _addressed_outbox(session: Session, round_id: int) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .join(Survey, col(Survey.id) == col(OutboxMessage.survey_id))
        .where(col(Survey.round_id) == round_id, col(OutboxMessage.recipient) != "")
    )
    return list(session.exec(query).all())


def _erasable_inbound(session: Session, due: set[int]) -> dict[int, list[InboundMessage]]:
    """Round id → its raw messages whose every round is due (a scanned stack may span rounds)."""
    rounds_of: dict[int, set[int]] = {}
    for query in _inbound_rounds():
        for inbound_id, round_id in session.exec(query).all():
            rounds_of.setdefault(inbound_id, set()).add(round_id)
    erasable: dict[int, list[InboundMessage]] = {}
    for inbound_id, rounds in rounds_of.items():
        if rounds <= due:
            message = session.get(InboundMessage, inbound_id)
            assert message is not None
            erasable.setdefault(min(rounds), []).append(message)
    return erasable


def _inbound_rounds() -> list[Any]:
    """(raw message id, round id) through each row that ties a raw message to a survey."""
    message = col(InboundMessage.id)
    return [
        select(message, col(Survey.round_id))
        .join(Response, col(Response.inbound_id) == message)
        .join(Survey, col(Survey.id) == col(Response.survey_id)),
        select(message, col(Survey.round_id))
        .join(ReviewItem, col(ReviewItem.inbound_id) == message)
        .join(Survey, col(Survey.id) == col(ReviewItem.survey_id)),
        select(message, col(Survey.round_id))
        .join(OutboxMessage, col(OutboxMessage.id) == col(InboundMessage.outbox_id))
        .join(Survey, col(Survey.id) == col(OutboxMessage.survey_id)),
    ]


def _holds_data(message: InboundMessage, storage_dir: Path) -> bool:
    held = message.sender or message.name or _evidence_folder(message, storage_dir).exists()
    return bool(held) or archive_path(message.sha256, storage_dir).exists()


def _evidence_folder(message: InboundMessage, storage_dir: Path) -> Path:
    return storage_dir / "evidence" / str(message.id)


def _erase(
    session: Session,
    dossiers: list[Dossier],
    outbox: list[OutboxMessage],
    inbound: list[InboundMessage],
    storage_dir: Path,
) -> None:
    for dossier in dossiers:
        for name in CONTACT_FIELDS:
            setattr(dossier, name, "")
        session.add(dossier)
    for row in outbox:
        row.recipient, row.last_error = "", erased_text(row.last_error)
        session.add(row)
    for message in inbound:
        archive_path(message.sha256, storage_dir).unlink(missing_ok=True)
        shutil.rmtree(_evidence_folder(message, storage_dir), ignore_errors=True)
        message.sender, message.name, message.reason = "", "", erased_text(message.reason)
        session.add(message)


def _erase_review_text(session: Session, round_id: int, inbound_ids: list[int]) -> None:
    """The senders and subjects the review items of the round's surveys or raw messages kept."""
    query = (
        select(ReviewItem)
        .outerjoin(Survey, col(Survey.id) == col(ReviewItem.survey_id))
        .where(sa.or_(col(Survey.round_id) == round_id, col(ReviewItem.inbound_id).in_(inbound_ids)))
    )
    for item in session.exec(query).all():
        details = json.loads(item.details or "{}")
        details.update({key: "" for key in ("sender", "subject") if key in details})
        item.details = erased_text(json.dumps(details, ensure_ascii=False))
        item.reason = erased_text(item.reason)
        session.add(item)


def purge_dropped_files(
    session: Session, inbox_dir: Path, *, today: date, zone: tzinfo, retain_days: int, dry_run: bool
) -> list[Path]:
    """Delete the exports (and their import reports) taken from the drop folder more than ``retain_days`` ago.

    A file's day is when it was last written (its modification time, kept by the move). What
    was (or, in a dry run, would be) deleted; one audit entry names them.
    """
    due = [path for path in _dropped_files(inbox_dir) if is_due(_written_on(path, zone), today, retain_days)]
    if due and not dry_run:
        for path in due:
            path.unlink(missing_ok=True)
        audit(session, actor="privacy", action=FILES_PURGE_ACTION, target=f"folder:{inbox_dir}",
              erased_on=today.isoformat(), files=[str(path.relative_to(inbox_dir)) for path in due])  # fmt: skip
        session.commit()
    return due


def _dropped_files(inbox_dir: Path) -> list[Path]:
    folders = [inbox_dir / name for name in DROPPED_FOLDERS]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.iterdir()
                  if path.is_file() and not path.is_symlink())  # fmt: skip


def _written_on(path: Path, zone: tzinfo) -> date:
    return datetime.fromtimestamp(path.stat().st_mtime, zone).date()


@dataclass(frozen=True)
class Held:
    """Everything kept about one applicant's dossier (`khaosat privacy show`)."""

    dossier: Dossier
    survey: Survey | None
    outbox: list[OutboxMessage]
    replies: list[tuple[Response, InboundMessage | None]]
    files: list[Path]  # the raw archive and review evidence still on disk


def held_about(session: Session, code: str, *, storage_dir: Path, actor: str) -> Held | None:
    """What is held about dossier ``code`` (None: no such dossier); the look is audited, as the law asks."""
    dossier = session.exec(select(Dossier).where(col(Dossier.code) == code)).first()
    if dossier is None:
        return None
    survey = session.exec(select(Survey).where(col(Survey.dossier_id) == dossier.id)).first()
    outbox, replies = [], []
    if survey is not None:
        outbox = list(session.exec(select(OutboxMessage).where(col(OutboxMessage.survey_id) == survey.id)).all())
        responses = session.exec(select(Response).where(col(Response.survey_id) == survey.id)).all()
        replies = [(response, session.get(InboundMessage, response.inbound_id)) for response in responses]
    files = [
        path
        for _, message in replies
        if message is not None
        for path in (archive_path(message.sha256, storage_dir), *_evidence_files(message, storage_dir))
        if path.exists()
    ]
    audit(session, actor=actor, action="privacy.show", target=f"dossier:{code}")
    session.commit()
    return Held(dossier, survey, outbox, replies, files)


def _evidence_files(message: InboundMessage, storage_dir: Path) -> list[Path]:
    folder = _evidence_folder(message, storage_dir)
    return sorted(folder.iterdir()) if folder.is_dir() else []
