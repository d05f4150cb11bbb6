"""Report PDFs with reportlab: the status report, and the pieces the round report reuses.

A4 landscape, the shipped DejaVu faces (never a system font), a table per round and a
horizontal bar chart of each unit's return rate with its target marked, drawn with
reportlab's own graphics. Text from outside (names, codes, titles from the config) goes
into a Paragraph escaped (``literal.markup``) and wraps within its column: a code breaks
after its hyphens (``code_cell``), any longer word where it must.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..language import tr
from ..survey.fonts import BOLD, REGULAR, register_fonts, text_width
from .literal import markup
from .rates_format import NO_RATE, percent
from .status_view import HEADERS, PAPER_UNCONFIRMED, RESENT_SHORT, UNCERTAIN, RoundView, RowView, StatusView, headers

PAGE = landscape(A4)
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN
NAVY = colors.HexColor("#1f3864")
LIGHT = colors.HexColor("#dde4f0")
STRIPE = colors.HexColor("#f5f7fa")
GRID = colors.HexColor("#c8cdd6")
RED = colors.HexColor("#b3261e")
PINK = colors.HexColor("#fdecea")
GREEN = colors.HexColor("#2e7d4f")
GREY = colors.HexColor("#555555")
PADDING = 4  # left and right in a table cell
FOOTER_SIZE = 8
_CODE_PIECES = re.compile(r"[^-]*-+|[^-]+")  # "CHI-CUC-TDC" → "CHI-", "CUC-", "TDC"


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=GREY),
        "org": ParagraphStyle("org", parent=base, fontName=BOLD, fontSize=10.5, textColor=GREY),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=22, textColor=NAVY),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12.5, leading=16, textColor=NAVY, keepWithNext=1
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
        "code": ParagraphStyle("code", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=9, leading=11, textColor=colors.white),
        "head_right": ParagraphStyle(
            "head_right", parent=base, fontName=BOLD, fontSize=9, leading=11, textColor=colors.white, alignment=TA_RIGHT
        ),
        "alert": ParagraphStyle("alert", parent=base, textColor=RED),
        "ok": ParagraphStyle("ok", parent=base, textColor=GREEN),
    }


def build_pdf(story: Sequence[Flowable], *, title: str, footer: str) -> bytes:
    """Lay out ``story`` on A4 landscape pages with a footer line and page numbers."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author=footer,
        creator="khaosat",
    )
    draw_footer = _footer(footer)
    document.build(list(story), onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


def _footer(text: str) -> Callable[[Canvas, Any], None]:
    def draw(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.line(MARGIN, MARGIN, PAGE[0] - MARGIN, MARGIN)
        canvas.setFont(REGULAR, FOOTER_SIZE)
        canvas.setFillColor(GREY)
        page = tr("Trang {page}", page=document.page)
        room = WIDTH - text_width(page, False, FOOTER_SIZE) - 6 * mm
        canvas.drawString(MARGIN, MARGIN - 11, _fit(text, room, FOOTER_SIZE))
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 11, page)
        canvas.restoreState()

    return draw


def heading(style: dict[str, ParagraphStyle], organization: str, title: str, subtitle: str) -> list[Flowable]:
    return [
        Paragraph(markup(organization.upper()), style["org"]),
        Spacer(1, 2 * mm),
        Paragraph(markup(title.upper()), style["title"]),
        Paragraph(markup(subtitle), style["small"]),
        Spacer(1, 5 * mm),
    ]


def grid_table(
    rows: list[list[Any]], widths: Sequence[float], *, marked: Sequence[int] = (), total: bool = True
) -> Table:
    """A table with a navy header row, striped body, red-tinted ``marked`` rows and a bold total row."""
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BOX", (0, 0), (-1, -1), 0.8, NAVY),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    last = len(rows) - 1
    for index in range(1, len(rows)):
        if index in marked:
            commands.append(("BACKGROUND", (0, index), (-1, index), PINK))
        elif index % 2 == 0 and not (total and index == last):
            commands.append(("BACKGROUND", (0, index), (-1, index), STRIPE))
    if total:
        commands += [("BACKGROUND", (0, last), (-1, last), LIGHT), ("FONT", (0, last), (-1, last), BOLD, 9)]
    table.setStyle(TableStyle(commands))
    return table


def header_row(style: dict[str, ParagraphStyle], headers: Sequence[str], size: float = 9) -> list[Paragraph]:
    """Header cells: the first two left-aligned (code, name), the figures right-aligned."""
    cells = []
    for index, text in enumerate(headers):
        base = style["head"] if index < 2 else style["head_right"]
        cells.append(
            Paragraph(markup(text), ParagraphStyle(f"{base.name}-{size}", parent=base, fontSize=size, leading=size + 2))
        )
    return cells


def code_cell(style: dict[str, ParagraphStyle], code: str, column: float) -> Paragraph:
    """A code in a column ``column`` wide, broken after its hyphens where it must ("CHI-CUC-TIEU-…").

    reportlab breaks lines at spaces only (and a word too long for a line anywhere), so the
    lines are made here; a piece still too long is split by reportlab.
    """
    cell = style["code"]
    room = column - 2 * PADDING
    lines = [""]
    for piece in _CODE_PIECES.findall(code):
        if lines[-1] and text_width(lines[-1] + piece, False, cell.fontSize) > room:
            lines.append(piece)
        else:
            lines[-1] += piece
    return Paragraph("<br/>".join(markup(line) for line in lines), cell)


def name_cell(style: dict[str, ParagraphStyle], name: str) -> Paragraph:
    return Paragraph(markup(name), style["cell"])


def rates_rows(
    style: dict[str, ParagraphStyle], rows: Sequence[RowView], total: RowView, code_column: float
) -> list[list[Any]]:
    body: list[list[Any]] = [
        [
            code_cell(style, row.unit, code_column),
            name_cell(style, row.name),
            *row.cells()[:3],
            _rate_cell(row),
            *row.cells()[4:],
        ]
        for row in rows
    ]
    return [*body, [tr("Tổng cộng"), "", *total.cells()[:3], _rate_cell(total), *total.cells()[4:]]]


def _rate_cell(row: RowView) -> str:
    return f"{row.rate} ✗" if row.below else row.rate


RATE_WIDTHS = (24 * mm, 78 * mm, 18 * mm, 18 * mm, 22 * mm, 22 * mm, 20 * mm, 20 * mm, 18 * mm, 26 * mm)


def rates_table(
    style: dict[str, ParagraphStyle], rows: Sequence[RowView], total: RowView, *, change: bool = True
) -> Table:
    """The rates of each unit and the total; rows below target tinted, their rate in red."""
    columns = len(HEADERS) if change else len(HEADERS) - 2
    widths = RATE_WIDTHS[:columns] if change else (RATE_WIDTHS[0], RATE_WIDTHS[1] + 44 * mm, *RATE_WIDTHS[2:columns])
    body = [header_row(style, headers()[:columns])]
    body += [row[:columns] for row in rates_rows(style, rows, total, widths[0])]
    marked = [index + 1 for index, row in enumerate(rows) if row.below]
    table = grid_table(body, widths, marked=marked)
    for index in marked:
        table.setStyle(TableStyle([("TEXTCOLOR", (5, index), (5, index), RED), ("FONT", (5, index), (5, index), BOLD)]))
    return table


def rate_chart(rates: Sequence[tuple[str, str, float | None, float]], width: float = WIDTH) -> Drawing:
    """Horizontal bars of (code, name, rate, target): green at or over the target, red under it;
    no bar and "—" for a unit that has sent nothing (rate None)."""
    register_fonts()
    label_width, bar_height, gap, top, bottom = 75 * mm, 12.0, 7.0, 8.0, 22.0
    plot = width - label_width - 40
    height = bottom + top + len(rates) * (bar_height + gap)
    drawing = Drawing(width, height)
    for tick in range(0, 101, 20):
        x = label_width + plot * tick / 100
        drawing.add(Line(x, bottom - 3, x, height - top + 2, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(x, bottom - 13, f"{tick}%", fontName=REGULAR, fontSize=7.5, textAnchor="middle"))
    for index, (code, name, rate, target) in enumerate(rates):
        y = height - top - (index + 1) * (bar_height + gap) + gap / 2
        label = _fit(f"{code} · {name}", label_width - 8, 8.5)
        drawing.add(String(label_width - 6, y + 3, label, fontName=REGULAR, fontSize=8.5, textAnchor="end"))
        if rate is None:
            drawing.add(String(label_width + 4, y + 3, NO_RATE, fontName=BOLD, fontSize=8))
        else:
            fill = GREEN if rate >= target else RED
            drawing.add(Rect(label_width, y, plot * min(rate, 1.0), bar_height, fillColor=fill, strokeColor=None))
            bar_end = label_width + plot * min(rate, 1.0) + 4
            drawing.add(String(bar_end, y + 3, percent(rate), fontName=BOLD, fontSize=8))
        x = label_width + plot * target
        drawing.add(Line(x, y - 2, x, y + bar_height + 2, strokeColor=NAVY, strokeWidth=1.6, strokeDashArray=[3, 2]))
    drawing.add(Line(label_width, bottom - 3, label_width, height - top + 2, strokeColor=GREY, strokeWidth=0.8))
    return drawing


def chart_legend(style: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(
        tr(
            "Thanh <font color='#2e7d4f'>xanh</font>: đạt chỉ tiêu; thanh <font color='#b3261e'>đỏ</font>: chưa đạt; "
            "vạch đứt nét: chỉ tiêu của đơn vị."
        ),
        style["small"],
    )


def _fit(text: str, width: float, size: float) -> str:
    if text_width(text, False, size) <= width:
        return text
    while text and text_width(text + "…", False, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _round_story(style: dict[str, ParagraphStyle], view: RoundView) -> list[Flowable]:
    summary = tr(
        "Hạn chót <b>{deadline}</b> — <b>{days}</b>. Tỷ lệ chung <b>{rate}</b> "
        "({returned}/{sent} phiếu); còn thiếu <b>{needed}</b> phiếu để đạt chỉ tiêu.",
        deadline=markup(view.deadline),
        days=markup(view.days),
        rate=view.total.rate,
        returned=view.total.returned,
        sent=view.total.sent,
        needed=view.total.needed,
    )
    below = (
        Paragraph(
            tr(
                "<b>Chưa đạt chỉ tiêu ({count}):</b> {names}.",
                count=len(view.below),
                names=markup(", ".join(view.below)),
            ),
            style["alert"],
        )
        if view.below
        else Paragraph(tr("<b>Tất cả đơn vị đã đạt chỉ tiêu.</b>"), style["ok"])
    )
    names = {row.unit: row.name for row in view.rows}
    chart = rate_chart([(code, names[code], rate, target) for code, rate, target in view.rates])
    return [
        Paragraph(markup(tr("Đợt {name} ({period})", name=view.name, period=view.period)), style["h2"]),
        Paragraph(summary, style["body"]),
        Spacer(1, 2 * mm),
        rates_table(style, view.rows, view.total),
        Paragraph(markup(view.compared), style["small"]),
        Spacer(1, 1.5 * mm),
        below,
        Spacer(1, 4 * mm),
        KeepTogether([Paragraph(tr("Tỷ lệ thu hồi phiếu theo đơn vị"), style["h2"]), chart, chart_legend(style)]),
        Spacer(1, 6 * mm),
    ]


def status_pdf(view: StatusView) -> bytes:
    style = styles()
    story = heading(style, view.organization, view.title, tr("Số liệu tại thời điểm {moment}", moment=view.generated))
    if not view.rounds:
        story.append(Paragraph(tr("Hiện chưa có đợt khảo sát nào có hồ sơ."), style["body"]))
    for round_view in view.rounds:
        story += _round_story(style, round_view)
    story += [
        Paragraph(tr("Việc cần xử lý"), style["h2"]),
        Paragraph(tr("Phiếu chờ người xem xét: <b>{count}</b>", count=view.review_open), style["body"]),
        Paragraph(
            f"{tr(UNCERTAIN)}: <b>{view.uncertain}</b> ({tr(RESENT_SHORT)}: <b>{view.resent}</b>)", style["body"]
        ),
        Paragraph(f"{tr(PAPER_UNCONFIRMED)}: <b>{view.paper_unconfirmed}</b>", style["body"]),
        Spacer(1, 3 * mm),
        Paragraph(
            tr(
                "✗: chưa đạt chỉ tiêu; —: chưa gửi được phiếu nào, chưa có tỷ lệ. "
                "Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu. "
                "± Phiếu, ± Tỷ lệ: thay đổi số phiếu trả lời và tỷ lệ (điểm phần trăm) so với báo cáo trước."
            ),
            style["small"],
        ),
    ]
    footer = tr("{organization} — {title} — ngày {day}", organization=view.organization, title=view.title, day=view.day)
    return build_pdf(story, title=view.subject, footer=footer)
