"""Turn the data rows of an export into normalised dossier records (pure logic).

Each row gives exactly one outcome: a record (perhaps with warnings for a person), a
rejection with a Vietnamese reason, or a silent skip. Skipped without a word: a repeated
header row, the "(1) (2) (3)" numbering row under the header, a totals row (one labelled
"Tổng cộng" / "Tổng số: 15 hồ sơ", or a row of bare numbers without a dossier code), and
every row without a code after a labelled totals row (signatures, "Người lập biểu").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

from ..language import tr
from .columns import DEFAULT_ALIASES, ColumnMap
from .normalise import (
    MAX_CODE_LENGTH,
    Cleaned,
    bounded,
    clean_text,
    fold,
    normalise_email,
    normalise_phone,
    parse_date,
)
from .table import Row

_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
_NUMBER = re.compile(r"^[\d\s.,%()+-]+$")
# A totals label is made of these words only ("Tổng cộng: 15 hồ sơ", "Tổng số"), so that
# an applicant such as "Tổng công ty Điện lực" is never taken for one.
_TOTAL_WORDS = frozenset({"tong", "cong", "so", "ho", "hs", "luong", "la", "co", "toan", "bo"})
_CODE_HEADERS = frozenset(fold(alias) for alias in DEFAULT_ALIASES["code"])


@dataclass(frozen=True)
class DossierRecord:
    """One dossier as the export describes it, every field normalised."""

    code: str
    procedure_code: str  # "" when the export names the procedure only
    procedure_name: str
    unit_code: str  # "" when the export names the unit only (the usual case)
    unit_name: str
    applicant: str
    email: str
    fax: str  # E.164
    phone: str  # E.164
    address: str
    received_on: date
    returned_on: date | None

    @property
    def fingerprint(self) -> str:
        """sha256 of every normalised field: equal fingerprints, nothing to update."""
        values = (getattr(self, name) for name in _RECORD_FIELDS)
        payload = "\x1f".join("" if value is None else str(value) for value in values)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_RECORD_FIELDS = tuple(f.name for f in fields(DossierRecord))


@dataclass(frozen=True)
class RowOutcome:
    row: int
    record: DossierRecord | None = None
    rejection: str = ""  # why the row was not imported ("" when it was, or was skipped)
    warnings: tuple[str, ...] = field(default=())


class RowRejected(ValueError):
    """A row that cannot become a dossier; the message is for a person, ``field`` the field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def read_rows(rows: Iterable[Row], columns: ColumnMap, region: str) -> Iterator[RowOutcome]:
    """An outcome for every data row below the header; skipped rows give none."""
    after_totals = False
    for row in rows:
        if row.number <= columns.header_row:
            continue
        code = clean_text(columns.value(row.cells, "code"))
        if _NUMBERING.match(code) and _is_numbering(row.cells):
            continue
        if _has_totals_label(row.cells if not code or _NUMBER.match(code) else [code]):
            after_totals = True
            continue
        if not code and (after_totals or _all_numbers(row.cells)):
            continue
        if fold(code) in _CODE_HEADERS:
            continue
        try:
            record, warnings = read_record(row.cells, columns, region)
        except RowRejected as exc:
            yield RowOutcome(row.number, rejection=str(exc))
            continue
        yield RowOutcome(row.number, record=record, warnings=warnings)


def read_record(cells: Sequence[object], columns: ColumnMap, region: str) -> tuple[DossierRecord, tuple[str, ...]]:
    """The record of one row and the warnings about it; raises RowRejected."""
    text = {name: clean_text(columns.value(cells, name)) for name in columns.columns}
    _require_identity(text)
    received_on, returned_on, warnings = _dates(cells, columns)
    email = normalise_email(columns.value(cells, "email"))
    fax = normalise_phone(columns.value(cells, "fax"), region, label=tr("Số fax"))
    phone = normalise_phone(columns.value(cells, "phone"), region, label=tr("Số điện thoại"))
    record = DossierRecord(
        code=text["code"],
        procedure_code=bounded(text.get("procedure_code", "")),
        procedure_name=text.get("procedure_name", ""),
        unit_code=bounded(text.get("unit_code", "")),
        unit_name=text.get("unit", ""),
        applicant=text.get("applicant", ""),
        email=email.value,
        fax=fax.value,
        phone=phone.value,
        address=text.get("address", ""),
        received_on=received_on,
        returned_on=returned_on,
    )
    notes = (
        *warnings,
        *_notes("Email", email),
        *_notes(tr("Số fax"), fax),
        *_notes(tr("Số điện thoại"), phone),
    )
    return record, notes


def _require_identity(text: dict[str, str]) -> None:
    if not text.get("code"):
        raise RowRejected(tr("Thiếu mã hồ sơ"), "code")
    if len(text["code"]) > MAX_CODE_LENGTH:
        raise RowRejected(tr("Mã hồ sơ dài quá {limit} ký tự", limit=MAX_CODE_LENGTH), "code")
    if not (text.get("procedure_code") or fold(text.get("procedure_name", ""))):
        raise RowRejected(tr("Thiếu thủ tục (mã hoặc tên thủ tục)"), "procedure_name")
    if not (text.get("unit_code") or fold(text.get("unit", ""))):
        raise RowRejected(tr("Thiếu đơn vị xử lý"), "unit")


def _dates(cells: Sequence[object], columns: ColumnMap) -> tuple[date, date | None, list[str]]:
    raw_received = columns.value(cells, "received_on")
    try:
        received_on = parse_date(raw_received)
    except ValueError:
        shown = clean_text(raw_received)
        raise RowRejected(tr("Ngày tiếp nhận không đọc được: “{value}”", value=shown), "received_on") from None
    if received_on is None:
        raise RowRejected(tr("Thiếu ngày tiếp nhận"), "received_on")
    raw_returned = columns.value(cells, "returned_on")
    try:
        return received_on, parse_date(raw_returned), []
    except ValueError:
        note = tr("Ngày trả kết quả không đọc được: “{value}”; để trống", value=clean_text(raw_returned))
        return received_on, None, [note]


def _notes(label: str, cleaned: Cleaned) -> list[str]:
    notes = [cleaned.warning] if cleaned.warning else []
    if cleaned.others:
        notes.append(
            tr("{label}: ô có nhiều giá trị; dùng {kept}, bỏ {dropped}", label=label, kept=cleaned.value,
               dropped=", ".join(cleaned.others))
        )  # fmt: skip
    return notes


def _is_numbering(cells: Sequence[object]) -> bool:
    """The "(1) (2) (3) ..." row that Vietnamese report templates put under the header."""
    values = [clean_text(cell) for cell in cells if clean_text(cell)]
    return len(values) >= 3 and all(_NUMBERING.match(value) for value in values)


def _has_totals_label(cells: Sequence[object]) -> bool:
    for cell in cells:
        if not isinstance(cell, str) or cell.lstrip()[:1] not in ("T", "t", "C", "c"):
            continue  # "Tổng ...", "Cộng ..."
        words = set(re.sub(r"\d+", " ", fold(cell)).split())
        if words and words <= _TOTAL_WORDS and words & {"tong", "cong"}:
            return True
    return False


def _all_numbers(cells: Sequence[object]) -> bool:
    values = [clean_text(cell) for cell in cells if clean_text(cell)]
    return bool(values) and all(_NUMBER.match(value) for value in values)
