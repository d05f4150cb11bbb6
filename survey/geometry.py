"""Geometry primitives of the form: units, drawing items, slots and the page flow.

Everything is in PDF points with the origin at the bottom-left corner, as in the layout
map; ``y_of`` converts a distance from the top edge, which is how the flow counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit

from ..errors import RenderError
from .fonts import face
from .layout import MM, Box, Marker, Rect, marker_id

PAGE_WIDTH, PAGE_HEIGHT = A4
MAX_PAGES = 2

MARKER_SIZE = 9 * MM  # black square of an ArUco marker
MARKER_INSET = 8 * MM  # from the page edge to the marker
QR_MODULE = 1.25 * MM
QR_RIGHT = 186 * MM  # right edge of the QR symbol, from the left page edge
QR_TOP = 21 * MM  # top edge of the QR symbol, from the top page edge

LEFT = 20 * MM
RIGHT = 190 * MM
BOTTOM_LIMIT = 22 * MM  # content never goes lower (bottom markers and footer below)
BOX = 5.5 * MM  # answer box side
ROW = 8.5 * MM  # rating row pitch: 3 mm between boxes
COLUMN = 11 * MM  # rating column pitch: 5.5 mm between boxes
TABLE_X = 122 * MM  # left edge of the first rating column
INLINE_X = 88 * MM  # left edge of the first inline option
TITLE_ROW = 7 * MM
GAP = 2 * MM
COMMENT_HEIGHT = 24 * MM
TEXT_SIZE = 9.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, PDF points from the bottom
    text: str
    size: float = TEXT_SIZE
    bold: bool = False
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Stroke:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.4
    grey: float = 0.0


@dataclass(frozen=True)
class Frame:
    rect: Rect
    width: float = 0.8


@dataclass(frozen=True)
class Slot:
    """A place for personalised text: the first baseline at ``y``, at most ``lines`` lines."""

    name: str
    x: float
    y: float
    width: float
    size: float = TEXT_SIZE
    bold: bool = False
    align: str = "left"
    lines: int = 1
    leading: float = 4.2 * MM


Item = Text | Stroke | Frame


@dataclass
class PagePlan:
    number: int
    items: list[Item] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    text_areas: dict[str, Rect] = field(default_factory=dict)
    slots: list[Slot] = field(default_factory=list)
    markers: tuple[Marker, ...] = ()
    qr: Rect = field(default_factory=lambda: Rect(0, 0, 0, 0))


@dataclass
class FormPlan:
    pages: list[PagePlan]
    qr_version: int


def y_of(top: float) -> float:
    """PDF y of a distance ``top`` from the top edge."""
    return PAGE_HEIGHT - top


def corner_markers(page: int) -> tuple[Marker, ...]:
    low, high = MARKER_INSET, PAGE_WIDTH - MARKER_INSET - MARKER_SIZE
    bottom, top = MARKER_INSET, PAGE_HEIGHT - MARKER_INSET - MARKER_SIZE
    spots = ((low, top), (high, top), (high, bottom), (low, bottom))  # CORNERS order
    return tuple(
        Marker(marker_id(page, corner), Rect(x, y, MARKER_SIZE, MARKER_SIZE)) for corner, (x, y) in enumerate(spots)
    )


def qr_rect(qr_version: int) -> Rect:
    side = (17 + 4 * qr_version) * QR_MODULE
    return Rect(QR_RIGHT - side, y_of(QR_TOP) - side, side, side)


def wrap(text: str, bold: bool, size: float, width: float) -> list[str]:
    return list(simpleSplit(text, face(bold), size, width)) or [""]


class Flow:
    """Places blocks top to bottom, starting a new page when one does not fit."""

    def __init__(self, qr_version: int) -> None:
        self.qr_version = qr_version
        self.pages: list[PagePlan] = []
        self.top = 0.0
        self.new_page()

    @property
    def page(self) -> PagePlan:
        return self.pages[-1]

    def new_page(self) -> None:
        number = len(self.pages) + 1
        if number > MAX_PAGES:
            raise RenderError(f"bộ câu hỏi không vừa {MAX_PAGES} trang A4")
        qr = qr_rect(self.qr_version)
        self.pages.append(PagePlan(number, markers=corner_markers(number), qr=qr))
        self.top = PAGE_HEIGHT - qr.y + 4 * QR_MODULE if number > 1 else 0.0

    def reserve(self, height: float) -> float:
        """The top of a block of ``height``, on this page when it fits, else on the next."""
        if self.top + height > PAGE_HEIGHT - BOTTOM_LIMIT:
            self.new_page()
        start = self.top
        self.top += height + GAP
        return start


def centered_stroke(center: float, top: float, width: float) -> Stroke:
    return Stroke(center - width / 2, y_of(top), center + width / 2, y_of(top), 0.6)
