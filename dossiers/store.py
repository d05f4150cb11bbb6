"""Write normalised dossier records to the database, in bulk.

Units and procedures are created when new. One named without a code is matched by its
folded name (no diacritics, case or spacing) against those already known, so a unit
created by hand with a short code is reused and "phòng quản lý  chuyên ngành" is the
same unit as "Phòng Quản lý chuyên ngành"; a new one gets a code derived from its name.
Only when the export gives the code is a different name taken as a rename. Dossiers are matched by code in one query per
chunk; an equal fingerprint means unchanged, a different one an update.

The round's counters move in the same transaction (``survey.counts``): a new dossier joins
its round, unit and procedure; an update that changes one of them moves it, and its survey
follows (``follow_dossiers``). The dossiers being updated are locked and read again first, so
two imports of one change move it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from ..models import Dossier, Procedure, Unit, utcnow
from ..settings import RoundSettings
from ..survey.counts import Filed, dossiers_moved
from ..survey.surveys import follow_dossiers
from .normalise import fold, slug_code
from .rows import DossierRecord

CHUNK = 900  # codes per IN (...) query: under SQLite's and PostgreSQL's parameter limits

Catalogued = TypeVar("Catalogued", Unit, Procedure)


@dataclass(frozen=True)
class Numbered:
    """A record and the spreadsheet row it came from."""

    row: int
    record: DossierRecord


@dataclass(frozen=True)
class StoreCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def store_records(
    items: Sequence[Numbered],
    *,
    session: Session,
    source: str,
    rounds: list[RoundSettings],
    now: datetime | None = None,
) -> StoreCounts:
    """Insert or update one dossier per item (codes must be distinct), counters with them; no commit."""
    now = now or utcnow()
    units = resolve(Unit, ((i.record.unit_code, i.record.unit_name) for i in items), session)
    procedures = resolve(Procedure, ((i.record.procedure_code, i.record.procedure_name) for i in items), session)
    existing = _existing(session, [item.record.code for item in items])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for item in items:
        record = item.record
        values = _values(record, units, procedures, f"{source}:{item.row}")
        found = existing.get(record.code)
        if found is None:
            inserts.append({**values, "created_at": now, "updated_at": now})
        elif found[1] != values["fingerprint"]:
            updates.append({**values, "id": found[0], "updated_at": now})
    moves = _moves(session, updates)
    if inserts:
        session.exec(insert(Dossier), params=inserts)
    if updates:
        session.exec(update(Dossier), params=updates)
    dossiers_moved(session, rounds, [(None, _filed(values)) for values in inserts] + list(moves.values()))
    moved = list(moves.items())
    for start in range(0, len(moved), CHUNK):
        follow_dossiers(session, rounds, dict(moved[start : start + CHUNK]))
    return StoreCounts(len(inserts), len(updates), len(items) - len(inserts) - len(updates))


def _filed(values: dict[str, Any]) -> Filed:
    return Filed(values["received_on"], values["unit_id"], values["procedure_id"])


def _moves(session: Session, updates: list[dict[str, Any]]) -> dict[int, tuple[Filed, Filed]]:
    """Dossier id → (where it counts, where it will) for the updates that move it; the rows locked."""
    moves: dict[int, tuple[Filed, Filed]] = {}
    for start in range(0, len(updates), CHUNK):
        chunk = {values["id"]: _filed(values) for values in updates[start : start + CHUNK]}
        query = (
            select(col(Dossier.id), col(Dossier.received_on), col(Dossier.unit_id), col(Dossier.procedure_id))
            .where(col(Dossier.id).in_(list(chunk)))
            .with_for_update()
        )
        for dossier_id, received_on, unit_id, procedure_id in session.exec(query):
            before = Filed(received_on, unit_id, procedure_id)
            if dossier_id is not None and before != chunk[dossier_id]:
                moves[dossier_id] = (before, chunk[dossier_id])
    return moves


def _values(
    record: DossierRecord,
    units: dict[tuple[str, str], int],
    procedures: dict[tuple[str, str], int],
    source: str,
) -> dict[str, Any]:
    return {
        "code": record.code,
        "procedure_id": procedures[(record.procedure_code, record.procedure_name)],
        "unit_id": units[(record.unit_code, record.unit_name)],
        "applicant": record.applicant,
        "email": record.email,
        "fax": record.fax,
        "phone": record.phone,
        "address": record.address,
        "received_on": record.received_on,
        "returned_on": record.returned_on,
        "fingerprint": record.fingerprint,
        "source": source,
    }


def _existing(session: Session, codes: list[str]) -> dict[str, tuple[int, str]]:
    """Code → (id, fingerprint) of the dossiers already stored, one query per chunk."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        query = select(Dossier.code, Dossier.id, Dossier.fingerprint).where(col(Dossier.code).in_(chunk))
        for code, dossier_id, fingerprint in session.exec(query):
            if dossier_id is not None:
                found[code] = (dossier_id, fingerprint)
    return found


def resolve(model: type[Catalogued], wanted: Iterable[tuple[str, str]], session: Session) -> dict[tuple[str, str], int]:
    """(code, name) as exported → id, creating or renaming units or procedures as needed."""
    known = list(session.exec(select(model)))
    by_code = {item.code: item for item in known}
    by_name = {fold(item.name): item for item in known}
    resolved: dict[tuple[str, str], Catalogued] = {}
    for code, name in dict.fromkeys(wanted):
        item = by_code.get(code) if code else by_name.get(fold(name))
        if item is None:
            item = by_code.get(code or slug_code(name))
        if item is None:
            item = model(code=code or slug_code(name), name=name or code)
            session.add(item)
            by_code[item.code] = item
        elif code and name and item.name != name:
            item.name = name
            session.add(item)
        by_name[fold(item.name)] = item
        resolved[(code, name)] = item
    session.flush()
    return {key: item.id for key, item in resolved.items() if item.id is not None}
