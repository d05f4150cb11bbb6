"""Find the header row of an export and map its columns to dossier fields.

Headers are compared after folding (NFC, no diacritics, case-folded, punctuation and
whitespace as single spaces), so "Mã hồ sơ", "MÃ HỒ SƠ (*)" and "Ma ho so" are one
header. ``[dossiers] aliases`` in the configuration adds headers per field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import ConfigError, ImportFileError
from .normalise import clean_text, fold
from .table import Row

HEADER_SEARCH_ROWS = 20

# field → headers, most specific first; the first alias of each is its display name.
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "Số biên nhận", "Mã biên nhận"),
    "procedure_code": ("Mã thủ tục", "Mã TTHC", "Mã thủ tục hành chính"),
    "procedure_name": (
        "Tên thủ tục",
        "Thủ tục hành chính",
        "Tên TTHC",
        "Tên thủ tục hành chính",
        "Thủ tục",
        "TTHC",
    ),
    "unit_code": ("Mã đơn vị", "Mã phòng ban", "Mã cơ quan"),
    "unit": (
        "Đơn vị xử lý",
        "Phòng ban",
        "Cơ quan giải quyết",
        "Đơn vị",
        "Phòng ban xử lý",
        "Đơn vị giải quyết",
        "Phòng chuyên môn",
        "Cơ quan thực hiện",
    ),
    "applicant": (
        "Tổ chức, cá nhân",
        "Người nộp",
        "Chủ hồ sơ",
        "Tên tổ chức, cá nhân",
        "Người nộp hồ sơ",
        "Tổ chức/cá nhân",
        "Tổ chức cá nhân nộp hồ sơ",
        "Người đứng tên",
    ),
    "email": ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Địa chỉ thư điện tử"),
    "fax": ("Số fax", "Fax"),
    "phone": ("Điện thoại", "Số điện thoại", "SĐT", "Điện thoại liên hệ", "Di động"),
    "address": ("Địa chỉ", "Địa chỉ liên hệ", "Địa chỉ người nộp"),
    "received_on": (
        "Ngày tiếp nhận",
        "Ngày nhận",
        "Ngày nộp",
        "Ngày tiếp nhận hồ sơ",
        "Ngày nộp hồ sơ",
        "Ngày nhận hồ sơ",
    ),
    "returned_on": ("Ngày trả kết quả", "Ngày hẹn trả", "Ngày trả", "Ngày hẹn trả kết quả"),
}
FIELDS = tuple(DEFAULT_ALIASES)
REQUIRED: tuple[tuple[str, ...], ...] = (
    ("code",),
    ("procedure_code", "procedure_name"),
    ("unit",),
    ("received_on",),
)


@dataclass(frozen=True)
class ColumnMap:
    """Where each field sits: ``columns[field]`` is a 0-based column index."""

    header_row: int  # the spreadsheet's row number of the (last) header row
    columns: Mapping[str, int]
    headers: tuple[str, ...]  # the header texts as found

    def value(self, cells: Sequence[object], field: str) -> object:
        index = self.columns.get(field)
        return cells[index] if index is not None and index < len(cells) else None


def alias_table(extra: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, int]]:
    """Folded header → (field, rank): the defaults, then ``[dossiers] aliases`` of the config.

    When two columns name one field ("Ngày trả kết quả" and "Ngày hẹn trả"), the column
    whose alias has the lower rank (comes first in the list) wins.
    """
    unknown = sorted(set(extra) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"khóa cấu hình 'dossiers.aliases.{unknown[0]}': không có trường này (các trường: {', '.join(FIELDS)})"
        )
    table: dict[str, tuple[str, int]] = {}
    for field in FIELDS:
        for rank, alias in enumerate((*DEFAULT_ALIASES[field], *extra.get(field, ()))):
            table.setdefault(fold(alias), (field, rank))
    return table


Aliases = Mapping[str, tuple[str, int]]


def match_headers(cells: Sequence[object], aliases: Aliases) -> dict[str, int]:
    """Field → column for the cells of one row (the best-ranked alias, then the first column)."""
    ranked: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(cells):
        hit = aliases.get(fold(clean_text(cell)))
        if hit is not None and (hit[0] not in ranked or hit[1] < ranked[hit[0]][0]):
            ranked[hit[0]] = (hit[1], index)
    return {field: index for field, (_rank, index) in ranked.items()}


def missing_fields(found: Mapping[str, int]) -> list[str]:
    """Display names of the required fields that ``found`` lacks."""
    return [
        " / ".join(DEFAULT_ALIASES[f][0] for f in group) for group in REQUIRED if not any(f in found for f in group)
    ]


def locate_header(rows: Sequence[Row], aliases: Aliases) -> ColumnMap:
    """The first row among the first 20 holding every required column.

    A second header row just below (sub-headers under a merged "Liên hệ" cell) adds
    its fields. Raises ImportFileError naming the missing columns and the headers seen.
    """
    best: tuple[int, Row | None, dict[str, int]] = (-1, None, {})
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_headers(row.cells, aliases)
        if not missing_fields(found):
            return _column_map(rows, position, found, aliases)
        if len(found) > best[0]:
            best = (len(found), row, found)
    raise ImportFileError(_missing_message(best[1], best[2]))


def _column_map(rows: Sequence[Row], position: int, found: dict[str, int], aliases: Aliases) -> ColumnMap:
    header = rows[position]
    headers = [clean_text(cell) for cell in header.cells]
    last_row = header.number
    if position + 1 < len(rows):
        below = rows[position + 1]
        extra = {f: i for f, i in match_headers(below.cells, aliases).items() if f not in found}
        code_cell = below.cells[found["code"]] if found["code"] < len(below.cells) else None
        if extra and not clean_text(code_cell):
            found = {**found, **extra}
            for index in extra.values():
                headers[index] = clean_text(below.cells[index])
            last_row = below.number
    return ColumnMap(header_row=last_row, columns=found, headers=tuple(headers))


def _missing_message(row: Row | None, found: Mapping[str, int]) -> str:
    missing = ", ".join(f"“{name}”" for name in missing_fields(found))
    if row is None or not found:
        return f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu (cần các cột {missing})."
    seen = ", ".join(f"“{clean_text(cell)}”" for cell in row.cells if clean_text(cell))
    return f"Thiếu cột bắt buộc {missing}. Các tiêu đề tìm thấy (dòng {row.number}): {seen}."
