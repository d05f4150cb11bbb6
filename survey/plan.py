"""The plan of a form version: where everything goes, decided once from the questionnaire.

``plan_form`` is pure: it walks the questionnaire and places blocks (header, section A,
one block per section, how to send the form back) top to bottom on at most two A4 pages.
It returns drawing items for the unchanging part, the answer boxes and writing areas of
the layout map, and the *slots* where personalised text goes. A slot has a fixed place
and a fixed number of lines, so no personalised text ever moves a box.
"""

from __future__ import annotations

from ..errors import RenderError
from .fonts import register_fonts, text_width
from .furniture import (
    continuation_items,
    continuation_slot,
    footer_items,
    header_block,
    legend_block,
    return_block,
    section_a_block,
)
from .geometry import (
    BOX,
    COLUMN,
    COMMENT_HEIGHT,
    INLINE_X,
    LEFT,
    MM,
    RIGHT,
    ROW,
    TABLE_X,
    TEXT_SIZE,
    TITLE_ROW,
    Flow,
    FormPlan,
    Frame,
    PagePlan,
    Stroke,
    Text,
    wrap,
    y_of,
)
from .layout import Box, Rect
from .questionnaire import Question, Questionnaire, Section


def _is_table(section: Section) -> bool:
    questions = section.questions
    if not questions or any(q.kind != "choice" for q in questions):
        return False
    first = questions[0].options
    return all(q.options == first for q in questions) and all(o.short for o in first)


def _title_row(page: PagePlan, title: str, top: float) -> None:
    page.items.append(Text(LEFT, y_of(top + 5 * MM), title, 9.5, bold=True))
    page.items.append(Stroke(LEFT, y_of(top + TITLE_ROW - 0.5 * MM), RIGHT, y_of(top + TITLE_ROW - 0.5 * MM), 0.6))


def _question_text(page: PagePlan, text: str, top: float, width: float) -> None:
    """The question's text beside its boxes: one line centred on them, or two around them."""
    lines = wrap(text, False, TEXT_SIZE, width)
    if len(lines) > 2:
        raise RenderError(f"nội dung câu hỏi quá dài cho một hàng: {text!r}")
    baseline = top + ROW / 2 + (1.1 * MM if len(lines) == 1 else -0.9 * MM)
    for index, line in enumerate(lines):
        page.items.append(Text(LEFT + 2 * MM, y_of(baseline + index * 3.9 * MM), line))


def _add_box(page: PagePlan, question: Question, value: str, x: float, row_top: float) -> None:
    rect = Rect(x, y_of(row_top + (ROW + BOX) / 2), BOX, BOX)
    page.boxes.append(Box(question.code, value, rect))
    page.items.append(Frame(rect))


def _table_block(flow: Flow, section: Section) -> None:
    top = flow.reserve(TITLE_ROW + ROW * len(section.questions))
    page = flow.page
    _title_row(page, section.title, top)
    for column, option in enumerate(section.questions[0].options):
        center = TABLE_X + column * COLUMN + BOX / 2
        page.items.append(Text(center, y_of(top + 5 * MM), option.box_label, 8.5, True, "center"))
    for index, question in enumerate(section.questions):
        row_top = top + TITLE_ROW + index * ROW
        _question_text(page, question.text, row_top, TABLE_X - LEFT - 5 * MM)
        for column, option in enumerate(question.options):
            _add_box(page, question, option.value, TABLE_X + column * COLUMN, row_top)
        rule = y_of(row_top + ROW)
        page.items.append(Stroke(LEFT, rule, RIGHT, rule, 0.3, 0.6))


def _inline_block(flow: Flow, section: Section) -> None:
    top = flow.reserve(TITLE_ROW + ROW * len(section.questions))
    page = flow.page
    _title_row(page, section.title, top)
    for index, question in enumerate(section.questions):
        row_top = top + TITLE_ROW + index * ROW
        _question_text(page, question.text, row_top, INLINE_X - LEFT - 5 * MM)
        x = INLINE_X
        for option in question.options:
            _add_box(page, question, option.value, x, row_top)
            label_x = x + BOX + 1.5 * MM
            page.items.append(Text(label_x, y_of(row_top + ROW / 2 + 1.1 * MM), option.label, 8.5))
            x = label_x + text_width(option.label, False, 8.5) + 7 * MM
        if x - 7 * MM > RIGHT:
            raise RenderError(f"câu {question.code}: các lựa chọn không vừa một dòng")


def _comment_block(flow: Flow, section: Section) -> None:
    for question in section.questions:
        top = flow.reserve(TITLE_ROW + COMMENT_HEIGHT)
        page = flow.page
        title = section.title if question is section.questions[0] else question.text
        _title_row(page, title, top)
        rect = Rect(LEFT, y_of(top + TITLE_ROW + COMMENT_HEIGHT), RIGHT - LEFT, COMMENT_HEIGHT - 1 * MM)
        page.text_areas[question.code] = rect
        page.items.append(Frame(rect, 0.6))


def _section_block(flow: Flow, section: Section) -> None:
    if all(q.kind == "text" for q in section.questions):
        _comment_block(flow, section)
    elif _is_table(section):
        _table_block(flow, section)
    elif any(q.kind == "text" for q in section.questions):
        raise RenderError(f"phần {section.code} trộn câu trả lời bằng chữ với câu chọn đáp án")
    else:
        _inline_block(flow, section)


def _legend_lines(questionnaire: Questionnaire) -> list[str]:
    """One line per scale whose boxes carry short labels: '1 = Rất không hài lòng; …'."""
    seen: list[str] = []
    for section in questionnaire.sections:
        if _is_table(section):
            options = section.questions[0].options
            line = "; ".join(f"{o.short} = {o.label}" for o in options if o.short != o.label)
            if line and not any(line in known for known in seen):
                seen = [known for known in seen if known not in line] + [line]
    return seen


def plan_form(questionnaire: Questionnaire, qr_version: int) -> FormPlan:
    """Place every element of the form of ``questionnaire`` (see the module docstring)."""
    register_fonts()
    flow = Flow(qr_version)
    header_block(flow, questionnaire)
    section_a_block(flow)
    legend_block(flow, _legend_lines(questionnaire))
    for section in questionnaire.sections:
        _section_block(flow, section)
    return_block(flow)
    for page in flow.pages:
        page.items.extend(footer_items(page.number, len(flow.pages)))
        if page.number > 1:
            page.items.extend(continuation_items(questionnaire.title))
            page.slots.append(continuation_slot())
    return FormPlan(flow.pages, qr_version)
