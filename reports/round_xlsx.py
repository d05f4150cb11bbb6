"""The round report as a workbook (openpyxl): the same figures as the PDF, as numbers to work with.

Sheets: return rates per unit; satisfaction per unit; per procedure; per item. Rates and
satisfaction are stored as fractions of 1 with a percentage format, so sums and charts in
a spreadsheet work on the real values; a missing figure is an empty cell. Text is stored
as text: a name from an export such as "=HYPERLINK(…)" or "@SUM(…)" is a string cell,
marked to stay one when edited (``literal.formula_like``), never a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .literal import formula_like
from .rates import UnitRate
from .round import RoundReport
from .round_view import LEVEL_HEADERS, short_title
from .satisfaction import GroupScore, ItemScore, Levels

PERCENT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
BELOW_FILL = PatternFill("solid", fgColor="FDECEA")
RATE_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Hồ sơ",
    "Đã gửi",
    "Đã trả lời",
    "Tỷ lệ",
    "Chỉ tiêu",
    "Còn thiếu",
    "Gửi thất bại",
]


def _number(value: Any) -> Any:
    return None if value is None else float(value)


def _shares(levels: Levels) -> list[float | None]:
    shares = levels.shares()
    return [float(value) for value in shares] if shares else [None, None, None]


def _append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Add a row whose text stays text; control characters a workbook cannot hold are left out."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if formula_like(cell.value):
                cell.quotePrefix = True


def _sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    _append(sheet, headers)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "C2"
    return sheet


def _formats(sheet: Worksheet, columns: Sequence[int]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index in columns:
            row[index].number_format = PERCENT


def _rate_cells(rate: UnitRate) -> list[Any]:
    return [rate.unit, rate.name, rate.dossiers, rate.sent, rate.returned, rate.rate, rate.target, rate.needed]


def _rates_sheet(book: Workbook, report: RoundReport) -> None:
    sheet = _sheet(book, "Tỷ lệ thu hồi", RATE_HEADERS, [12, 44, 9, 9, 11, 9, 9, 10, 12])
    for rate in report.rates.units:
        _append(sheet, [*_rate_cells(rate), rate.failed])
        if rate.below_target:
            for cell in sheet[sheet.max_row]:
                cell.fill = BELOW_FILL
    _append(sheet, ["Tổng cộng", "", *_rate_cells(report.rates.total)[2:], report.rates.total.failed])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, [5, 6])


def _score_sheet(book: Workbook, title: str, first: str, report: RoundReport, groups: Sequence[GroupScore]) -> None:
    factors = [short_title(factor.title) for factor in report.scheme.factors]
    headers = [first, "Tên", "Số phiếu", *factors, "Chỉ số chung", *LEVEL_HEADERS]
    sheet = _sheet(book, title, headers, [12, 44, 9, *[14] * (len(factors) + 1), 12, 12, 14])
    for group in [*groups, report.overall]:
        factor_values = [_number(group.factors[factor.code]) for factor in report.scheme.factors]
        key = group.key or group.name
        name = group.name if group.key else ""
        _append(sheet, [key, name, group.responses, *factor_values, _number(group.index), *_shares(group.levels)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, range(3, len(headers)))


def _item_cells(factor: str, score: ItemScore, text: str) -> list[Any]:
    return [
        factor,
        score.question,
        text,
        score.valid,
        _number(score.ratio),
        _number(score.mean),
        *_shares(score.levels),
    ]


def _items_sheet(book: Workbook, report: RoundReport) -> None:
    headers = ["Yếu tố", "Mã", "Nội dung", "Ý kiến hợp lệ", "Tỷ lệ hài lòng", "Điểm TB (1–5)", *LEVEL_HEADERS]
    sheet = _sheet(book, "Theo câu hỏi", headers, [30, 8, 56, 12, 13, 13, 12, 12, 14])
    items = report.overall.items
    for factor in report.scheme.factors:
        title = short_title(factor.title)
        for code in factor.items:
            _append(sheet, _item_cells(title, items[code], report.questions[code]))
        _append(sheet, [title, "", "Chỉ số của yếu tố", None, _number(report.overall.factors[factor.code])])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for code in report.scheme.overall:
        _append(sheet, _item_cells("Đánh giá chung", items[code], report.questions[code]))
    for row in sheet.iter_rows(min_row=2):
        row[5].number_format = "0.00"
    _formats(sheet, [4, 6, 7, 8])


def round_xlsx(report: RoundReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _rates_sheet(book, report)
    _score_sheet(book, "Hài lòng theo đơn vị", "Mã đơn vị", report, report.by_unit)
    _score_sheet(book, "Hài lòng theo thủ tục", "Mã thủ tục", report, report.by_procedure)
    _items_sheet(book, report)
    book.properties.title = f"Báo cáo kết quả khảo sát — đợt {report.period.name}"
    book.properties.creator = "khaosat"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
