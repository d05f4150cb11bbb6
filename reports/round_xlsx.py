"""The round report as a workbook (openpyxl): the same figures as the PDF, as numbers to work with.

Sheets: return rates per unit and per procedure; the channels; satisfaction per unit, per
procedure and per item; the change since the previous round; the comments (text, and the
paper forms' comment crops by survey code); the sub-units' imports and results. Rates and
satisfaction are stored as fractions of 1 with a percentage format, so sums and charts in
a spreadsheet work on the real values; a missing figure is an empty cell. Text is stored
as text: a name from an export such as "=HYPERLINK(…)" or "@SUM(…)" is a string cell,
marked to stay one when edited (``literal.formula_like``), never a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..language import N_, tr, tr_each
from .rates import UnitRate, total_of
from .round import RoundReport
from .round_cells import SUBUNIT
from .round_view import METHOD_LABELS, level_headers, rate_of, short_title
from .satisfaction import GroupScore, ItemScore, Levels
from .xlsx_cells import append

PERCENT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
BELOW_FILL = PatternFill("solid", fgColor="FDECEA")
RATE_HEADERS = [
    N_("Mã đơn vị"),
    N_("Đơn vị"),
    N_("Hồ sơ"),
    N_("Đã gửi"),
    N_("Đã trả lời"),
    N_("Tỷ lệ"),
    N_("Chỉ tiêu"),
    N_("Còn thiếu"),
    N_("Gửi thất bại"),
]


def _number(value: Any) -> Any:
    return None if value is None else float(value)


def _shares(levels: Levels) -> list[float | None]:
    shares = levels.shares()
    return [float(value) for value in shares] if shares else [None, None, None]


def _sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    append(sheet, headers)
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


def _rates_sheet(
    book: Workbook, title: str, rates: Sequence[UnitRate], total: UnitRate, headers: Sequence[str] = ()
) -> None:
    sheet = _sheet(book, title, headers or tr_each(*RATE_HEADERS), [12, 44, 9, 9, 11, 9, 9, 10, 12])
    for rate in rates:
        append(sheet, [*_rate_cells(rate), rate.failed])
        if rate.below_target:
            for cell in sheet[sheet.max_row]:
                cell.fill = BELOW_FILL
    append(sheet, [tr("Tổng cộng"), "", *_rate_cells(total)[2:], total.failed])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, [5, 6])


def _channels_sheet(book: Workbook, report: RoundReport) -> None:
    headers = [
        *tr_each("Kênh", "Tên", "Đã gửi", "Đã trả lời", "Tỷ lệ", "Thất bại", "Số phiếu", "Chỉ số chung"),
        *level_headers(),
    ]
    sheet = _sheet(book, tr("Theo kênh"), headers, [12, 30, 9, 11, 9, 10, 9, 12, 12, 12, 14])
    scores = {group.key: group for group in report.by_channel}
    for rate in report.channel_rates:
        score = scores.get(rate.unit)
        figures = [score.responses, _number(score.index), *_shares(score.levels)] if score else [0]
        append(sheet, [rate.unit, rate.name, rate.sent, rate.returned, rate.rate, rate.failed, *figures])
    _formats(sheet, [4, 7, 8, 9, 10])


def _ratio(value: float | Fraction | None) -> float | None:
    return None if value is None else float(value)


def _changes_sheet(book: Workbook, report: RoundReport) -> None:
    previous = report.previous
    before = previous.period.name if previous else tr("trước")
    headers = [*tr_each("Mã đơn vị", "Đơn vị"), tr("Tỷ lệ đợt {name}", name=before), tr("Tỷ lệ đợt này"), tr("± Tỷ lệ"),
               tr("Chỉ số đợt {name}", name=before), tr("Chỉ số đợt này"), tr("± Chỉ số")]  # fmt: skip
    sheet = _sheet(book, tr("So với đợt trước"), headers, [12, 44, 14, 14, 10, 14, 14, 10])
    if previous is None:
        append(sheet, [tr("Chưa có số liệu của đợt trước.")])
        return
    now = {rate.unit: rate for rate in report.rates.units}
    then = {rate.unit: rate for rate in previous.rates.units}
    scores = {group.key: group.index for group in report.by_unit}
    for unit in sorted(now.keys() | then.keys()):
        name = now[unit].name if unit in now else then[unit].name
        rates = [_ratio(rate_of(then.get(unit))), _ratio(rate_of(now.get(unit)))]
        indices = [_ratio(previous.by_unit[unit].index if unit in previous.by_unit else None), _ratio(scores.get(unit))]
        append(sheet, [unit, name, *rates, _difference(rates), *indices, _difference(indices)])
    total = [_ratio(rate_of(previous.rates.total)), _ratio(rate_of(report.rates.total))]
    overall = [_ratio(previous.overall.index), _ratio(report.overall.index)]
    append(sheet, [tr("Toàn đợt"), "", *total, _difference(total), *overall, _difference(overall)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, range(2, 8))


def _difference(pair: Sequence[float | None]) -> float | None:
    before, now = pair
    return None if before is None or now is None else now - before


def _comments_sheets(book: Workbook, report: RoundReport) -> None:
    headers = tr_each("Mã phiếu", "Đơn vị", "Thủ tục", "Hình thức", "Góp ý")
    sheet = _sheet(book, tr("Góp ý"), headers, [12, 14, 14, 18, 100])
    for comment in report.comments:
        method = tr(METHOD_LABELS[comment.method]) if comment.method in METHOD_LABELS else comment.method
        append(sheet, [comment.survey, comment.unit, comment.procedure, method, comment.text])
        sheet.cell(sheet.max_row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    headers = tr_each("Mã phiếu", "Đơn vị", "Ảnh ô góp ý (trong thư mục lưu trữ)")
    paper = _sheet(book, tr("Góp ý phiếu giấy"), headers, [12, 14, 90])
    for form in report.paper_comments:
        append(paper, [form.survey, form.unit, "\n".join(form.crops)])


def _subunit_sheets(book: Workbook, report: RoundReport, zone: ZoneInfo) -> None:
    headers = tr_each("Đơn vị báo cáo", "Tệp", "SHA-256", "Nguồn", "Nhập lúc", "Người nhập", "Số hàng", "Đã gửi",
                      "Đã trả lời")  # fmt: skip
    sheet = _sheet(book, tr("Đơn vị tự khảo sát"), headers, [40, 30, 66, 8, 17, 16, 9, 9, 11])
    for record in report.imports:
        at = record.imported_at.astimezone(zone).replace(tzinfo=None)
        append(sheet, [record.subunit, record.file_name, record.sha256, record.source, at, record.imported_by,
                       record.rows, record.sent, record.returned])  # fmt: skip
        sheet.cell(sheet.max_row, 5).number_format = "dd/mm/yyyy hh:mm"
    rows = _sheet(
        book,
        tr("Số liệu tự khảo sát"),
        tr_each("Đơn vị báo cáo", "Mã đơn vị", "Đơn vị", "Mã thủ tục", "Thủ tục", "Hồ sơ", "Đã gửi", "Đã trả lời"),
        [40, 12, 40, 12, 44, 9, 9, 11],
    )
    for cell in report.cells:
        if cell.channel == SUBUNIT:
            append(rows, [cell.subunit, *cell.unit, *cell.procedure, cell.dossiers, cell.sent, cell.returned])


def _score_sheet(book: Workbook, title: str, first: str, report: RoundReport, groups: Sequence[GroupScore]) -> None:
    factors = [short_title(factor.title) for factor in report.scheme.factors]
    headers = [first, *tr_each("Tên", "Số phiếu"), *factors, tr("Chỉ số chung"), *level_headers()]
    sheet = _sheet(book, title, headers, [12, 44, 9, *[14] * (len(factors) + 1), 12, 12, 14])
    for group in [*groups, report.overall]:
        factor_values = [_number(group.factors[factor.code]) for factor in report.scheme.factors]
        key = group.key or group.name
        name = group.name if group.key else ""
        append(sheet, [key, name, group.responses, *factor_values, _number(group.index), *_shares(group.levels)])
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
    headers = [
        *tr_each("Yếu tố", "Mã", "Nội dung", "Ý kiến hợp lệ", "Tỷ lệ hài lòng", "Điểm TB (1–5)"),
        *level_headers(),
    ]
    sheet = _sheet(book, tr("Theo câu hỏi"), headers, [30, 8, 56, 12, 13, 13, 12, 12, 14])
    items = report.overall.items
    for factor in report.scheme.factors:
        title = short_title(factor.title)
        for code in factor.items:
            append(sheet, _item_cells(title, items[code], report.questions[code]))
        append(sheet, [title, "", tr("Chỉ số của yếu tố"), None, _number(report.overall.factors[factor.code])])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for code in report.scheme.overall:
        append(sheet, _item_cells(tr("Đánh giá chung"), items[code], report.questions[code]))
    for row in sheet.iter_rows(min_row=2):
        row[5].number_format = "0.00"
    _formats(sheet, [4, 6, 7, 8])


def round_xlsx(report: RoundReport, zone: ZoneInfo) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _rates_sheet(book, tr("Tỷ lệ thu hồi"), report.rates.units, report.rates.total)
    procedures = report.procedure_rates
    headers = [*tr_each("Mã thủ tục", "Thủ tục"), *tr_each(*RATE_HEADERS[2:])]
    total = total_of(procedures, report.rates.total.target)
    _rates_sheet(book, tr("Tỷ lệ theo thủ tục"), procedures, total, headers)
    _channels_sheet(book, report)
    _score_sheet(book, tr("Hài lòng theo đơn vị"), tr("Mã đơn vị"), report, report.by_unit)
    _score_sheet(book, tr("Hài lòng theo thủ tục"), tr("Mã thủ tục"), report, report.by_procedure)
    _items_sheet(book, report)
    _changes_sheet(book, report)
    _comments_sheets(book, report)
    _subunit_sheets(book, report, zone)
    book.properties.title = tr("Báo cáo kết quả khảo sát — đợt {name}", name=report.period.name)
    book.properties.creator = "khaosat"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
