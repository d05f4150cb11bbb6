"""The fixed furniture of every form: header, section A, scale legend, how to send it back, footers.

Labels here are the Vietnamese every form prints; the values (names, codes, addresses)
are slots that the renderer fills per dossier.
"""

from __future__ import annotations

from .geometry import (
    LEFT,
    MM,
    PAGE_WIDTH,
    RIGHT,
    TEXT_SIZE,
    TITLE_ROW,
    Flow,
    Frame,
    Item,
    Slot,
    Text,
    centered_stroke,
    wrap,
    y_of,
)
from .layout import Rect
from .questionnaire import Questionnaire

ORG_CENTER = LEFT + 33 * MM
ORG_WIDTH = 66 * MM
NATION_CENTER = 121 * MM
CENTER = (LEFT + RIGHT) / 2
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RETURN_LINES = 6
LEADING = 4.2 * MM


def header_block(flow: Flow, questionnaire: Questionnaire) -> None:
    """Organisation and national header, title, subtitle and introduction (page 1)."""
    page = flow.page
    page.slots.append(Slot("parent", ORG_CENTER, y_of(22 * MM), ORG_WIDTH, 9, align="center"))
    page.slots.append(Slot("organization", ORG_CENTER, y_of(26.5 * MM), ORG_WIDTH, 9, True, "center", 2, 4 * MM))
    page.items.append(centered_stroke(ORG_CENTER, 32 * MM, 22 * MM))
    page.items.append(Text(NATION_CENTER, y_of(22 * MM), NATION, 8.5, True, "center"))
    page.items.append(Text(NATION_CENTER, y_of(26.5 * MM), MOTTO, 9, True, "center"))
    page.items.append(centered_stroke(NATION_CENTER, 27.7 * MM, 44 * MM))
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
    return [Text(PAGE_WIDTH / 2, 13 * MM, f"Trang {number}/{total}", 8, align="center")]
