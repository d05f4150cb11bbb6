"""The drop folder ``[dossiers] inbox_dir``: every export put there is imported once.

A file that imports (even with some rejected rows) moves to ``processed/``; when it has
rejected rows or warnings a ``<name>.report.json`` is written beside it. A file that
cannot be read at all moves to ``rejected/`` with a ``<name>.reason.txt``. Nothing is
ever overwritten: a name already taken gets a time stamp. Files still being written
(modified in the last seconds, Office's ``~$`` lock files, ``.part`` downloads) are left
for the next run. A database failure stops the run and leaves the file where it was;
since the import is committed before the move, a crash in between only means the file
is imported again next time, which changes nothing.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..errors import ImportFileError
from ..settings import Settings
from .importer import parse_file, store_parsed
from .report import ImportReport

log = logging.getLogger(__name__)

MIN_AGE_SECONDS = 2.0
# .xls and .ods are taken only to be rejected with a reason a person can act on.
INBOX_SUFFIXES = frozenset({".xlsx", ".xlsm", ".csv", ".xls", ".ods"})
PARTIAL_SUFFIXES = frozenset({".part", ".partial", ".tmp", ".crdownload", ".download"})


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
    stamp = datetime.now(settings.organization.zone).strftime("%Y%m%d-%H%M%S")
    results = []
    for path in ready_files(inbox, now=time.time(), min_age=min_age):
        try:
            results.append(_process(path, inbox, stamp, session=session, settings=settings))
        except FileNotFoundError:
            log.info("dossier file %s was taken by another process", path.name)
    return results


def ready_files(inbox: Path, *, now: float, min_age: float) -> list[Path]:
    """The files of ``inbox`` to take now, oldest first."""
    if not inbox.is_dir():
        return []
    ready = []
    for path in inbox.iterdir():
        if not path.is_file() or _ignored(path.name):
            continue
        if path.suffix.lower() not in INBOX_SUFFIXES:
            continue
        modified = path.stat().st_mtime
        if now - modified >= min_age:
            ready.append((modified, path))
    return [path for _modified, path in sorted(ready)]


def _ignored(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(("~$", ".", "~")) or any(lower.endswith(s) for s in PARTIAL_SUFFIXES)


def _process(path: Path, inbox: Path, stamp: str, *, session: Session, settings: Settings) -> InboxResult:
    try:
        parsed = parse_file(path, settings.dossiers)
    except ImportFileError as exc:
        if not path.exists():
            raise FileNotFoundError(path) from exc
        target = move_to(path, inbox / "rejected", stamp)
        _sidecar(target, ".reason.txt").write_text(f"{exc}\n", encoding="utf-8")
        log.warning("dossier file %s rejected: %s", path.name, exc)
        return InboxResult(path.name, "rejected", target, reason=str(exc))
    try:
        report = store_parsed(parsed, session=session)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        raise
    target = move_to(path, inbox / "processed", stamp)
    if report.rejected or report.warnings:
        text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
        _sidecar(target, ".report.json").write_text(text + "\n", encoding="utf-8")
    return InboxResult(path.name, "processed", target, report=report)


def move_to(path: Path, directory: Path, stamp: str) -> Path:
    """Move ``path`` into ``directory`` under a name not yet taken there."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / path.name
    counter = 1
    while target.exists() or _sidecar(target, ".reason.txt").exists():
        suffix = f"-{counter}" if counter > 1 else ""
        target = directory / f"{path.stem}.{stamp}{suffix}{path.suffix}"
        counter += 1
    path.replace(target)
    return target


def _sidecar(target: Path, suffix: str) -> Path:
    return target.with_name(target.name + suffix)
