"""The fixed furniture of every form: header, section A, scale legend, how to send it back, footers.

Labels here are the Vietnamese every form prints; the values (names, codes, addresses)
are slots that the renderer fills per dossier.
"""

from __future__ import annotations

from ..errors import RenderError
from .fonts import text_width
from .geometry import (
    LEFT,
    MM,
    PAGE_WIDTH,
    QR_MODULE,
    RIGHT,
    TEXT_SIZE,
    TITLE_ROW,
    Flow,
    Frame,
    Item,
    Slot,
    Stroke,
    Text,
    centered_stroke,
    wrap,
    y_of,
)
from .layout import Rect
from .questionnaire import Questionnaire
from .wedge import WEDGE_BOTTOM, wedge_patches

ORG_CENTER = LEFT + 33 * MM
ORG_WIDTH = 66 * MM
NATION_CENTER = 121 * MM
CENTER = (LEFT + RIGHT) / 2
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RETURN_LINES = 6
LEADING = 4.2 * MM
# How to mark and how to correct, in the free band between the header and the title, left
# of the QR's quiet zone: it moves no box, so the layout map of a version stays the same.
HOW_TO_MARK = "Cách đánh dấu: dùng bút bi hoặc bút mực, đánh dấu ✗ vào một ô:"
HOW_TO_CORRECT = "Muốn sửa: tô kín ô đã đánh nhầm và đánh dấu ✗ vào ô đúng:"
HELP_TOPS = (41 * MM, 46.5 * MM)  # baselines, from the top edge
HELP_SIZE = 8.5
EXAMPLE_BOX = 3.4 * MM
WEDGE_LABEL = "Thang xám để máy đọc phiếu kiểm tra bản fax, bản quét"


def header_block(flow: Flow, questionnaire: Questionnaire) -> None:
    """Organisation and national header, title, subtitle and introduction (page 1)."""
    page = flow.page
    page.slots.append(Slot("parent", ORG_CENTER, y_of(22 * MM), ORG_WIDTH, 9, align="center"))
    page.slots.append(Slot("organization", ORG_CENTER, y_of(26.5 * MM), ORG_WIDTH, 9, True, "center", 2, 4 * MM))
    page.items.append(centered_stroke(ORG_CENTER, 32 * MM, 22 * MM))
    page.items.append(Text(NATION_CENTER, y_of(22 * MM), NATION, 8.5, True, "center"))
    page.items.append(Text(NATION_CENTER, y_of(26.5 * MM), MOTTO, 9, True, "center"))
    page.items.append(centered_stroke(NATION_CENTER, 27.7 * MM, 44 * MM))
    page.items.extend(marking_help(page.qr.x - QR_MODULE * 4 - 2 * MM))
    top = 60 * MM
    page.items.append(Text(CENTER, y_of(top), questionnaire.title, 14, True, "center"))
    for line in wrap(questionnaire.subtitle, True, 10, RIGHT - LEFT) if questionnaire.subtitle else []:
        top += 5.5 * MM
        page.items.append(Text(CENTER, y_of(top), line, 10, True, "center"))
    top += 2 * MM
    for line in wrap(questionnaire.intro, False, TEXT_SIZE, RIGHT - LEFT) if questionnaire.intro else []:
        top += LEADING
        page.items.append(Text(LEFT, y_of(top), line))
    flow.top = top + 3 * MM


def marking_help(right: float) -> list[Item]:
    """Two lines on how to mark and how to correct, each with tiny drawn examples: a crossed
    box; a filled box (the mistake) beside a crossed one (the answer), as the reader reads them."""
    mark_top, correct_top = HELP_TOPS
    items: list[Item] = [
        Text(LEFT, y_of(mark_top), HOW_TO_MARK, HELP_SIZE),
        Text(LEFT, y_of(correct_top), HOW_TO_CORRECT, HELP_SIZE),
    ]
    x = LEFT + text_width(HOW_TO_MARK, False, HELP_SIZE) + 2 * MM
    items.extend(_example_box(x, mark_top, filled=False))
    x = LEFT + text_width(HOW_TO_CORRECT, False, HELP_SIZE) + 2 * MM
    for word, filled in (("nhầm", True), ("đúng", False)):
        items.extend(_example_box(x, correct_top, filled))
        items.append(Text(x + EXAMPLE_BOX + 1 * MM, y_of(correct_top), word, 7.5))
        x += EXAMPLE_BOX + 1 * MM + text_width(word, False, 7.5) + 3 * MM
    if x > right:
        raise RenderError(f"dòng hướng dẫn đánh dấu dài quá chỗ trống trước mã QR ({x / MM:.0f} mm)")
    return items


def _example_box(x: float, baseline_top: float, filled: bool) -> list[Item]:
    """A box of ``EXAMPLE_BOX`` standing on the text's baseline: crossed, or filled solid."""
    rect = Rect(x, y_of(baseline_top) - 0.4 * MM, EXAMPLE_BOX, EXAMPLE_BOX)
    if filled:
        return [_solid(rect)]
    inset = EXAMPLE_BOX * 0.18
    low, high = rect.y + inset, rect.y + EXAMPLE_BOX - inset
    left, right = rect.x + inset, rect.x + EXAMPLE_BOX - inset
    return [Frame(rect, 0.5), Stroke(left, low, right, high, 0.8), Stroke(left, high, right, low, 0.8)]


def _solid(rect: Rect, grey: float = 0.0) -> Stroke:
    """``rect`` filled: a stroke as high as the rectangle, butt-capped, along its middle."""
    middle = rect.y + rect.height / 2
    return Stroke(rect.x, middle, rect.x + rect.width, middle, rect.height, grey)


def _label(flow: Flow, x: float, top: float, text: str) -> None:
    flow.page.items.append(Text(x, y_of(top), text))


def section_a_block(flow: Flow) -> None:
    """Section A: what the office prints about the dossier; nothing to answer."""
    height = TITLE_ROW + 4 * 5 * MM + 2 * MM
    top = flow.reserve(height)
    page = flow.page
    page.items.append(Frame(Rect(LEFT, y_of(top + height), RIGHT - LEFT, height), 0.6))
    page.items.append(Text(LEFT + 2 * MM, y_of(top + 5 * MM), "A. Thông tin hồ sơ (cơ quan ghi sẵn)", 9.5, True))
    row = top + TITLE_ROW + 4 * MM
    right = LEFT + 92 * MM
    _label(flow, LEFT + 2 * MM, row, "Mã hồ sơ:")
    page.slots.append(Slot("dossier_code", LEFT + 32 * MM, y_of(row), 58 * MM, 9.5, True))
    _label(flow, right, row, "Mã phiếu:")
    page.slots.append(Slot("survey_code", right + 18 * MM, y_of(row), 55 * MM, 10.5, True))
    _label(flow, LEFT + 2 * MM, row + 5 * MM, "Thủ tục:")
    page.slots.append(Slot("procedure", LEFT + 32 * MM, y_of(row + 5 * MM), 134 * MM, lines=2, leading=5 * MM))
    _label(flow, LEFT + 2 * MM, row + 15 * MM, "Đơn vị giải quyết:")
    page.slots.append(Slot("unit", LEFT + 32 * MM, y_of(row + 15 * MM), 58 * MM))
    _label(flow, right, row + 15 * MM, "Đợt khảo sát:")
    page.slots.append(Slot("round_name", right + 23 * MM, y_of(row + 15 * MM), 50 * MM))


def legend_block(flow: Flow, lines: list[str]) -> None:
    """How to read the short labels above the rating columns."""
    wrapped = [part for line in lines for part in wrap(f"Mức đánh giá: {line}", False, 8, RIGHT - LEFT)]
    if not wrapped:
        return
    top = flow.reserve(len(wrapped) * LEADING)
    for index, line in enumerate(wrapped):
        flow.page.items.append(Text(LEFT, y_of(top + (index + 0.8) * LEADING), line, 8))


def return_block(flow: Flow) -> None:
    """How to send the form back; the channels and addresses are personalised slots."""
    height = TITLE_ROW + RETURN_LINES * 3.8 * MM + 6 * MM
    top = flow.reserve(height)
    page = flow.page
    page.items.append(Text(LEFT, y_of(top + 5 * MM), "Cách gửi lại phiếu", 9.5, True))
    first = top + TITLE_ROW + 3 * MM
    page.slots.append(
        Slot(
            "return",
            LEFT + 2 * MM,
            y_of(first),
            RIGHT - LEFT - 4 * MM,
            8.5,
            lines=RETURN_LINES,
            leading=3.8 * MM,
        )
    )
    thanks = first + RETURN_LINES * 3.8 * MM + 1.5 * MM
    page.items.append(Text(CENTER, y_of(thanks), "Trân trọng cảm ơn Ông/Bà!", 9.5, True, "center"))


def continuation_items(title: str) -> list[Item]:
    """The top of a second page: which form it continues (the code is a slot)."""
    return [
        Text(LEFT, y_of(25 * MM), f"{title} (tiếp theo)", 10, True),
        Text(LEFT, y_of(31 * MM), "Mã phiếu:"),
    ]


def continuation_slot() -> Slot:
    return Slot("survey_code", LEFT + 18 * MM, y_of(31 * MM), 55 * MM, 10.5, True)


def footer_items(number: int, total: int) -> list[Item]:
    """The page number, and the grey wedge that shows how a fax or a black-and-white scanner
    cut the page (survey/wedge.py)."""
    patches = wedge_patches()
    items: list[Item] = [_solid(rect, grey / 255) for rect, grey in patches]
    items.append(Text(patches[0][0].x, WEDGE_BOTTOM - 2.6 * MM, WEDGE_LABEL, 6))
    items.append(Text(PAGE_WIDTH / 2, 13 * MM, f"Trang {number}/{total}", 8, align="center"))
    return items
