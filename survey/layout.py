"""The layout map: where every answer box, QR code and marker of a form version was printed.

The form is a contract between the renderer and the intake. The renderer writes one map per
questionnaire version; the intake reads any returned page with the map of the version it
was printed with. Coordinates are PDF points (1/72 inch) with the origin at the bottom-left
corner of the page, as reportlab draws them.

Markers are ArUco symbols of the 4×4 dictionary (``cv2.aruco.DICT_4X4_50``). Every page has
four, one per corner, with ids ``4 * (page - 1) + corner`` where corner 0 is top-left, 1
top-right, 2 bottom-right, 3 bottom-left: a marker's id alone gives the page and where
the page's top is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

MM = 72 / 25.4  # PDF points in a millimetre
MARKER_DICTIONARY = "DICT_4X4_50"
CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Marker:
    id: int
    rect: Rect  # the black square of the symbol, without its quiet zone


@dataclass(frozen=True)
class Box:
    question: str
    value: str
    rect: Rect


@dataclass(frozen=True)
class PageLayout:
    number: int  # 1-based
    markers: tuple[Marker, ...]
    qr: Rect
    boxes: tuple[Box, ...] = ()
    text_areas: dict[str, Rect] = field(default_factory=dict)  # question code → writing area


@dataclass(frozen=True)
class LayoutMap:
    version: str
    page_width: float
    page_height: float
    pages: tuple[PageLayout, ...]

    def boxes_of(self, question: str) -> list[tuple[int, Box]]:
        """Every (page number, box) of one question."""
        return [(page.number, box) for page in self.pages for box in page.boxes if box.question == question]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LayoutMap:
        data = json.loads(text)
        return cls(
            version=data["version"],
            page_width=data["page_width"],
            page_height=data["page_height"],
            pages=tuple(_page_from_dict(page) for page in data["pages"]),
        )


def marker_id(page: int, corner: int) -> int:
    return 4 * (page - 1) + corner


def page_of_marker(marker: int) -> tuple[int, int]:
    """(page number, corner index) of a marker id."""
    return marker // 4 + 1, marker % 4


def _rect(data: dict[str, float]) -> Rect:
    return Rect(data["x"], data["y"], data["width"], data["height"])


def _page_from_dict(data: dict[str, Any]) -> PageLayout:
    return PageLayout(
        number=data["number"],
        markers=tuple(Marker(m["id"], _rect(m["rect"])) for m in data["markers"]),
        qr=_rect(data["qr"]),
        boxes=tuple(Box(b["question"], b["value"], _rect(b["rect"])) for b in data["boxes"]),
        text_areas={code: _rect(rect) for code, rect in data["text_areas"].items()},
    )
