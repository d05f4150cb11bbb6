"""The round report as a PDF: return rates with their chart, then satisfaction per unit, procedure and item.

Names, codes and the questionnaire's texts are escaped and wrap within their columns (pdf.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from .literal import markup
from .pdf import (
    BOLD,
    LIGHT,
    WIDTH,
    build_pdf,
    chart_legend,
    code_cell,
    grid_table,
    header_row,
    heading,
    name_cell,
    rate_chart,
    rates_table,
    styles,
)
from .round_view import LEVEL_HEADERS, FactorBlock, ItemRow, RoundReportView, ScoreRow

METHOD = (
    "Cách tính: tỷ lệ hài lòng của một câu = số ý kiến mức 4 hoặc 5 / số ý kiến hợp lệ (mức 1–5; "
    "“Không áp dụng” và câu bỏ trống không tính). Chỉ số của một yếu tố = trung bình tỷ lệ hài lòng các câu "
    "của yếu tố; chỉ số chung = trung bình chỉ số các yếu tố. Ba mức (Rất hài lòng = 5, Hài lòng = 4, "
    "Không hài lòng = 1–3) tính trên câu đánh giá chung. Chỉ tính phiếu được ghi nhận (mỗi hồ sơ một phiếu)."
)


def _score_table(
    style: dict[str, ParagraphStyle], view: RoundReportView, rows: Sequence[ScoreRow], first: str
) -> Table:
    headers = [first, "Tên", "Số phiếu", *view.factor_titles, "Chỉ số chung", *LEVEL_HEADERS]
    factors = len(view.factor_titles)
    rest = WIDTH - 20 * mm - 13 * mm - (factors + 1) * 21 * mm - 3 * 16 * mm
    widths = [20 * mm, rest, 13 * mm, *[21 * mm] * (factors + 1), *[16 * mm] * 3]
    body: list[list[Any]] = [header_row(style, headers, size=8)]
    for row in rows:
        body.append([code_cell(style, row.key, widths[0]), name_cell(style, row.name), row.responses, *_figures(row)])
    body.append([view.overall.name, "", view.overall.responses, *_figures(view.overall)])
    table = grid_table(body, widths)
    index_column = 3 + factors
    table.setStyle(TableStyle([("FONT", (index_column, 1), (index_column, -1), BOLD, 9)]))
    return table


def _figures(row: ScoreRow) -> list[str]:
    return [*row.factors, row.index, *row.levels]


def _item_table(style: dict[str, ParagraphStyle], blocks: Sequence[FactorBlock], overall: Sequence[ItemRow]) -> Table:
    headers = ["Mã", "Nội dung", "Ý kiến hợp lệ", "Tỷ lệ hài lòng", "Điểm TB (1–5)", *LEVEL_HEADERS]
    widths = [16 * mm, WIDTH - 16 * mm - 3 * 24 * mm - 3 * 20 * mm, 24 * mm, 24 * mm, 24 * mm, *[20 * mm] * 3]
    body: list[list[Any]] = [header_row(style, headers)]
    factor_rows = []
    for block in [*blocks, FactorBlock("Đánh giá chung", "", list(overall))]:
        factor_rows.append(len(body))
        body.append(["", Paragraph(f"<b>{markup(block.title)}</b>", style["cell"]), "", block.index, "", "", "", ""])
        body += [
            [code_cell(style, i.code, widths[0]), name_cell(style, i.text), i.valid, i.percent, i.mean, *i.levels]
            for i in block.items
        ]
    table = grid_table(body, widths, total=False)
    table.setStyle(TableStyle([("BACKGROUND", (0, r), (-1, r), LIGHT) for r in factor_rows]))
    table.setStyle(TableStyle([("FONT", (3, r), (3, r), BOLD, 9) for r in factor_rows]))
    table.setStyle(TableStyle([("NOSPLIT", (0, r), (-1, r + 1)) for r in factor_rows]))  # a title stays with its items
    return table


def _summary(style: dict[str, ParagraphStyle], view: RoundReportView) -> list[Flowable]:
    total, overall = view.rates_total, view.overall
    levels = ", ".join(f"{label.lower()} {value}" for label, value in zip(LEVEL_HEADERS, overall.levels, strict=True))
    lines = [
        markup(f"Đợt {view.name} ({view.period}): {view.state}."),
        f"Tỷ lệ thu hồi phiếu: <b>{total.rate}</b> ({total.returned}/{total.sent} phiếu đã gửi; "
        f"{total.dossiers} hồ sơ).",
        f"Chỉ số hài lòng chung: <b>{overall.index}</b> trên {overall.responses} phiếu; đánh giá chung: {levels}.",
    ]
    if view.below:
        lines.append(f"<font color='#b3261e'>Đơn vị chưa đạt chỉ tiêu thu hồi: {markup(', '.join(view.below))}.</font>")
    return [Paragraph(line, style["body"]) for line in lines]


def round_pdf(view: RoundReportView) -> bytes:
    style = styles()
    story: list[Flowable] = heading(
        style, view.organization, f"{view.title} — đợt {view.name}", f"Số liệu tại thời điểm {view.generated}"
    )
    story += _summary(style, view)
    story += [
        Spacer(1, 4 * mm),
        Paragraph("I. Tỷ lệ thu hồi phiếu theo đơn vị", style["h2"]),
        rates_table(style, view.rates, view.rates_total, change=False),
        Spacer(1, 4 * mm),
        KeepTogether([rate_chart(view.chart), chart_legend(style)]),
        Spacer(1, 6 * mm),
        Paragraph("II. Mức độ hài lòng theo đơn vị giải quyết", style["h2"]),
        _score_table(style, view, view.by_unit, "Mã đơn vị"),
        Spacer(1, 6 * mm),
        Paragraph("III. Mức độ hài lòng theo thủ tục hành chính", style["h2"]),
        _score_table(style, view, view.by_procedure, "Mã thủ tục"),
        Spacer(1, 6 * mm),
        Paragraph("IV. Mức độ hài lòng theo từng nội dung (toàn đợt)", style["h2"]),
        _item_table(style, view.factors, view.overall_items),
        Spacer(1, 4 * mm),
        Paragraph(METHOD, style["small"]),
    ]
    return build_pdf(story, title=view.subject, footer=f"{view.organization} — {view.subject}")
