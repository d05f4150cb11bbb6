"""The drop folder ``[dossiers] inbox_dir``: every export put there is imported once.

A file that imports (even with some rejected rows) moves to ``processed/``; when it has
rejected rows or warnings a ``<name>.report.json`` is written beside it. A file that
cannot be read at all moves to ``rejected/`` with a ``<name>.reason.txt``. Nothing is
ever overwritten, neither a file nor a report left beside one: a name already taken gets a
time stamp (``dropfolder.move_into``). Files still being written (modified in the last
seconds, Office's ``~$`` lock files, ``.part`` downloads) are left for the next run. A
database failure stops the run and leaves the file where it was; since the import is
committed before the move, a crash in between only means the file is imported again next
time, which changes nothing.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..dropfolder import move_into, waiting
from ..errors import ImportFileError
from ..settings import Settings
from .importer import parse_file, store_parsed
from .report import ImportReport

log = logging.getLogger(__name__)

MIN_AGE_SECONDS = 2.0
# .xls and .ods are taken only to be rejected with a reason a person can act on.
INBOX_SUFFIXES = frozenset({".xlsx", ".xlsm", ".csv", ".xls", ".ods"})
SIDECARS = (".reason.txt", ".report.json")


@dataclass(frozen=True)
class InboxResult:
    file: str
    status: Literal["processed", "rejected"]
    moved_to: Path
    report: ImportReport | None = None
    reason: str = ""


def process_inbox(*, session: Session, settings: Settings, min_age: float = MIN_AGE_SECONDS) -> list[InboxResult]:
    """Import every ready file of the inbox, oldest first; one transaction per file."""
    inbox = settings.dossiers.inbox_dir
    results = []
    for path in ready_files(inbox, now=time.time(), min_age=min_age):
        try:
            results.append(_process(path, inbox, session=session, settings=settings))
        except FileNotFoundError:
            log.info("dossier file %s was taken by another process", path.name)
    return results


def ready_files(inbox: Path, *, now: float, min_age: float) -> list[Path]:
    """The exports of ``inbox`` to take now, oldest first."""
    if not inbox.is_dir():
        return []
    return [path for path in waiting(inbox, now=now, min_age=min_age) if path.suffix.lower() in INBOX_SUFFIXES]


def _process(path: Path, inbox: Path, *, session: Session, settings: Settings) -> InboxResult:
    try:
        parsed = parse_file(path, settings.dossiers)
    except ImportFileError as exc:
        if not path.exists():
            raise FileNotFoundError(path) from exc
        target = move_into(path, inbox / "rejected", sidecars=SIDECARS)
        _sidecar(target, ".reason.txt").write_text(f"{exc}\n", encoding="utf-8")
        log.warning("dossier file %s rejected: %s", path.name, exc)
        return InboxResult(path.name, "rejected", target, reason=str(exc))
    try:
        report = store_parsed(parsed, session=session, settings=settings)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        raise
    target = move_into(path, inbox / "processed", sidecars=SIDECARS)
    if report.rejected or report.warnings:
        text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
        _sidecar(target, ".report.json").write_text(text + "\n", encoding="utf-8")
    return InboxResult(path.name, "processed", target, report=report)


def _sidecar(target: Path, suffix: str) -> Path:
    return target.with_name(target.name + suffix)
