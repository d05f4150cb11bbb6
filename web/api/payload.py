"""The body of ``POST /api/v1/dossiers`` read into dossier records, with errors per item (pure logic).

An item is a JSON object whose keys are the importer's fields (``dossiers.columns.FIELDS``:
``code``, ``procedure_code``, ``procedure_name``, ``unit_code``, ``unit``, ``applicant``,
``email``, ``fax``, ``phone``, ``address``, ``received_on``, ``returned_on``) and whose values
are what an export's cells hold: text, numbers or null. Each item is read as one row of an
export (``dossiers.rows.read_record``), so it is normalised, checked and fingerprinted exactly
as the same row of a dropped file would be. A key the importer does not know, a value that is
an object, a list or a boolean, and a code given twice in one batch are errors of their item.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...dossiers.columns import FIELDS, ColumnMap
from ...dossiers.report import RowNote
from ...dossiers.rows import RowRejected, read_record
from ...dossiers.store import Numbered

COLUMNS = ColumnMap(header_row=0, columns={name: index for index, name in enumerate(FIELDS)}, headers=FIELDS)
CELL_TYPES = (str, int, float, type(None))


class PayloadError(ValueError):
    """A body that is not a dossier or a list of them; the message is for a person."""


@dataclass(frozen=True)
class ItemNote:
    """An error about the item at ``index`` (0-based) of the batch."""

    index: int
    field: str  # "" when it is about the whole item
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass
class Batch:
    """The records read and the notes about them; ``row`` is the item's index plus one, as a file's row number."""

    items: list[Numbered] = field(default_factory=list)
    errors: list[ItemNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)


def parse_body(body: bytes) -> list[object]:
    """The items of a JSON body: one object, or a list of them."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError(f"Nội dung không phải JSON hợp lệ: {exc}") from None
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and data:
        return data
    raise PayloadError("Nội dung phải là một hồ sơ (đối tượng JSON) hoặc một danh sách hồ sơ không rỗng")


def read_batch(items: Sequence[object], region: str) -> Batch:
    """Every item read as an export row; a later item with the code of an earlier one is an error."""
    batch = Batch()
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        errors = _shape_errors(index, item)
        if errors or not isinstance(item, dict):
            batch.errors.extend(errors)
            continue
        try:
            record, warnings = read_record([item.get(name) for name in FIELDS], COLUMNS, region)
        except RowRejected as exc:
            batch.errors.append(ItemNote(index, exc.field, str(exc)))
            continue
        if (earlier := first_index.setdefault(record.code, index)) != index:
            message = f"Mã hồ sơ {record.code} trùng với hồ sơ thứ {earlier} của lô (đếm từ 0)"
            batch.errors.append(ItemNote(index, "code", message))
            continue
        batch.items.append(Numbered(index + 1, record))
        batch.warnings.extend(RowNote(index + 1, warning) for warning in warnings)
    return batch


def _shape_errors(index: int, item: object) -> list[ItemNote]:
    if not isinstance(item, dict):
        return [ItemNote(index, "", "Mỗi hồ sơ phải là một đối tượng JSON")]
    errors = [
        ItemNote(index, str(key), f"Trường không có: “{key}” (các trường: {', '.join(FIELDS)})")
        for key in item
        if key not in FIELDS
    ]
    errors += [
        ItemNote(index, key, "Giá trị phải là chuỗi, số hoặc null")
        for key, value in item.items()
        if key in FIELDS and (isinstance(value, bool) or not isinstance(value, CELL_TYPES))
    ]
    return errors
