"""Reading exports: xlsx row numbers as Excel shows them, csv encodings and delimiters."""

from datetime import datetime

import pytest
from openpyxl import Workbook

from khaosat.dossiers.table import decode, guess_delimiter, read_tables
from khaosat.errors import ImportFileError

from ..support.dossier_files import to_cp1258, write_csv


def test_xlsx_rows_keep_their_spreadsheet_numbers(tmp_path):
    """Blank rows are dropped but every row keeps the number Excel shows; dates stay dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "DANH SÁCH HỒ SƠ"
    sheet.merge_cells("A1:C1")
    sheet["A3"], sheet["B3"] = "Mã hồ sơ", "Ngày tiếp nhận"
    sheet["A6"], sheet["B6"] = "HS-1", datetime(2024, 3, 1)
    sheet["C7"] = "   "
    workbook.save(tmp_path / "a.xlsx")
    (table,) = read_tables(tmp_path / "a.xlsx")
    assert [(row.number, row.cells[:2]) for row in table.rows] == [
        (1, ("DANH SÁCH HỒ SƠ", None)),
        (3, ("Mã hồ sơ", "Ngày tiếp nhận")),
        (6, ("HS-1", datetime(2024, 3, 1))),
    ]


def test_every_sheet_is_read(tmp_path):
    workbook = Workbook()
    workbook.active["A1"] = "một"
    workbook.create_sheet("Tháng 4")["A2"] = "hai"
    workbook.save(tmp_path / "b.xlsx")
    tables = read_tables(tmp_path / "b.xlsx")
    assert [(t.name, t.rows[0].number, t.rows[0].cells) for t in tables] == [
        ("Sheet", 1, ("một",)),
        ("Tháng 4", 2, ("hai",)),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "broken.xlsx: không đọc được tệp Excel"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old.xls: định dạng .xls không được hỗ trợ"),
        ("notes.pdf", b"%PDF-1.4", "notes.pdf: không phải tệp .xlsx hoặc .csv"),
    ],
)
def test_unreadable_files_raise_import_file_error(tmp_path, name, content, message):
    """A broken or foreign file is one clear Vietnamese error naming the file."""
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_tables(tmp_path / name)


def test_csv_in_windows_1258_with_semicolons(tmp_path):
    """A csv written by Vietnamese Windows Excel reads back as NFC-able text, row by row."""
    path = write_csv(tmp_path / "x.csv", [["HS-1", "Nguyễn Thị Bình; Hòa"], [], ["HS-2", "Đặng"]],
                     delimiter=";", encoding="cp1258", header=["Mã hồ sơ", "Người nộp"])  # fmt: skip
    (table,) = read_tables(path)
    import unicodedata

    assert [(r.number, tuple(unicodedata.normalize("NFC", c) for c in r.cells)) for r in table.rows] == [
        (1, ("Mã hồ sơ", "Người nộp")),
        (2, ("HS-1", "Nguyễn Thị Bình; Hòa")),
        (4, ("HS-2", "Đặng")),
    ]


def test_decode_tries_utf8_then_windows_1258():
    """UTF-8 (with or without BOM) and UTF-16 read as such; other bytes as Windows-1258."""
    assert decode("\ufeffMã hồ sơ".encode()) == "Mã hồ sơ"
    assert decode("Mã hồ sơ".encode("utf-16")) == "Mã hồ sơ"
    assert decode(to_cp1258("Mã hồ sơ")) != "Mã hồ sơ"  # decomposed tones
    import unicodedata

    assert unicodedata.normalize("NFC", decode(to_cp1258("Mã hồ sơ"))) == "Mã hồ sơ"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_guess_delimiter(delimiter):
    """The delimiter is found even when a quoted cell holds commas and a title row has none."""
    lines = ["DANH SÁCH", delimiter.join(["Mã hồ sơ", '"Tổ chức, cá nhân"', "Email"]),
             delimiter.join(["HS-1", '"Công ty A, chi nhánh B"', "a@x.vn"])]  # fmt: skip
    assert guess_delimiter("\n".join(lines)) == delimiter
