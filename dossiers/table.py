"""Read an xlsx or csv export into numbered rows of cell values.

Row numbers are the ones a person sees in Excel (1-based, blank rows counted), so a
rejection can point at the row to fix. A file that cannot be read at all raises
``ImportFileError``; openpyxl's, zipfile's and csv's errors are translated here.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import ImportFileError
from ..language import tr

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES
CSV_ENCODINGS = ("utf-8-sig", "cp1258", "latin-1")
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number
    cells: tuple[object, ...]


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's title, or the file name for csv
    rows: list[Row]


def read_tables(path: Path) -> list[Table]:
    """Every sheet of a workbook, or the one table of a csv file."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_workbook(path)
    if suffix in CSV_SUFFIXES:
        return [read_csv(path)]
    if suffix in {".xls", ".ods"}:
        raise ImportFileError(
            tr("{file}: định dạng {suffix} không được hỗ trợ; hãy lưu lại thành .xlsx", file=path.name, suffix=suffix)
        )
    raise ImportFileError(tr("{file}: không phải tệp .xlsx hoặc .csv", file=path.name))


def read_workbook(path: Path) -> list[Table]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(tr("{file}: không đọc được tệp Excel ({error})", file=path.name, error=exc)) from exc
    try:
        return [_sheet_table(sheet) for sheet in workbook.worksheets]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ImportFileError(tr("{file}: tệp Excel bị hỏng ({error})", file=path.name, error=exc)) from exc
    finally:
        workbook.close()


def _sheet_table(sheet: object) -> Table:
    # Some exporters write a wrong <dimension>; read-only mode would then cut columns.
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()
    rows = [
        (number, cells)
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)  # type: ignore[attr-defined]
        if any(_filled(cell) for cell in cells)
    ]
    width = max((len(cells) for _number, cells in rows), default=0)
    padded = [Row(number, (*cells, *(None,) * (width - len(cells)))) for number, cells in rows]
    return Table(name=str(getattr(sheet, "title", "")), rows=padded)


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(tr("{file}: không đọc được tệp ({error})", file=path.name, error=exc.strerror)) from exc
    text = decode(raw)
    delimiter = guess_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(tr("{file}: tệp CSV hỏng ({error})", file=path.name, error=exc)) from exc
    rows = [
        Row(number, tuple(cell if cell.strip() else None for cell in record))
        for number, record in enumerate(records, start=1)
        if any(cell.strip() for cell in record)
    ]
    return Table(name=path.name, rows=rows)


def decode(raw: bytes) -> str:
    """Text of a csv file: UTF-16 by its BOM, else UTF-8, else Windows-1258, else Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def guess_delimiter(text: str, sample_lines: int = 40) -> str:
    """The delimiter that splits the most of the first lines into the same number of cells."""
    sample = "\n".join(text.splitlines()[:sample_lines])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        widths = Counter(len(record) for record in records if len(record) > 1)
        if widths:
            width, count = widths.most_common(1)[0]
            if (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best
