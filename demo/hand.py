"""A simulated hand: marks drawn on the image of a printed form.

``render_pages`` prints the form (grey page images). ``fill_page`` marks every question of a
page the way people do (ticks, crosses, circles, small dots; black, blue and pencil; a box
filled to cancel it beside the right one marked, as the form says to correct; stray specks
on blank questions; double marks) and returns what a careful reader should make of each
question. ``cross_answers`` is a careful applicant: one firm pen cross in the box of each
chosen answer. Randomness comes from the ``numpy.random.Generator`` passed in: a fixed seed
gives the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium

from ..survey.layout import Box, LayoutMap, PageLayout

RENDER_DPI = 300.0
# Grey level range of a stroke. Pencil is grainy (each pixel gets 60–100% of the stroke's
# darkness), so it averages 107–139: a firm HB pencil. A light pencil (150–200) is not
# simulated: a fax thresholded at 130–165 keeps almost none of it (bench/README.md).
PENS = {"black": (20, 45), "blue": (60, 100), "pencil": (70, 110)}
STYLES = ("tick", "cross", "circle", "dot")
DOUBTFUL = "?"  # the truth of a question a reader must send to review


@dataclass(frozen=True)
class Truth:
    answers: dict[str, str | None]  # question → value, None for blank, DOUBTFUL for review


def render_pages(pdf: bytes, dpi: float = RENDER_DPI) -> list[np.ndarray]:
    """Every page of ``pdf`` as a grey image, as it comes out of the printer."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            pages.append(page.render(scale=dpi / 72.0, grayscale=True).to_numpy().copy())
            page.close()
        return [p if p.ndim == 2 else cv2.cvtColor(p, cv2.COLOR_BGR2GRAY) for p in pages]
    finally:
        document.close()


def cross_answers(image: np.ndarray, layout: LayoutMap, page: PageLayout, answers: dict[str, str]) -> None:
    """Cross the box of each answer on ``page`` with a firm black pen (drawn in place)."""
    scale = image.shape[1] / layout.page_width
    for box in page.boxes:
        if answers.get(box.question) == box.value:
            x0, y1 = box.rect.x * scale, (layout.page_height - box.rect.y) * scale
            x1, y0 = x0 + box.rect.width * scale, y1 - box.rect.height * scale
            cv2.line(image, (int(x0 + 3), int(y0 + 3)), (int(x1 - 3), int(y1 - 3)), 20, 3)
            cv2.line(image, (int(x0 + 3), int(y1 - 3)), (int(x1 - 3), int(y0 + 3)), 20, 3)


def fill_page(
    image: np.ndarray, layout: LayoutMap, page: PageLayout, rng: np.random.Generator, doubt: float = 0.03
) -> Truth:
    """Mark every question of ``page`` on ``image`` (300 dpi, drawn in place)."""
    scale = image.shape[1] / layout.page_width
    grouped: dict[str, list[Box]] = {}
    for box in page.boxes:
        grouped.setdefault(box.question, []).append(box)
    truth: dict[str, str | None] = {}
    for question, boxes in grouped.items():
        truth[question] = _answer(image, layout, boxes, scale, rng, doubt)
    return Truth(truth)


def _answer(
    image: np.ndarray, layout: LayoutMap, boxes: list[Box], scale: float, rng: np.random.Generator, doubt: float
) -> str | None:
    roll = rng.random()
    if roll < doubt / 2 and len(boxes) > 1:
        first, second = rng.choice(len(boxes), 2, replace=False)
        for index in (first, second):
            _mark(image, _pixels(layout, boxes[int(index)], scale), rng, _style(rng))
        return DOUBTFUL
    if roll < doubt:  # a correction as the form prints it: the wrong box filled, the right one marked
        target = int(rng.integers(len(boxes)))
        _fill(image, _pixels(layout, boxes[target], scale), rng)
        if len(boxes) == 1:
            return boxes[target].value
        other = (target + 1 + int(rng.integers(len(boxes) - 1))) % len(boxes)
        _mark(image, _pixels(layout, boxes[other], scale), rng, _style(rng))
        return boxes[other].value
    if roll < doubt + 0.12:
        _specks(image, [_pixels(layout, box, scale) for box in boxes], rng)
        return None
    target = int(rng.integers(len(boxes)))
    _mark(image, _pixels(layout, boxes[target], scale), rng, _style(rng))
    return boxes[target].value


def _style(rng: np.random.Generator) -> str:
    return str(rng.choice(STYLES, p=(0.35, 0.35, 0.15, 0.15)))


def _pixels(layout: LayoutMap, box: Box, scale: float) -> tuple[float, float, float]:
    """Centre x, centre y (image rows from the top) and side of a box, in pixels."""
    x, y = box.rect.center
    return x * scale, (layout.page_height - y) * scale, box.rect.width * scale


def _pen(rng: np.random.Generator) -> tuple[int, int, str]:
    name = str(rng.choice(list(PENS), p=(0.5, 0.35, 0.15)))
    low, high = PENS[name]
    width = float(rng.uniform(0.35, 0.7)) * RENDER_DPI / 25.4  # 0.35–0.7 mm
    return int(rng.integers(low, high + 1)), max(2, round(width)), name


def _mark(image: np.ndarray, box: tuple[float, float, float], rng: np.random.Generator, style: str) -> None:
    cx, cy, side = box
    cx += rng.normal(0, side * 0.06)
    cy += rng.normal(0, side * 0.06)
    grey, width, pen = _pen(rng)
    layer = np.zeros_like(image, dtype=np.uint8)
    size = side * rng.uniform(0.8, 1.15)
    if style == "tick":
        points = [(-0.35, 0.0), (-0.1, 0.3), (0.4, -0.45)]
        _polyline(layer, cx, cy, size, points, rng, width)
    elif style == "cross":
        _polyline(layer, cx, cy, size, [(-0.4, -0.4), (0.4, 0.4)], rng, width)
        _polyline(layer, cx, cy, size, [(0.4, -0.4), (-0.4, 0.4)], rng, width)
    elif style == "circle":
        axes = (round(size * rng.uniform(0.3, 0.42)), round(size * rng.uniform(0.3, 0.42)))
        cv2.ellipse(layer, (round(cx), round(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 255, width, cv2.LINE_AA)
    else:
        radius = round(side * rng.uniform(0.12, 0.2))
        cv2.circle(layer, (round(cx), round(cy)), radius, 255, -1, cv2.LINE_AA)
    _ink(image, layer, grey, rng, grainy=pen == "pencil")


def _polyline(
    layer: np.ndarray,
    cx: float,
    cy: float,
    size: float,
    points: list[tuple[float, float]],
    rng: np.random.Generator,
    width: int,
) -> None:
    shaped = np.array(
        [(cx + (px + rng.normal(0, 0.05)) * size, cy + (py + rng.normal(0, 0.05)) * size) for px, py in points],
        np.int32,
    )
    cv2.polylines(layer, [shaped], False, 255, width, cv2.LINE_AA)


def _fill(image: np.ndarray, box: tuple[float, float, float], rng: np.random.Generator) -> None:
    """Scribble a box full, the way people cancel an answer."""
    cx, cy, side = box
    grey, _, pen = _pen(rng)
    layer = np.zeros_like(image, dtype=np.uint8)
    half = side * 0.5
    left, top = round(cx - half), round(cy - half)
    cv2.rectangle(layer, (left, top), (round(cx + half), round(cy + half)), 255, -1)
    for _ in range(int(side)):
        x, y = rng.integers(left, left + int(side), 2)
        layer[y, x] = 0 if rng.random() < 0.3 else 255
    _ink(image, layer, grey, rng, grainy=pen == "pencil")


def _specks(image: np.ndarray, boxes: list[tuple[float, float, float]], rng: np.random.Generator) -> None:
    """A blank question with dust: a few tiny dots near its boxes."""
    layer = np.zeros_like(image, dtype=np.uint8)
    for _ in range(int(rng.integers(0, 4))):
        cx, cy, side = boxes[int(rng.integers(len(boxes)))]
        x, y = cx + rng.uniform(-side, side), cy + rng.uniform(-side, side)
        cv2.circle(layer, (round(x), round(y)), int(rng.integers(1, 4)), 255, -1)
    _ink(image, layer, int(rng.integers(20, 120)), rng, grainy=False)


def _ink(image: np.ndarray, layer: np.ndarray, grey: int, rng: np.random.Generator, grainy: bool) -> None:
    """Lay the strokes of ``layer`` (255 = full ink) on the image, only where they are."""
    grain = rng.uniform(0.6, 1.0, size=layer.shape) if grainy else None  # page-sized: same draws as ever
    left, top, width, height = cv2.boundingRect(layer)
    if width == 0 or height == 0:
        return
    window = (slice(top, top + height), slice(left, left + width))
    alpha = layer[window].astype(np.float32) / 255.0
    if grain is not None:
        alpha *= grain[window].astype(np.float32)
    part = image[window]
    mixed = part.astype(np.float32) * (1 - alpha) + np.minimum(part, grey).astype(np.float32) * alpha
    image[window] = np.clip(mixed, 0, 255).astype(np.uint8)
