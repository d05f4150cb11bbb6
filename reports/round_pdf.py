"""The round report as a PDF: a one-page summary, then rates and satisfaction per unit, procedure and channel,
the change since the previous round, the comments and the sub-units' own results.

Names, codes, comments and the questionnaire's texts are escaped and wrap within their
columns (pdf.py); a comment too long for a page is cut in the PDF (the workbook keeps it whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ..language import N_, tr, tr_each
from .literal import markup
from .pdf import (
    BOLD,
    LIGHT,
    RED,
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
from .round_view import (
    ChangeRow,
    FactorBlock,
    ItemRow,
    RoundReportView,
    ScoreRow,
    Summary,
    level_headers,
    shortened,
)
from .status_view import RowView

COMMENT_LENGTH = 1500  # characters of one comment shown in the PDF
DECISION_766 = N_(
    "Quyết định 766/QĐ-TTg (2022): theo các bản tóm tắt, “tỷ lệ hài lòng” của Bộ chỉ số tính trên mọi hồ sơ, kể cả "
    "hồ sơ không ai đánh giá; chưa đối chiếu được với văn bản gốc nên báo cáo này không tính chỉ số đó (README)."
)
METHOD = N_(
    "Cách tính: tỷ lệ thu hồi = số phiếu trả lời được tính / số phiếu đã đến tay người nộp (mỗi hồ sơ một phiếu). "
    "Tỷ lệ hài lòng của một câu = số ý kiến mức 4 hoặc 5 / số ý kiến hợp lệ (mức 1–5; “Không áp dụng” và câu bỏ "
    "trống không tính). Chỉ số của một yếu tố (năm yếu tố SIPAS) = trung bình tỷ lệ hài lòng các câu của yếu tố; "
    "chỉ số chung = trung bình chỉ số các yếu tố. Ba mức (Rất hài lòng = 5, Hài lòng = 4, Không hài lòng = 1–3) "
    "tính trên câu đánh giá chung. Số liệu “tự khảo sát” do đơn vị trực thuộc gửi về (khaosat subunit import), "
    "cộng vào đơn vị cùng mã. "
)
RATE_HEADERS = (N_("Hồ sơ"), N_("Đã gửi"), N_("Đã trả lời"), N_("Tỷ lệ"), N_("Chỉ tiêu"), N_("Còn thiếu"))


def _header(style: dict[str, ParagraphStyle], headers: Sequence[str], text_columns: int) -> list[Paragraph]:
    """Header cells: the first ``text_columns`` over text (left), the rest over figures (right)."""
    return [Paragraph(markup(h), style["head" if i < text_columns else "head_right"]) for i, h in enumerate(headers)]


def _text_grid(body: list[list[Any]], widths: Sequence[float], text_columns: int) -> Table:
    """``grid_table`` with its first ``text_columns`` columns aligned left."""
    table = grid_table(body, widths, total=False)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (text_columns - 1, -1), "LEFT")]))
    if text_columns < len(widths):
        table.setStyle(TableStyle([("ALIGN", (text_columns, 0), (-1, -1), "RIGHT")]))
    return table


def _cells(style: dict[str, ParagraphStyle], texts: Sequence[str], widths: Sequence[float]) -> list[Any]:
    """Text cells: a code (first) breaks after its hyphens, the rest wrap as words."""
    return [code_cell(style, texts[0], widths[0]), *[name_cell(style, text) for text in texts[1:]]]


# --- page 1 ---------------------------------------------------------------------------------


def _summary_table(style: dict[str, ParagraphStyle], summary: Summary) -> Table:
    compared = (
        tr(
            "so với {previous}: tỷ lệ thu hồi {rate_change} điểm %, chỉ số hài lòng {index_change} điểm %",
            previous=summary.previous,
            rate_change=summary.rate_change,
            index_change=summary.index_change,
        )
        if summary.previous
        else tr("chưa có số liệu đợt trước để so sánh")
    )
    levels = ", ".join(f"{label.lower()} {value}" for label, value in zip(level_headers(), summary.levels, strict=True))
    factors = "; ".join(f"{title} {value}" for title, value in summary.factors)
    rate = tr(
        "<b>{rate}</b> — chỉ tiêu {target}; còn thiếu {needed} phiếu",
        rate=summary.rate,
        target=summary.target,
        needed=summary.needed,
    )
    rows = [
        (tr("Hồ sơ tiếp nhận trong đợt"), summary.dossiers),
        (tr("Phiếu đã đến tay người nộp (đã gửi)"), summary.sent),
        (tr("Phiếu trả lời được tính"), summary.returned),
        (tr("<b>Tỷ lệ thu hồi phiếu</b> (trả lời / đã gửi)"), rate),
        (tr("Phiếu trả lời / hồ sơ tiếp nhận"), summary.coverage),
        (
            tr("<b>Chỉ số hài lòng chung</b> (5 yếu tố SIPAS)"),
            tr("<b>{index}</b> trên {responses} phiếu", index=summary.index, responses=summary.responses),
        ),
        (tr("Chỉ số từng yếu tố"), markup(factors)),
        (tr("Đánh giá chung"), levels),
        (tr("Thay đổi"), markup(compared)),
    ]
    body = [[Paragraph(label, style["body"]), Paragraph(value, style["body"])] for label, value in rows]
    table = Table(body, colWidths=[90 * mm, WIDTH - 90 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _summary_page(style: dict[str, ParagraphStyle], view: RoundReportView) -> list[Flowable]:
    summary = view.summary
    story: list[Flowable] = [
        Paragraph(
            markup(
                tr("Tóm tắt — đợt {name} ({period}): {state}.", name=view.name, period=view.period, state=view.state)
            ),
            style["h2"],
        ),
        _summary_table(style, summary),
        Spacer(1, 3 * mm),
    ]
    if summary.below:
        more = tr(" và {count} đơn vị khác", count=summary.below_more) if summary.below_more else ""
        names = markup("; ".join(summary.below))
        story.append(
            Paragraph(
                tr("<b>Chưa đạt chỉ tiêu thu hồi:</b> {names}{more} (mục I).", names=names, more=more), style["alert"]
            )
        )
    else:
        story.append(Paragraph(tr("<b>Mọi đơn vị đã đạt chỉ tiêu thu hồi phiếu.</b>"), style["ok"]))
    subunits = (
        tr(
            "Gồm kết quả tự khảo sát của: {names} (mục IX).",
            names=markup("; ".join(shortened(s, 120) for s in summary.subunits)),
        )
        if summary.subunits
        else tr("Chưa có đơn vị trực thuộc nào gửi kết quả tự khảo sát cho đợt này.")
    )
    story += [
        Paragraph(subunits, style["body"]),
        Paragraph(
            tr(
                "Góp ý: {comments} ý kiến viết (PDF, trực tuyến); {paper} phiếu giấy, fax "
                "có ô góp ý lưu dạng ảnh, liệt kê theo mã phiếu (mục VIII).",
                comments=summary.comments,
                paper=summary.paper,
            ),
            style["body"],
        ),
        PageBreak(),
    ]
    return story


# --- tables ---------------------------------------------------------------------------------


def _rate_table(
    style: dict[str, ParagraphStyle], rows: Sequence[RowView], total: RowView | None, first: tuple[str, str]
) -> Table:
    """Rates of procedures (or any group): code, name, dossiers, sent, returned, rate, target, needed."""
    widths = [28 * mm, WIDTH - 28 * mm - 6 * 20 * mm, *[20 * mm] * 6]
    body: list[list[Any]] = [header_row(style, [*first, *tr_each(*RATE_HEADERS)])]
    for row in rows:
        rate = f"{row.rate} ✗" if row.below else row.rate
        body.append([*_cells(style, [row.unit, row.name], widths), row.dossiers, row.sent, row.returned, rate,
                     row.target, row.needed])  # fmt: skip
    if total is not None:
        figures = [total.dossiers, total.sent, total.returned, total.rate, total.target, total.needed]
        body.append([tr("Tổng cộng"), "", *figures])
    marked = [index + 1 for index, row in enumerate(rows) if row.below]
    table = grid_table(body, widths, marked=marked, total=total is not None)
    for index in marked:
        table.setStyle(TableStyle([("TEXTCOLOR", (5, index), (5, index), RED)]))
    return table


def _channel_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    """Per channel: forms sent, returned, rate and failed; replies, overall index and the three levels."""
    headers = [
        *tr_each("Kênh", "Đã gửi", "Đã trả lời", "Tỷ lệ", "Thất bại", "Số phiếu", "Chỉ số chung"),
        *level_headers(),
    ]
    widths = [WIDTH - 9 * 22 * mm, *[22 * mm] * 9]
    body: list[list[Any]] = [_header(style, headers, 1)]
    body += [[name_cell(style, r.name), r.sent, r.returned, r.rate, r.failed, r.responses, r.index, *r.levels]
             for r in view.channels]  # fmt: skip
    return _text_grid(body, widths, 1)


def _score_table(
    style: dict[str, ParagraphStyle], view: RoundReportView, rows: Sequence[ScoreRow], first: str
) -> Table:
    headers = [first, *tr_each("Tên", "Số phiếu"), *view.factor_titles, tr("Chỉ số chung"), *level_headers()]
    factors = len(view.factor_titles)
    rest = WIDTH - 20 * mm - 13 * mm - (factors + 1) * 21 * mm - 3 * 16 * mm
    widths = [20 * mm, rest, 13 * mm, *[21 * mm] * (factors + 1), *[16 * mm] * 3]
    body: list[list[Any]] = [header_row(style, headers, size=8)]
    for row in rows:
        body.append([*_cells(style, [row.key, row.name], widths), row.responses, *_figures(row)])
    body.append([view.overall.name, "", view.overall.responses, *_figures(view.overall)])
    table = grid_table(body, widths)
    index_column = 3 + factors
    table.setStyle(TableStyle([("FONT", (index_column, 1), (index_column, -1), BOLD, 9)]))
    return table


def _figures(row: ScoreRow) -> list[str]:
    return [*row.factors, row.index, *row.levels]


def _item_table(style: dict[str, ParagraphStyle], blocks: Sequence[FactorBlock], overall: Sequence[ItemRow]) -> Table:
    headers = [*tr_each("Mã", "Nội dung", "Ý kiến hợp lệ", "Tỷ lệ hài lòng", "Điểm TB (1–5)"), *level_headers()]
    widths = [16 * mm, WIDTH - 16 * mm - 3 * 24 * mm - 3 * 20 * mm, 24 * mm, 24 * mm, 24 * mm, *[20 * mm] * 3]
    body: list[list[Any]] = [header_row(style, headers)]
    factor_rows = []
    for block in [*blocks, FactorBlock(tr("Đánh giá chung"), "", list(overall))]:
        factor_rows.append(len(body))
        body.append(["", Paragraph(f"<b>{markup(block.title)}</b>", style["cell"]), "", block.index, "", "", "", ""])
        body += [[*_cells(style, [i.code, i.text], widths), i.valid, i.percent, i.mean, *i.levels] for i in block.items]
    table = grid_table(body, widths, total=False)
    table.setStyle(TableStyle([("BACKGROUND", (0, r), (-1, r), LIGHT) for r in factor_rows]))
    table.setStyle(TableStyle([("FONT", (3, r), (3, r), BOLD, 9) for r in factor_rows]))
    table.setStyle(TableStyle([("NOSPLIT", (0, r), (-1, r + 1)) for r in factor_rows]))  # a title stays with its items
    return table


def _change_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    before, now = view.previous_name, view.name
    headers = [*tr_each("Mã đơn vị", "Đơn vị"), tr("Tỷ lệ Đợt {name}", name=before), tr("Tỷ lệ Đợt {name}", name=now),
               tr("± Tỷ lệ"), tr("Chỉ số Đợt {name}", name=before), tr("Chỉ số Đợt {name}", name=now),
               tr("± Chỉ số")]  # fmt: skip
    widths = [24 * mm, WIDTH - 24 * mm - 6 * 24 * mm, *[24 * mm] * 6]
    body: list[list[Any]] = [header_row(style, headers, size=8)]
    body += [[*_cells(style, [row.unit, row.name], widths), *_change_figures(row)] for row in view.changes]
    if view.change_total is not None:
        body.append([tr("Toàn đợt"), "", *_change_figures(view.change_total)])
    return grid_table(body, widths)


def _change_figures(row: ChangeRow) -> list[str]:
    return [row.rate_before, row.rate_now, row.rate_change, row.index_before, row.index_now, row.index_change]


def _comment_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    widths = [24 * mm, 24 * mm, 24 * mm, 26 * mm, WIDTH - 98 * mm]
    body: list[list[Any]] = [_header(style, tr_each("Mã phiếu", "Đơn vị", "Thủ tục", "Hình thức", "Góp ý"), 5)]
    for row in view.comments:
        text = shortened(row.text, COMMENT_LENGTH)
        codes = (row.survey, row.unit, row.procedure)
        codes_cells = [code_cell(style, code, widths[index]) for index, code in enumerate(codes)]
        body.append([*codes_cells, name_cell(style, row.how), name_cell(style, text)])
    table = _text_grid(body, widths, 5)
    table.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


def _paper_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    widths = [28 * mm, 40 * mm, WIDTH - 68 * mm]
    body: list[list[Any]] = [_header(style, tr_each("Mã phiếu", "Đơn vị", "Ảnh ô góp ý (trong thư mục lưu trữ)"), 3)]
    body += [[code_cell(style, r.survey, widths[0]), code_cell(style, r.unit, widths[1]),
              code_cell(style, r.crops, widths[2])] for r in view.paper]  # fmt: skip
    return _text_grid(body, widths, 3)


def _import_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    headers = tr_each("Đơn vị báo cáo", "Tệp", "Nhập lúc, người nhập", "Số hàng", "Đã gửi", "Đã trả lời", "Tỷ lệ")
    widths = [60 * mm, WIDTH - 60 * mm - 48 * mm - 4 * 18 * mm, 48 * mm, *[18 * mm] * 4]
    body: list[list[Any]] = [_header(style, headers, 3)]
    body += [[name_cell(style, r.subunit), name_cell(style, r.file), name_cell(style, r.imported), r.rows, r.sent,
              r.returned, r.rate] for r in view.imports]  # fmt: skip
    return _text_grid(body, widths, 3)


def _subunit_table(style: dict[str, ParagraphStyle], view: RoundReportView) -> Table:
    headers = tr_each("Đơn vị báo cáo", "Mã đơn vị", "Đơn vị", "Hồ sơ", "Đã gửi", "Đã trả lời", "Tỷ lệ", "Chỉ số chung")
    widths = [60 * mm, 24 * mm, WIDTH - 84 * mm - 5 * 18 * mm, *[18 * mm] * 5]
    body: list[list[Any]] = [_header(style, headers, 3)]
    for r in view.subunit_rows:
        cells = [name_cell(style, r.subunit), code_cell(style, r.unit, widths[1]), name_cell(style, r.name)]
        body.append([*cells, r.dossiers, r.sent, r.returned, r.rate, r.index])
    return _text_grid(body, widths, 3)


# --- the document ---------------------------------------------------------------------------


def _section(style: dict[str, ParagraphStyle], title: str, *content: Flowable) -> list[Flowable]:
    return [Paragraph(title, style["h2"]), *content, Spacer(1, 6 * mm)]


def _or_note(style: dict[str, ParagraphStyle], present: bool, table: Any, note: str) -> Flowable:
    return table() if present else Paragraph(note, style["body"])


def round_pdf(view: RoundReportView) -> bytes:
    style = styles()
    style["lead"] = ParagraphStyle("lead", parent=style["body"], keepWithNext=1)  # stays with the table it opens
    story: list[Flowable] = heading(
        style, view.organization, view.subject, tr("Số liệu tại thời điểm {moment}", moment=view.generated)
    )
    story += _summary_page(style, view)
    story += _section(
        style,
        tr("I. Tỷ lệ thu hồi phiếu theo đơn vị"),
        rates_table(style, view.rates, view.rates_total, change=False),
        Spacer(1, 4 * mm),
        KeepTogether([rate_chart(view.chart), chart_legend(style)]),
    )
    story += _section(
        style,
        tr("II. Tỷ lệ thu hồi phiếu theo thủ tục hành chính"),
        _rate_table(style, view.procedure_rates, view.procedure_total, (tr("Mã thủ tục"), tr("Thủ tục"))),
    )
    story += _section(
        style,
        tr("III. Theo kênh gửi phiếu"),
        _channel_table(style, view),
        Paragraph(tr("Kênh: cách phiếu đến tay người nộp; hồ sơ chưa có phiếu không thuộc kênh nào."), style["small"]),
    )
    story += _section(
        style, tr("IV. Mức độ hài lòng theo đơn vị"), _score_table(style, view, view.by_unit, tr("Mã đơn vị"))
    )
    story += _section(
        style,
        tr("V. Mức độ hài lòng theo thủ tục hành chính"),
        _score_table(style, view, view.by_procedure, tr("Mã thủ tục")),
    )
    story += _section(
        style,
        tr("VI. Mức độ hài lòng theo từng nội dung (toàn đợt)"),
        _item_table(style, view.factors, view.overall_items),
    )
    previous = (
        tr("VII. So với đợt trước ({name})", name=view.previous_name)
        if view.previous_name
        else tr("VII. So với đợt trước")
    )
    story += _section(
        style,
        previous,
        _or_note(
            style, bool(view.previous_name), lambda: _change_table(style, view), tr("Chưa có số liệu của đợt trước.")
        ),
    )
    story += _section(
        style,
        tr("VIII. Góp ý của người nộp hồ sơ"),
        Paragraph(tr("Ý kiến viết (PDF điền trên máy, trực tuyến, nhập tay):"), style["lead"]),
        _or_note(style, bool(view.comments), lambda: _comment_table(style, view), tr("Không có ý kiến viết.")),
        Spacer(1, 3 * mm),
        Paragraph(tr("Phiếu giấy, fax: ô góp ý được lưu dạng ảnh, liệt kê theo mã phiếu."), style["lead"]),
        _or_note(style, bool(view.paper), lambda: _paper_table(style, view), tr("Không có phiếu giấy, fax nào.")),
    )
    story += _section(
        style,
        tr("IX. Kết quả đơn vị trực thuộc tự khảo sát"),
        _or_note(style, bool(view.imports), lambda: _import_table(style, view), tr("Chưa có đơn vị nào gửi kết quả.")),
        Spacer(1, 3 * mm),
        _or_note(style, bool(view.subunit_rows), lambda: _subunit_table(style, view), ""),
    )
    story.append(Paragraph(markup(tr(METHOD) + tr(DECISION_766)), style["small"]))
    return build_pdf(story, title=view.subject, footer=f"{view.organization} — {view.subject}")
