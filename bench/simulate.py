"""A simulated hand and simulated scanners, faxes and phones, for the OMR benchmark and tests.

``fill_page`` draws marks on a page image rendered from the real form (ticks, crosses,
circles, small dots, fills that cancel a box; black, blue and pencil; stray specks on
blank questions; double marks) and returns what a careful reader should make of each
question. ``CONDITIONS`` turn that 300 dpi page into the bytes of a returned file.
Everything takes a ``numpy.random.Generator``: a fixed seed gives the same pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from khaosat.survey.layout import Box, LayoutMap, PageLayout

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
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            pages.append(page.render(scale=dpi / 72.0, grayscale=True).to_numpy().copy())
            page.close()
        return [p if p.ndim == 2 else cv2.cvtColor(p, cv2.COLOR_BGR2GRAY) for p in pages]
    finally:
        document.close()


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
    if roll < doubt:
        target = int(rng.integers(len(boxes)))
        _fill(image, _pixels(layout, boxes[target], scale), rng)
        if len(boxes) > 1:
            other = (target + 1 + int(rng.integers(len(boxes) - 1))) % len(boxes)
            _mark(image, _pixels(layout, boxes[other], scale), rng, _style(rng))
        return DOUBTFUL
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


# --- scanners, faxes and phones ------------------------------------------------------------


def _rotate(image: np.ndarray, degrees: float, scale: float = 1.0, border: int = 255) -> np.ndarray:
    rows, columns = image.shape
    matrix = cv2.getRotationMatrix2D((columns / 2, rows / 2), degrees, scale)
    size = (round(columns * scale), round(rows * scale))
    matrix[:, 2] += (size[0] - columns) / 2, (size[1] - rows) / 2
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_AREA, borderValue=border)


def _paper(image: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    level = rng.uniform(225, 250) / 255.0
    noisy = image.astype(np.float32) * level + rng.normal(0, noise, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _encode(image: np.ndarray, fmt: str, dpi: tuple[float, float], **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, fmt, dpi=dpi, **options)
    return buffer.getvalue()


def _bilevel(image: np.ndarray, threshold: float, rng: np.random.Generator, speckle: float) -> Image.Image:
    binary = image >= threshold
    flips = rng.random(image.shape) < speckle
    binary = np.where(flips, ~binary, binary)
    return Image.fromarray(binary.astype(np.uint8) * 255).convert("1", dither=Image.Dither.NONE)


def scan_grey_300(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _paper(_rotate(page, rng.uniform(-2, 2)), rng, 3.0)
    return _encode(image, "JPEG", (300, 300), quality=80)


def scan_bw_200(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _rotate(page, rng.uniform(-1.5, 1.5), 200 / RENDER_DPI)
    return _save_bilevel(_bilevel(image, rng.uniform(140, 170), rng, 0.0005), (200, 200))


def scan_upside_down(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _paper(_rotate(page, 180 + rng.uniform(-2, 2), 200 / RENDER_DPI), rng, 3.0)
    return _encode(image, "JPEG", (200, 200), quality=80)


def _fax(page: np.ndarray, rng: np.random.Generator, row_dpi: float) -> bytes:
    skewed = _rotate(page, rng.uniform(-1.5, 1.5))
    size = (1728, round(skewed.shape[0] * row_dpi / RENDER_DPI))
    image = cv2.resize(skewed, size, interpolation=cv2.INTER_AREA)
    return _save_bilevel(_bilevel(image, rng.uniform(130, 165), rng, 0.002), (204, row_dpi))


def fax_fine(page: np.ndarray, rng: np.random.Generator) -> bytes:
    return _fax(page, rng, 196.0)


def fax_standard(page: np.ndarray, rng: np.random.Generator) -> bytes:
    return _fax(page, rng, 98.0)


def _save_bilevel(image: Image.Image, dpi: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="group4", dpi=dpi)
    return buffer.getvalue()


def phone_photo(page: np.ndarray, rng: np.random.Generator) -> bytes:
    """The page on a table, shot from an angle, lit from one side, 8 megapixels."""
    small = cv2.resize(page, (page.shape[1] // 2, page.shape[0] // 2), interpolation=cv2.INTER_AREA)
    rows, columns = small.shape
    out_w, out_h = 2448, 3264
    source = np.float32([[0, 0], [columns, 0], [columns, rows], [0, rows]])
    margin = np.float32([out_w * 0.08, out_h * 0.06])
    corners = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]]) * margin
    jitter = rng.uniform(-1, 1, (4, 2)).astype(np.float32) * margin * 0.8
    target = corners + inward + jitter
    matrix = cv2.getPerspectiveTransform(source, target)
    shot = cv2.warpPerspective(small, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=70)
    light = _light(out_h, out_w, rng)
    image = np.clip(shot.astype(np.float32) * light + rng.normal(0, 4, shot.shape), 0, 255).astype(np.uint8)
    image = cv2.GaussianBlur(image, (3, 3), 0.8)
    return _encode(image, "JPEG", (72, 72), quality=85)


def _light(rows: int, columns: int, rng: np.random.Generator) -> np.ndarray:
    angle = rng.uniform(0, 2 * np.pi)
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    ramp = (np.cos(angle) * x / columns + np.sin(angle) * y / rows + 1) / 2
    low = rng.uniform(0.5, 0.75)
    return (low + (0.98 - low) * ramp).astype(np.float32)


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], bytes]] = {
    "scan 300 dpi grey": scan_grey_300,
    "scan 200 dpi b/w": scan_bw_200,
    "upside down": scan_upside_down,
    "fax 204×196": fax_fine,
    "fax 204×98": fax_standard,
    "phone photo": phone_photo,
}
