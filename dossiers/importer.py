"""Import dossier exports (xlsx/csv) into the database.

Every file is read and checked before the database is touched, so a file that cannot be
read (ImportFileError) leaves nothing half-imported; then all files are stored in one
transaction. Every sheet of a workbook that has a dossier header row is imported.

Decisions worth knowing:
- the same dossier code twice in one file: the later row wins (an export lists a dossier
  again after it changed), and the later row gets a warning naming the earlier one;
- across several files of one run, files are applied in the order given;
- an unreadable "Ngày trả kết quả" is left empty with a warning, while an unreadable or
  missing "Ngày tiếp nhận" rejects the row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from ..errors import ImportFileError
from ..language import tr
from ..settings import DossierSettings, Settings
from .catalogue import catalogues
from .columns import Aliases, ColumnMap, alias_table, locate_header
from .report import ImportReport, RowNote
from .rows import read_rows
from .store import Numbered, store_records
from .table import Row, Table, read_tables

log = logging.getLogger(__name__)


@dataclass
class ParsedFile:
    """A file read and normalised, ready to store: one record per distinct code."""

    name: str
    items: list[Numbered] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)


def import_files(paths: Sequence[Path], *, session: Session, settings: Settings) -> ImportReport:
    """Import every file, all or nothing; the report's notes name their file."""
    parsed = [parse_file(path, settings.dossiers) for path in paths]
    report = ImportReport()
    for one in parsed:
        report.merge(store_parsed(one, session=session, settings=settings))
    session.commit()
    return report


def store_parsed(parsed: ParsedFile, *, session: Session, settings: Settings) -> ImportReport:
    """Write a parsed file (no commit) and return its report with the counts filled in.

    The report's warnings gain one note per unit or procedure the configuration does not name
    (its new code and the lines to add to config.toml), at the row where it first appears.
    """
    units, procedures = catalogues(settings)
    counts = store_records(
        parsed.items, session=session, source=parsed.name, rounds=settings.rounds, units=units, procedures=procedures
    )
    report = parsed.report
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    report.warnings.extend(RowNote(row, note, parsed.name) for row, note in counts.notes)
    report.warnings.sort(key=lambda note: note.row)
    for _row, note in counts.notes:
        log.info("%s: %s", parsed.name, note.replace("\n", " "))
    log.info(
        "imported %s: %d new, %d updated, %d unchanged, %d rejected",
        parsed.name, counts.new, counts.updated, counts.unchanged, len(report.rejected),
    )  # fmt: skip
    return report


def parse_file(path: Path, settings: DossierSettings) -> ParsedFile:
    """Read ``path`` and normalise every row; raises ImportFileError when it cannot be read."""
    tables = read_tables(path)
    aliases = alias_table(settings.aliases)
    found = _tables_with_header(tables, aliases, path.name)
    parsed = ParsedFile(path.name, report=ImportReport(files=[path.name]))
    for table, columns in found:
        label = path.name if len(found) == 1 else f"{path.name} [{table.name}]"
        parse_rows(table.rows, columns, parsed, region=settings.default_region, label=label)
    return parsed


def _tables_with_header(tables: list[Table], aliases: Aliases, name: str) -> list[tuple[Table, ColumnMap]]:
    found: list[tuple[Table, ColumnMap]] = []
    first_error: ImportFileError | None = None
    for table in tables:
        try:
            found.append((table, locate_header(table.rows, aliases)))
        except ImportFileError as exc:
            first_error = first_error or exc
    if found:
        return found
    if not any(table.rows for table in tables):
        raise ImportFileError(tr("{file}: tệp không có dữ liệu", file=name))
    raise ImportFileError(f"{name}: {first_error}")


def parse_rows(rows: Sequence[Row], columns: ColumnMap, parsed: ParsedFile, *, region: str, label: str) -> None:
    """Add the rows' records, rejections and warnings to ``parsed``; a later code wins."""
    latest = {item.record.code: item for item in parsed.items}
    for outcome in read_rows(rows, columns, region):
        if outcome.record is None:
            parsed.report.rejected.append(RowNote(outcome.row, outcome.rejection, label))
            continue
        notes = list(outcome.warnings)
        earlier = latest.get(outcome.record.code)
        if earlier is not None:
            notes.append(
                tr("Mã hồ sơ {code} đã có ở dòng {row}; dùng dòng này", code=outcome.record.code, row=earlier.row)
            )
            del latest[outcome.record.code]
        parsed.report.warnings.extend(RowNote(outcome.row, note, label) for note in notes)
        latest[outcome.record.code] = Numbered(outcome.row, outcome.record)
    parsed.items = list(latest.values())
