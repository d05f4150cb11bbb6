"""The sub-unit's template: written with its units and procedures as text, filled in, read back checked."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from khaosat.reports.subunit_results import SubunitFileError
from khaosat.reports.subunit_workbook import FIRST_ROW, KEY_ROW, RESULTS, columns, results_from_xlsx, template_xlsx
from khaosat.settings import default_rounds
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.rounds import period_named

QUESTIONNAIRE = load_questionnaire()
ROUNDS = default_rounds()
PERIOD = period_named("2026-2", ROUNDS)
PAIRS = [
    ("TDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "1.004", "Cấp giấy chứng nhận"),
    ("TDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "1.010", '=HYPERLINK("http://x","y")'),
]


def template(pairs=PAIRS, subunit="Chi cục TĐC") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template_xlsx(subunit, PERIOD, QUESTIONNAIRE, pairs)))


def column_of(book: openpyxl.Workbook, key: str) -> int:
    return next(cell.column for cell in book[RESULTS][KEY_ROW] if cell.value == key)


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filled() -> openpyxl.Workbook:
    """The template with its first row filled in: 10 dossiers, 9 sent, 7 returned, D1 = 5 ×4, 4 ×3."""
    book = template()
    sheet = book[RESULTS]
    for key, value in {"Số hồ sơ": 10, "Số phiếu đã gửi": 9, "Số phiếu thu về": 7, "D1=5": 4, "D1=4": 3}.items():
        sheet.cell(FIRST_ROW, column_of(book, key)).value = value
    return book


def test_the_template_lists_every_answer_of_every_choice_question():
    book = template()
    keys = [cell.value for cell in book[RESULTS][KEY_ROW]]
    expected = [q for q in QUESTIONNAIRE.choice_questions for _ in q.options]
    assert keys[:3] == ["Mã đơn vị", "Tên đơn vị", "Mã thủ tục"] and len(keys) == 7 + len(expected)
    assert "B1_1=na" in keys and "D1=5" in keys and [c.key for c in columns(QUESTIONNAIRE)] == keys
    info = book["Thông tin"]
    assert [info.cell(row, 2).value for row in (3, 4, 6)] == ["Chi cục TĐC", "2026-2", QUESTIONNAIRE.version]


def test_names_in_the_template_are_text_never_formulas():
    data = template_xlsx("=cmd|' /C calc'!A0", PERIOD, QUESTIONNAIRE, PAIRS)
    book = openpyxl.load_workbook(io.BytesIO(data))
    hostile = book[RESULTS].cell(FIRST_ROW + 1, 4)
    assert (hostile.value, hostile.data_type, hostile.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)
    assert book["Thông tin"]["B3"].quotePrefix
    assert book[RESULTS].cell(FIRST_ROW, 3).number_format == "@"  # "1.010" typed stays text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


def test_a_filled_template_is_read_back():
    results = results_from_xlsx(saved(filled()), QUESTIONNAIRE, ROUNDS)
    assert (results.subunit, results.round_name, results.source, results.skipped) == (
        "Chi cục TĐC",
        "2026-2",
        "xlsx",
        1,
    )
    [row] = results.rows  # the second, with no figure, is left out
    assert (row.unit_code, row.procedure_code, row.dossiers, row.sent, row.returned) == ("TDC", "1.004", 10, 9, 7)
    assert row.answers == {"D1": {"5": 4, "4": 3}}


def test_every_problem_of_a_file_is_listed_with_its_cell():
    book = filled()
    sheet = book[RESULTS]
    sheet.cell(FIRST_ROW, column_of(book, "Số phiếu thu về")).value = 12
    sheet.cell(FIRST_ROW + 1, column_of(book, "Số phiếu đã gửi")).value = "nhiều"
    book["Thông tin"]["B4"] = "2026-7"
    with pytest.raises(SubunitFileError) as caught:
        results_from_xlsx(saved(book), QUESTIONNAIRE, ROUNDS)
    sent = openpyxl.utils.get_column_letter(column_of(book, "Số phiếu đã gửi"))
    returned = openpyxl.utils.get_column_letter(column_of(book, "Số phiếu thu về"))
    assert caught.value.problems == [
        "Trang 'Thông tin', ô B4: không có đợt “2026-7”: ghi NĂM-ĐỢT, ví dụ 2026-1",
        f"Trang 'Kết quả', ô {returned}{FIRST_ROW}: số phiếu thu về (12) lớn hơn số phiếu đã gửi (9)",
        f"Trang 'Kết quả', ô {sent}{FIRST_ROW + 1}: số phiếu đã gửi phải là số nguyên từ 0 đến 10000000, "
        "không phải “nhiều”",
    ]


def test_a_template_of_another_questionnaire_or_with_columns_changed_is_refused():
    book = filled()
    book["Thông tin"]["B6"] = "0"  # the questionnaire's version is never "0"
    sheet = book[RESULTS]
    sheet.cell(KEY_ROW, column_of(book, "D1=5")).value = "D1=6"
    with pytest.raises(SubunitFileError) as caught:
        results_from_xlsx(saved(book), QUESTIONNAIRE, ROUNDS)
    problems = caught.value.problems
    current = QUESTIONNAIRE.version
    assert problems[0].startswith(f"Trang 'Thông tin', ô B6: mẫu theo phiếu phiên bản 0, phiếu hiện hành là {current}")
    assert "Trang 'Kết quả', ô 3: thiếu cột “D1=5”: không thêm, bớt cột của mẫu" in problems
    assert any(problem.endswith("cột “D1=6” không có trong mẫu") for problem in problems)


def test_a_formula_never_computed_is_an_error_and_a_computed_one_its_value():
    book = filled()
    cell = book[RESULTS].cell(FIRST_ROW, column_of(book, "D1=3"))
    cell.value = "=1+1"  # openpyxl writes no cached value: as if saved by a program that does not compute
    with pytest.raises(SubunitFileError) as caught:
        results_from_xlsx(saved(book), QUESTIONNAIRE, ROUNDS)
    assert caught.value.problems == [
        f"Trang 'Kết quả', ô {cell.coordinate}: công thức chưa có giá trị: mở tệp bằng Excel, lưu lại rồi gửi"
    ]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b""])
def test_a_file_that_is_no_workbook_is_one_error(data):
    with pytest.raises(SubunitFileError, match="không đọc được như một tệp Excel"):
        results_from_xlsx(data, QUESTIONNAIRE, ROUNDS)


def test_a_workbook_without_the_sheets_is_refused():
    book = openpyxl.Workbook()
    with pytest.raises(SubunitFileError, match="không có trang “Thông tin”"):
        results_from_xlsx(saved(book), QUESTIONNAIRE, ROUNDS)
