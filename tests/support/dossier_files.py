"""Helpers that write dossier exports for the tests: xlsx sheets and csv in any encoding."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị xử lý", "Người nộp", "Email",
          "Số fax", "Điện thoại", "Địa chỉ", "Ngày tiếp nhận", "Ngày trả kết quả"]  # fmt: skip


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # the marks cp1258 keeps combining


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows writes them: base letters, combining tones."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        letter = "".join(part for part in parts if part not in TONES)
        tones = "".join(part for part in parts if part in TONES)
        out += (unicodedata.normalize("NFC", letter) + tones).encode("cp1258")
    return bytes(out)


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: Sequence[str] = HEADER,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path
