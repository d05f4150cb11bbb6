"""Write normalised dossier records to the database, in bulk.

Units and procedures are created when new. One named without a code is matched by its
folded name (no diacritics, case, punctuation or spacing): first against the configuration
(``[[units]]``, ``[[procedures]]``: their code and name), then against those already stored,
so "phòng quản lý  chuyên ngành" is the same unit as "Phòng Quản lý chuyên ngành"; a new one
gets a short code from its initials (``catalogue``). A unit stored under a made-up code takes
the configuration's code once the configuration names it. Only when the export gives the code
is a different name taken as a rename. Dossiers are matched by code in one query per chunk;
an equal fingerprint means unchanged, a different one an update.

The round's counters move in the same transaction (``survey.counts``): a new dossier joins
its round, unit and procedure; an update that changes one of them moves it, and its survey
follows (``follow_dossiers``). The dossiers being updated are locked and read again first, so
two imports of one change move it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from ..models import Dossier, Procedure, Unit, utcnow
from ..settings import RoundSettings
from ..survey.counts import Filed, dossiers_moved
from ..survey.surveys import follow_dossiers
from .catalogue import Catalogue, Known
from .normalise import fold
from .rows import DossierRecord

log = logging.getLogger(__name__)

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
    notes: tuple[tuple[int, str], ...] = ()  # (row, note) about the units and procedures found or made


def store_records(
    items: Sequence[Numbered],
    *,
    session: Session,
    source: str,
    rounds: list[RoundSettings],
    units: Catalogue | None = None,
    procedures: Catalogue | None = None,
    now: datetime | None = None,
) -> StoreCounts:
    """Insert or update one dossier per item (codes must be distinct), counters with them; no commit.

    ``units`` and ``procedures``: the configuration's tables (``catalogue.catalogues``); none by default.
    """
    now = now or utcnow()
    unit_keys = [(i.record.unit_code, i.record.unit_name) for i in items]
    procedure_keys = [(i.record.procedure_code, i.record.procedure_name) for i in items]
    found_units = resolve(Unit, unit_keys, session, units or Catalogue("units"))
    found_procedures = resolve(Procedure, procedure_keys, session, procedures or Catalogue("procedures"))
    existing = _existing(session, [item.record.code for item in items])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for item in items:
        record = item.record
        values = _values(record, found_units.ids, found_procedures.ids, f"{source}:{item.row}")
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
    notes = _first_rows(items, unit_keys, found_units.notes)
    notes += _first_rows(items, procedure_keys, found_procedures.notes)
    return StoreCounts(len(inserts), len(updates), len(items) - len(inserts) - len(updates), tuple(sorted(notes)))


def _first_rows(
    items: Sequence[Numbered], keys: list[tuple[str, str]], notes: dict[tuple[str, str], str]
) -> list[tuple[int, str]]:
    """Each note with the row where its (code, name) first appears."""
    rows: dict[tuple[str, str], int] = {}
    for item, key in zip(items, keys, strict=True):
        rows.setdefault(key, item.row)
    return [(rows[key], note) for key, note in notes.items()]


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


def resolve(
    model: type[Catalogued], wanted: Iterable[tuple[str, str]], session: Session, catalogue: Catalogue
) -> Resolved:
    """(code, name) as exported → id, creating, renaming or recoding units or procedures as needed."""
    register = _Register(model, session, catalogue)
    resolved = {key: register.item(*key) for key in dict.fromkeys(wanted)}
    session.flush()
    return Resolved(
        ids={key: item.id for key, (item, _note) in resolved.items() if item.id is not None},
        notes={key: note for key, (_item, note) in resolved.items() if note},
    )


@dataclass
class Resolved:
    ids: dict[tuple[str, str], int]
    notes: dict[tuple[str, str], str]  # for a person: a code made up, or changed to the configuration's


class _Register(Generic[Catalogued]):
    """The units (or procedures) known, by code and by folded name, as one import finds and adds them."""

    def __init__(self, model: type[Catalogued], session: Session, catalogue: Catalogue) -> None:
        self.model: type[Catalogued] = model
        self.session, self.catalogue = session, catalogue
        known: list[Catalogued] = list(session.exec(select(model)))
        self.by_code: dict[str, Catalogued] = {item.code: item for item in known}
        self.by_name: dict[str, Catalogued] = {fold(item.name): item for item in known}

    def item(self, code: str, name: str) -> tuple[Catalogued, str]:
        """The row for a (code, name) of the export, and a note for a person ("" when there is nothing to say)."""
        if code:
            item, note = self._coded(code, name), ""
        elif (entry := self.catalogue.named(name)) is not None:
            item, note = self._configured(entry, name)
        elif (found := self.by_name.get(fold(name))) is not None:
            item, note = found, ""
        else:
            new_code = self.catalogue.short_code(name, self.by_code)
            item, note = self._add(new_code, name), self.catalogue.unknown_note(new_code, name)
        self.by_name[fold(item.name)] = item
        return item, note

    def _coded(self, code: str, name: str) -> Catalogued:
        """By the export's code; a different name is a rename (the configuration's name, if it has one, wins)."""
        configured = self.catalogue.coded(code)
        display = configured.name if configured else name
        item = self.by_code.get(code)
        if item is None:
            return self._add(code, display or code)
        if display and item.name != display:
            item.name = display
            self.session.add(item)
        return item

    def _configured(self, entry: Known, name: str) -> tuple[Catalogued, str]:
        """By a name of the configuration: its code; a unit found by name under a made-up code takes it."""
        item, note = self.by_code.get(entry.code), ""
        if item is None:
            earlier = self.by_name.get(fold(name)) or self.by_name.get(fold(entry.name))
            if earlier is None or earlier.code in self.catalogue.codes:
                return self._add(entry.code, entry.name), ""
            note = self.catalogue.recode_note(entry.name, earlier.code, entry.code)
            log.info("%s: code %s becomes %s, as configured", entry.name, earlier.code, entry.code)
            del self.by_code[earlier.code]
            item, item.code = earlier, entry.code
            self.by_code[entry.code] = item
        if item.name != entry.name or note:
            item.name = entry.name
            self.session.add(item)
        return item, note

    def _add(self, code: str, name: str) -> Catalogued:
        item = self.model(code=code, name=name)
        self.session.add(item)
        self.by_code[code] = item
        return item
