"""The sub-unit's workbook (openpyxl): the template ``khaosat subunit template`` writes, and reading it back.

Three sheets. "Hướng dẫn" says how to fill it in. "Thông tin" holds the sub-unit's name, the
round and the questionnaire version. "Kết quả" has one row per unit and procedure: the
dossiers, the forms sent, the forms returned, then one column per answer of every choice
question of the questionnaire, holding how many returned forms gave that answer. Its third
row names each column by a key ("Số phiếu đã gửi", "B1_1=5"), which is what the reader goes
by; rows 1–2 are the question and the answer in words.

Cells are data both ways: names are written as text (``xlsx_cells.put``), and read back for
their type only (reports/subunit_results.py checks them). A formula is read as the value
the spreadsheet last computed for it; one never computed is an error.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..language import tr
from ..settings import RoundSettings
from ..survey.questionnaire import Questionnaire
from ..survey.rounds import Period
from .subunit_results import (
    Cell,
    Checker,
    Place,
    RawRow,
    SubunitFileError,
    SubunitResults,
    check_round,
    checked_rows,
)
from .xlsx_cells import put

INFO, RESULTS, GUIDE = "Thông tin", "Kết quả", "Hướng dẫn"
SUBUNIT_LABEL, ROUND_LABEL, PERIOD_LABEL, VERSION_LABEL, AUTHOR_LABEL = (
    "Đơn vị báo cáo",
    "Đợt",
    "Thời gian của đợt",
    "Phiên bản phiếu khảo sát",
    "Người lập",
)
FIXED = ("Mã đơn vị", "Tên đơn vị", "Mã thủ tục", "Tên thủ tục", "Số hồ sơ", "Số phiếu đã gửi", "Số phiếu thu về")
KEY_ROW, FIRST_ROW = 3, 4
BLANK_ROWS = 30  # empty rows after the listed ones, formatted for typing
MAX_BYTES = 20 * 1024 * 1024  # a workbook bigger than this is not a sub-unit's results
MAX_UNPACKED = 200 * 1024 * 1024  # what its parts may unpack to (a zip bomb is refused before openpyxl)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
KEY_FILL = PatternFill("solid", fgColor="DDE4F0")
GUIDE_LINES = (
    "Mẫu báo cáo kết quả tự khảo sát của đơn vị trực thuộc (đơn vị có hệ thống quản lý chất lượng ISO 9001 riêng).",
    "1. Trang “Thông tin”: ghi tên đơn vị báo cáo; giữ nguyên đợt và phiên bản phiếu (đổi đợt: tạo mẫu mới).",
    "2. Trang “Kết quả”: mỗi hàng là một đơn vị (phòng, bộ phận) và một thủ tục hành chính.",
    "   Số hồ sơ: hồ sơ tiếp nhận trong đợt; Số phiếu đã gửi: phiếu đã đến tay người nộp;",
    "   Số phiếu thu về: phiếu đã nhận lại.",
    "   Các cột sau: mỗi cột là một lựa chọn của một câu hỏi (hàng 1: câu hỏi, hàng 2: lựa chọn, hàng 3: mã cột);",
    "   ghi số phiếu thu về đã chọn lựa chọn đó. Tổng các lựa chọn của một câu không vượt quá số phiếu thu về.",
    "3. Chỉ ghi số nguyên (không ghi chữ, không để công thức chưa tính); ô bỏ trống được tính là 0.",
    "4. Không sửa hàng 3 (mã cột) và không thêm, bớt cột. Thêm hàng cho đơn vị hoặc thủ tục khác nếu cần.",
    "5. Gửi tệp về Sở; Thư ký Ban ISO nhập bằng lệnh: khaosat subunit import TỆP.xlsx",
    "Nhập lại tệp của cùng đơn vị và đợt sẽ thay thế lần nhập trước. Tệp có lỗi không được nhập phần nào.",
)

Pair = tuple[str, str, str, str]  # unit code, unit name, procedure code, procedure name


@dataclass(frozen=True)
class Column:
    key: str  # what row 3 says
    question: str = ""  # "" for the fixed columns
    value: str = ""


def columns(questionnaire: Questionnaire) -> list[Column]:
    """The columns of "Kết quả", in order: the fixed ones, then every choice question's options."""
    answers = [
        Column(f"{question.code}={option.value}", question.code, option.value)
        for question in questionnaire.choice_questions
        for option in question.options
    ]
    return [*(Column(key) for key in FIXED), *answers]


# --- writing ----------------------------------------------------------------------------------


def template_xlsx(subunit: str, period: Period, questionnaire: Questionnaire, pairs: Sequence[Pair]) -> bytes:
    """The workbook a sub-unit fills in for ``period``, listing ``pairs`` (its units and procedures)."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE
    for number, line in enumerate(GUIDE_LINES, start=1):
        put(guide.cell(number, 1), line)
    guide.column_dimensions["A"].width = 130
    _info_sheet(book.create_sheet(INFO), subunit, period, questionnaire)
    _results_sheet(book.create_sheet(RESULTS), questionnaire, pairs)
    book.active = 2
    book.properties.title = f"Kết quả tự khảo sát — đợt {period.name}"
    book.properties.creator = "khaosat"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _info_sheet(sheet: Worksheet, subunit: str, period: Period, questionnaire: Questionnaire) -> None:
    put(sheet["A1"], "Kết quả tự khảo sát sự hài lòng của đơn vị trực thuộc").font = Font(bold=True, size=13)
    values = [
        (SUBUNIT_LABEL, subunit),
        (ROUND_LABEL, period.name),
        (PERIOD_LABEL, f"{period.starts_on:%d/%m/%Y} – {period.ends_on:%d/%m/%Y}"),
        (VERSION_LABEL, questionnaire.version),
        (AUTHOR_LABEL, ""),
    ]
    for row, (label, value) in enumerate(values, start=3):
        put(sheet.cell(row, 1), label).font = Font(bold=True)
        put(sheet.cell(row, 2), value).number_format = "@"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70


def _results_sheet(sheet: Worksheet, questionnaire: Questionnaire, pairs: Sequence[Pair]) -> None:
    layout = columns(questionnaire)
    labels = {(q.code, option.value): option.label for q in questionnaire.choice_questions for option in q.options}
    texts = {q.code: f"{q.code}. {q.text}" for q in questionnaire.choice_questions}
    put(sheet.cell(1, 1), "Đơn vị và thủ tục")
    put(sheet.cell(1, 5), "Số lượng")
    for index, column in enumerate(layout, start=1):
        put(sheet.cell(2, index), labels[column.question, column.value] if column.question else column.key)
        put(sheet.cell(KEY_ROW, index), column.key)
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index in (2, 4) else 12
    for question, first, last in _spans(layout):
        put(sheet.cell(1, first), texts[question])
        sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    sheet.merge_cells(start_row=1, start_column=5, end_row=1, end_column=len(FIXED))
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in sheet[KEY_ROW]:
        cell.font = Font(size=8, color="555555")
        cell.fill = KEY_FILL
    sheet.row_dimensions[1].height = 45
    sheet.row_dimensions[2].height = 32
    for offset, pair in enumerate(pairs):
        for index, value in enumerate(pair, start=1):
            put(sheet.cell(FIRST_ROW + offset, index), value)
    last_row = FIRST_ROW + len(pairs) + BLANK_ROWS - 1
    for row in range(FIRST_ROW, last_row + 1):
        for index in range(1, 5):
            sheet.cell(row, index).number_format = "@"  # a code typed as 1.010 stays "1.010"
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error, counts.errorTitle = "Chỉ ghi số nguyên từ 0.", "Số không hợp lệ"
    counts.add(f"E{FIRST_ROW}:{get_column_letter(len(layout))}{last_row}")
    sheet.add_data_validation(counts)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, len(FIXED) + 1)


def _spans(layout: Sequence[Column]) -> list[tuple[str, int, int]]:
    """(question, first column, last column) of each question's options."""
    spans: dict[str, list[int]] = {}
    for index, column in enumerate(layout, start=1):
        if column.question:
            spans.setdefault(column.question, []).append(index)
    return [(question, indices[0], indices[-1]) for question, indices in spans.items()]


# --- reading ----------------------------------------------------------------------------------


def results_from_xlsx(data: bytes, questionnaire: Questionnaire, rounds: list[RoundSettings]) -> SubunitResults:
    """The checked results of a filled-in template; ``SubunitFileError`` lists every problem."""
    checker = Checker()
    formulas, values = _open(data)
    for name in (INFO, RESULTS):
        if name not in values.sheetnames:
            checker.add(
                Place(name, "A1"), tr("không có trang “{name}”: hãy dùng mẫu của khaosat subunit template", name=name)
            )
    checker.raise_if_any()
    info = _Sheet(formulas[INFO], values[INFO], checker)
    subunit = checker.text(info.labelled(SUBUNIT_LABEL), tr("tên đơn vị báo cáo"))
    round_name = check_round(checker, info.labelled(ROUND_LABEL), rounds)
    version_cell = info.labelled(VERSION_LABEL)
    version = checker.text(version_cell, tr("phiên bản phiếu"), limit=32)
    if version and version != questionnaire.version:
        checker.add(
            version_cell[1],
            tr(
                "mẫu theo phiếu phiên bản {version}, phiếu hiện hành là {current}: "
                "hãy lập lại bằng mẫu mới (khaosat subunit template)",
                version=version,
                current=questionnaire.version,
            ),
        )
    sheet = _Sheet(formulas[RESULTS], values[RESULTS], checker)
    before = len(checker.problems)
    found = sheet.key_columns()
    layout = columns(questionnaire)
    for column in layout:
        if column.key not in found:
            checker.add(
                Place(RESULTS, f"{KEY_ROW}"), tr("thiếu cột “{key}”: không thêm, bớt cột của mẫu", key=column.key)
            )
    known = {column.key for column in layout}
    for key, index in found.items():
        if key not in known:
            checker.add(
                Place(RESULTS, f"{get_column_letter(index)}{KEY_ROW}"), tr("cột “{key}” không có trong mẫu", key=key)
            )
    if len(checker.problems) > before:  # the rows cannot be read without their columns
        checker.raise_if_any()
    raws = [sheet.raw_row(row, found, layout) for row in range(FIRST_ROW, sheet.last_row + 1)]
    rows, skipped = checked_rows(checker, raws)
    if not rows and not checker.problems:
        checker.add(Place(RESULTS, f"A{FIRST_ROW}"), tr("chưa có hàng nào có số liệu"))
    checker.raise_if_any()
    return SubunitResults(subunit, round_name, version, "xlsx", rows, skipped)


def _open(data: bytes) -> tuple[Any, Any]:
    """The workbook twice: with its formulas, and with the values last computed for them."""
    if len(data) > MAX_BYTES:
        raise SubunitFileError(
            [tr("Tệp: quá lớn ({size} MB), không phải một bảng kết quả", size=len(data) // 1024 // 1024)]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise ValueError(tr("giải nén ra {size} MB", size=unpacked // 1024 // 1024))
        return load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl and zipfile raise whatever their parsers meet in a broken file
        raise SubunitFileError([tr("Tệp: không đọc được như một tệp Excel (.xlsx): {error}", error=exc)]) from exc


class _Sheet:
    """A sheet read cell by cell: each value with its place; a formula by its computed value."""

    def __init__(self, formulas: Worksheet, values: Worksheet, checker: Checker) -> None:
        self.formulas, self.values, self.checker = formulas, values, checker
        self.last_row = values.max_row

    def cell(self, row: int, column: int) -> Cell:
        place = Place(self.values.title, f"{get_column_letter(column)}{row}")
        value = self.values.cell(row, column).value
        if self.formulas.cell(row, column).data_type == "f" and value is None:
            self.checker.add(place, tr("công thức chưa có giá trị: mở tệp bằng Excel, lưu lại rồi gửi"))
        return value, place

    def labelled(self, label: str) -> Cell:
        """The value beside ``label`` in column A."""
        for row in range(1, min(self.last_row, 50) + 1):
            if str(self.values.cell(row, 1).value or "").strip() == label:
                return self.cell(row, 2)
        return None, Place(self.values.title, tr("A1 (không thấy dòng “{label}”)", label=label))

    def key_columns(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for index in range(1, self.values.max_column + 1):
            key = self.values.cell(KEY_ROW, index).value
            if isinstance(key, str) and key.strip():
                if key.strip() in found:
                    self.checker.add(
                        Place(RESULTS, f"{get_column_letter(index)}{KEY_ROW}"), tr("cột “{key}” lặp lại", key=key)
                    )
                found[key.strip()] = index
        return found

    def raw_row(self, row: int, found: dict[str, int], layout: Sequence[Column]) -> RawRow:
        unit_code, unit_name, procedure_code, procedure_name, dossiers, sent, returned = (
            self.cell(row, found[key]) for key in FIXED
        )
        answers = {
            (column.question, column.value): self.cell(row, found[column.key]) for column in layout if column.question
        }
        return RawRow(unit_code, unit_name, procedure_code, procedure_name, dossiers, sent, returned, answers)
