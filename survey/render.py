"""The personalised survey form: an A4 PDF of at most two pages, and its layout map.

``FormRenderer`` does all once-per-version work when it is made: it plans the pages
(``plan.py``), builds the layout map the intake reads scans with, and renders the
unchanging part once (``template.py``). ``render`` then only stamps what differs per
dossier (names, codes, addresses, the QR code) into fixed places: about a millisecond.

The QR square is part of the version's layout and never changes size. Without ``[web]
base_url`` it holds ``KS/<version>/<code>`` at 1.25 mm a module; with one, the form's web
link (``links.qr_link``), whose smaller modules stay above ``MIN_LINK_MODULE``
(bench/README.md, "QR code"), so turning the web channel on or off moves nothing.

Every answer box is also an AcroForm radio widget (field name = question code, export
value = option value) over exactly the printed box; the comment is a text field.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..errors import RenderError
from ..models import FormLayout, utcnow
from ..text import nfc
from .codes import display_code, qr_payload
from .fonts import text_width
from .geometry import MM, PAGE_HEIGHT, PAGE_WIDTH, Slot
from .layout import LayoutMap, PageLayout
from .links import code_entry_link, qr_link
from .plan import FormPlan, plan_form
from .questionnaire import Questionnaire, load_questionnaire
from .stamp import page_content
from .symbols import link_matrix, qr_matrix, qr_version
from .template import HOLE_SIZE, build_template

if TYPE_CHECKING:
    from ..settings import Settings

log = logging.getLogger(__name__)
SAMPLE_CODE = "0" * 8  # every survey code has 8 symbols: the QR symbol size depends on it only
# The smallest QR module a web link may get in a version's QR square: 0.795 mm is what an
# 80-character link gets in the smallest square (bench/README.md, "QR code").
MIN_LINK_MODULE = 0.75 * MM
# Words that start a place name ("tỉnh Lâm Đồng"); a place name is never split across lines.
PLACE_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường")  # not "xã": "hợp tác xã"


@dataclass(frozen=True)
class FormContext:
    """What is printed on one form besides the questionnaire."""

    organization: str
    parent: str
    survey_code: str | None  # None: a blank counter form
    dossier_code: str = ""
    procedure: str = ""
    unit: str = ""
    round_name: str = ""
    return_email: str = ""
    return_fax: str = ""
    return_address: str = ""
    website: str = ""
    base_url: str = ""  # [web] base_url: the QR opens the form on a phone; "" keeps KS/<version>/<code>


def context_from_settings(
    settings: Settings,
    *,
    survey_code: str | None = None,
    dossier_code: str = "",
    procedure: str = "",
    unit: str = "",
    round_name: str = "",
) -> FormContext:
    organization = settings.organization
    return FormContext(
        organization=organization.name,
        parent=organization.parent,
        survey_code=survey_code,
        dossier_code=dossier_code,
        procedure=procedure,
        unit=unit,
        round_name=round_name,
        return_email=settings.survey.return_email or settings.smtp.reply_to,
        return_fax=organization.fax,
        return_address=settings.survey.return_address or organization.address,
        website=organization.website,
        base_url=settings.web.base_url,
    )


def _nfc(text: str) -> str:
    return nfc(" ".join(text.split()))


def return_paragraphs(context: FormContext, code: str) -> list[str]:
    """How to send the form back, one paragraph per channel the office offers."""
    lines = []
    if context.return_email:
        lines.append(
            f"• Thư điện tử: trả lời thư đã nhận (hoặc gửi đến {context.return_email}), đính kèm tệp "
            "phiếu PDF đã điền trên máy, hoặc ảnh chụp, bản quét phiếu đã điền."
        )
    if context.return_fax:
        lines.append(f"• Fax: gửi phiếu đã điền đến số {context.return_fax}.")
    if context.return_address:
        lines.append(f"• Bưu điện: gửi phiếu về {context.organization}, {context.return_address}.")
    lines.append(
        "• Trực tiếp: bỏ phiếu vào hộp phiếu hoặc nộp tại nơi tiếp nhận hồ sơ (Trung tâm Phục vụ hành chính công tỉnh)."
    )
    if context.base_url and code:
        typed = code_entry_link(context.base_url).removeprefix("https://")  # a browser adds it back
        lines.append(f"• Trực tuyến: quét mã QR bằng điện thoại, hoặc vào {typed} và nhập mã phiếu {code}.")
    elif context.website:
        lines.append(f"• Trực tuyến: trả lời tại {context.website}" + (f" với mã phiếu {code}." if code else "."))
    return [_nfc(line) for line in lines]


def _place_words(words: list[str]) -> list[str]:
    """``words`` with each place name ("tỉnh Lâm Đồng", up to a comma, "và" or the next one) as one item."""
    items: list[str] = []
    in_place = False
    index = 0
    while index < len(words):
        length = _place_word_at(words, index)
        if length:
            items.append(" ".join(words[index : index + length]))
            in_place = True
        elif in_place and words[index].casefold() != "và":
            items[-1] += " " + words[index]
        else:
            items.append(words[index])
            in_place = False
        index += length or 1
        if items[-1].endswith((",", ";")):
            in_place = False
    return items


def _place_word_at(words: list[str], index: int) -> int:
    """How many words a place word starting at ``index`` has (0: none starts there)."""
    for place in PLACE_WORDS:
        parts = place.split()
        if [word.casefold() for word in words[index : index + len(parts)]] == parts:
            return len(parts)
    return 0


def keep_places_whole(text: str, slot: Slot) -> str:
    """``text`` with line breaks that keep place names whole, when it needs more than one
    line of ``slot`` and each place name fits on one ("SỞ KHOA HỌC VÀ CÔNG NGHỆ" /
    "TỈNH LÂM ĐỒNG", never "… TỈNH LÂM" / "ĐỒNG")."""
    if slot.lines == 1 or text_width(text, slot.bold, slot.size) <= slot.width:
        return text
    items = _place_words(text.split())
    if any(text_width(item, slot.bold, slot.size) > slot.width for item in items if " " in item):
        return text
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]} {item}" if lines else item
        if lines and text_width(joined, slot.bold, slot.size) <= slot.width:
            lines[-1] = joined
        else:
            lines.append(item)
    return "\n".join(lines)


def slot_values(context: FormContext) -> dict[str, list[str]]:
    code = display_code(context.survey_code) if context.survey_code else ""
    values = {
        "parent": context.parent.upper(),
        "organization": context.organization.upper(),
        "dossier_code": context.dossier_code,
        "procedure": context.procedure,
        "unit": context.unit,
        "survey_code": code,
        "round_name": context.round_name,
    }
    result = {name: [_nfc(value)] if value.strip() else [] for name, value in values.items()}
    result["return"] = return_paragraphs(context, code)
    return result


def _layout_map(version: str, plan: FormPlan) -> LayoutMap:
    pages = tuple(
        PageLayout(page.number, page.markers, page.qr, tuple(page.boxes), dict(page.text_areas)) for page in plan.pages
    )
    return LayoutMap(version, PAGE_WIDTH, PAGE_HEIGHT, pages)


class FormRenderer:
    """Renders the forms of one questionnaire version (see the module docstring)."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.version = questionnaire.version
        self.qr_version = qr_version(qr_payload(self.version, SAMPLE_CODE))
        self.plan = plan_form(questionnaire, self.qr_version)
        self.layout = _layout_map(self.version, self.plan)
        self.template = build_template(self.plan, questionnaire.title)
        self.qr_side = self.layout.pages[0].qr.width

    def qr_cells(self, context: FormContext) -> tuple[tuple[bool, ...], ...]:
        """The QR of ``context``'s form: its web link, or ``KS/<version>/<code>`` without a web
        channel and on a blank counter form (no code: nothing online to open)."""
        if not (context.base_url and context.survey_code):
            return qr_matrix(qr_payload(self.version, context.survey_code), self.qr_version)
        link = qr_link(context.base_url, self.version, context.survey_code)
        cells = link_matrix(link)
        if self.qr_side / len(cells) < MIN_LINK_MODULE:
            raise RenderError(
                f"mã QR của phiếu phiên bản {self.version} không chứa được {link!r}: hãy rút ngắn [web] base_url"
            )
        return cells

    def render(self, context: FormContext) -> bytes:
        """One personalised PDF."""
        cells = self.qr_cells(context)
        values = slot_values(context)
        template = self.template
        pdf = bytearray(template.pdf)
        for page, hole in zip(self.plan.pages, template.holes, strict=True):
            fitted = {slot.name: [keep_places_whole(text, slot) for text in values[slot.name]] for slot in page.slots}
            content = page_content(page.slots, fitted, template.glyphs, cells, page.qr)
            if len(content) > HOLE_SIZE:
                raise RenderError(
                    f"trang {page.number}: phần riêng của phiếu dài {len(content)} byte, "
                    f"quá chỗ dành sẵn {HOLE_SIZE} byte"
                )
            pdf[hole : hole + HOLE_SIZE] = content.ljust(HOLE_SIZE)
        start, end = template.id_span
        digest = hashlib.md5(repr(context).encode(), usedforsecurity=False).hexdigest().upper()
        pdf[start:end] = f"{digest}><{digest}".encode()
        return bytes(pdf)


def ensure_layout(session: Session, renderer: FormRenderer) -> None:
    """Store the layout map of the renderer's version, or check the stored one still holds.

    The same version with another questionnaire, or another layout, is refused: forms
    already sent must stay readable with the map stored for their version. The row is
    flushed; the caller commits it with its own work.
    """
    questionnaire = renderer.questionnaire
    row = session.get(FormLayout, renderer.version)
    if row is None:
        row = FormLayout(
            version=renderer.version,
            content_hash=questionnaire.content_hash,
            questionnaire=questionnaire.to_json(),
            layout=renderer.layout.to_json(),
            created_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(row)
            log.info("stored the layout map of form version %s", renderer.version)
            return
        except IntegrityError:  # another process stored it first
            row = session.get(FormLayout, renderer.version, populate_existing=True)
            assert row is not None
    _check_layout(row, renderer)


def _check_layout(row: FormLayout, renderer: FormRenderer) -> None:
    if row.content_hash != renderer.questionnaire.content_hash:
        raise RenderError(
            f"phiếu phiên bản {renderer.version}: bộ câu hỏi đã đổi mà phiên bản chưa đổi; hãy đặt phiên bản mới"
        )
    if LayoutMap.from_json(row.layout) != renderer.layout:
        raise RenderError(
            f"phiếu phiên bản {renderer.version}: bố cục phiếu đã đổi mà phiên bản chưa đổi; hãy đặt phiên bản mới"
        )


@cache
def renderer_for(questionnaire_path: str = "") -> FormRenderer:
    """The renderer of the configured questionnaire, made once per process."""
    return FormRenderer(load_questionnaire(questionnaire_path))
