"""A second simulated hand, independent of demo/hand.py: the wide OMR benchmark's applicants.

The reader's rules were tuned on demo/hand.py, so that hand is no evidence. This one draws its
own marks: per answer a random style (tick, cross, slash, solid fill, small dot, a ring around
the box touching it or just outside it, a thick felt pen), an ink from black to light pencil
(grey 20–170 on white; pencil thin and grainy), a stroke 0.2–1.2 mm wide, a jittered position
that may stray over the border (not into the next box); one pen for most of a page; blank
questions with dust and smudges; double marks and corrections by the form's convention (fill
the wrong box, cross the right one).

``fill_page`` marks a 300 dpi grey page in place and returns one ``Answer`` per question: the
truth, how it was drawn, and the stroke pixels that carry it (to tell later whether a device
kept them). ``fold_for_post`` creases the page as an envelope does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from khaosat.survey.layout import Box, LayoutMap, PageLayout

DPI = 300.0
MM = DPI / 25.4  # pixels per millimetre
DOUBTFUL = "?"  # the truth of a question a reader must send to review
STYLES = ("tick", "cross", "slash", "fill", "dot", "ring touching", "ring outside", "felt")
STYLE_WEIGHTS = (0.17, 0.17, 0.1, 0.1, 0.1, 0.12, 0.12, 0.12)
INK_BANDS = {"black": (20, 60), "dark": (60, 110), "pencil": (110, 170)}
BLANK_SHARE, DOUBLE_SHARE, CORRECTION_SHARE = 0.08, 0.03, 0.03
PAPER = 180  # a page pixel lighter than this before marking is paper, not print


@dataclass(frozen=True)
class Pen:
    grey: int  # darkest level the ink reaches on white paper
    width: float  # stroke width in pixels at 300 dpi
    grainy: bool  # pencil: each pixel takes a random share of the darkness

    @property
    def band(self) -> str:
        return ink_band(self.grey)


@dataclass(frozen=True)
class Stroke:
    """Where one mark's ink fell on paper (not on the printed lines), in page pixels."""

    top: int
    left: int
    mask: np.ndarray  # bool window


@dataclass(frozen=True)
class Answer:
    question: str
    truth: str | None  # the value, None for blank, DOUBTFUL for review
    kind: str  # "single", "blank", "double", "correction"
    style: str  # the style of the mark that carries the truth ("blank", "double" for those kinds)
    band: str  # the ink band of that mark ("–" for blank)
    strokes: tuple[Stroke, ...]  # the ink that carries the truth


def fold_for_post(image: np.ndarray, rng: np.random.Generator) -> None:
    """Most forms come back folded in three: two faint creases, one panel a shade darker."""
    if rng.random() < 0.4:
        return
    rows = image.shape[0]
    for third in (1, 2):
        row = int(rows * third / 3 + rng.uniform(-5, 5) * MM)
        half = int(rng.integers(1, 4))
        band = image[row - half : row + half + 1]
        band[...] = (band * rng.uniform(0.82, 0.96)).astype(np.uint8)
    panel = int(rng.integers(0, 3))
    part = image[rows * panel // 3 : rows * (panel + 1) // 3]
    part[...] = (part * rng.uniform(0.96, 1.0)).astype(np.uint8)


def ink_band(grey: int) -> str:
    return next(name for name, (low, high) in INK_BANDS.items() if grey < high or name == "pencil")


def fill_page(image: np.ndarray, layout: LayoutMap, page: PageLayout, rng: np.random.Generator) -> list[Answer]:
    """Mark every question of ``page`` on ``image`` (300 dpi grey, drawn in place)."""
    scale = image.shape[1] / layout.page_width
    grouped: dict[str, list[tuple[float, float, float]]] = {}
    values: dict[str, list[str]] = {}
    for box in page.boxes:
        grouped.setdefault(box.question, []).append(_pixels(layout, box, scale))
        values.setdefault(box.question, []).append(box.value)
    own = _pen(rng)  # a person mostly keeps one pen for the page, sometimes picks up another
    return [
        _answer(image, question, grouped[question], values[question], own if rng.random() < 0.75 else _pen(rng), rng)
        for question in grouped
    ]


def _pixels(layout: LayoutMap, box: Box, scale: float) -> tuple[float, float, float]:
    """Centre x, centre y (rows from the top) and side of a box, in pixels."""
    x, y = box.rect.center
    return x * scale, (layout.page_height - y) * scale, box.rect.width * scale


def _answer(
    image: np.ndarray,
    question: str,
    boxes: list[tuple[float, float, float]],
    values: list[str],
    pen: Pen,
    rng: np.random.Generator,
) -> Answer:
    roll = rng.random()
    several = len(boxes) > 1
    if roll < BLANK_SHARE:
        _dust(image, boxes, rng)
        return Answer(question, None, "blank", "blank", "–", ())
    if several and roll < BLANK_SHARE + DOUBLE_SHARE:
        first, second = (int(i) for i in rng.choice(len(boxes), 2, replace=False))
        strokes = []
        for index in (first, second):
            style = str(rng.choice([s for s in STYLES if s != "fill"]))
            strokes.append(draw_mark(image, boxes[index], style, pen, rng))
        return Answer(question, DOUBTFUL, "double", "double", pen.band, tuple(strokes))
    target = int(rng.integers(len(boxes)))
    if several and roll < BLANK_SHARE + DOUBLE_SHARE + CORRECTION_SHARE:
        wrong = (target + 1 + int(rng.integers(len(boxes) - 1))) % len(boxes)
        draw_mark(image, boxes[wrong], "fill", pen, rng)
        crossed = draw_mark(image, boxes[target], "cross", pen, rng)
        return Answer(question, values[target], "correction", "correction", pen.band, (crossed,))
    style = str(rng.choice(STYLES, p=STYLE_WEIGHTS))
    if style == "felt":
        pen = Pen(int(rng.integers(20, 100)), rng.uniform(0.8, 1.2) * MM, False)
    if rng.random() < 0.3:
        _dust(image, boxes, rng)
    stroke = draw_mark(image, boxes[target], style, pen, rng)
    return Answer(question, values[target], "single", style, pen.band, (stroke,))


def _pen(rng: np.random.Generator) -> Pen:
    band = str(rng.choice(list(INK_BANDS), p=(0.4, 0.3, 0.3)))
    low, high = INK_BANDS[band]
    grey = int(rng.integers(low, high))
    if band == "pencil":
        return Pen(grey, rng.uniform(0.2, 0.6) * MM, True)
    return Pen(grey, rng.uniform(0.2, 0.9) * MM, False)


def draw_mark(
    image: np.ndarray, box: tuple[float, float, float], style: str, pen: Pen, rng: np.random.Generator
) -> Stroke:
    """Draw one mark of ``style`` on the box at ``box`` (centre x, centre y, side in pixels)."""
    cx, cy, side = box
    stray = 0.04 if style.startswith("ring") else 0.25  # of the side; a ring stays around its box
    shift = np.clip(rng.normal(0, 0.08, 2), -stray, stray) * side
    paths, filled = _shape(style, side, pen, rng)
    paths = _within_reach(paths, shift, side, pen.width)
    cx, cy = cx + shift[0], cy + shift[1]
    reach = int(side * 1.5 + pen.width * 2)
    left, top = max(0, int(cx) - reach), max(0, int(cy) - reach)
    window = image[top : int(cy) + reach, left : int(cx) + reach]
    layer = np.zeros(window.shape, np.uint8)
    centre = (cx - left, cy - top)
    for path in paths:
        _draw_path(layer, centre, path, pen.width, filled, rng)
    alpha = layer.astype(np.float32) / 255.0
    paper = cv2.erode((window > PAPER).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # 4 px clear of print
    _lay_ink(window, alpha, pen, rng)
    return Stroke(top, left, (alpha > 0.5) & paper)


def _within_reach(paths: list[np.ndarray], shift: np.ndarray, side: float, width: float) -> list[np.ndarray]:
    """Shrink a mark that would reach the boxes of the next question or the next value (rows
    are 0.55 of a side apart, columns a side): a mark may stray over its border, not into those."""
    limit = np.array([1.4 * side, 0.97 * side]) - width / 2
    extent = np.abs(np.concatenate(paths) + shift).max(axis=0)
    factor = float(min(1.0, *(limit / np.maximum(extent, 1e-6))))
    return [path * factor for path in paths]


def _shape(style: str, side: float, pen: Pen, rng: np.random.Generator) -> tuple[list[np.ndarray], bool]:
    """The paths of a mark, in pixels around the box centre; True when they are filled areas."""
    size = side * rng.uniform(0.65, 1.25)
    if style == "felt":
        style = "tick" if rng.random() < 0.5 else "cross"
    if style == "tick":
        down = rng.uniform(0.15, 0.35)
        points = [(-0.35, -0.05), (-0.1, down), (rng.uniform(0.3, 0.5), rng.uniform(-0.7, -0.4))]
        return [_curve(points, size, rng)], False
    if style == "cross":
        spread = rng.uniform(0.3, 0.5)
        first = [(-spread, -spread), (spread, spread)]
        second = [(spread, -spread), (-spread, spread)]
        return [_curve(first, size, rng), _curve(second, size, rng)], False
    if style == "slash":
        half = rng.uniform(0.3, 0.55)
        sign = 1 if rng.random() < 0.8 else -1
        return [_curve([(-half * sign, half), (half * sign, -half)], size, rng)], False
    if style == "dot":
        radius = rng.uniform(0.4, 1.0) * MM + pen.width / 2
        return [_ellipse(radius, radius, 0.0, 360.0, rng)], True
    if style == "fill":
        return [_scribble(side, pen, rng)], False
    return [_ring(style, side, pen, rng)], False


def _curve(points: list[tuple[float, float]], size: float, rng: np.random.Generator) -> np.ndarray:
    """A hand-drawn stroke through ``points`` (box units): jittered, slightly bowed."""
    anchors = np.array(points, np.float64) * size + rng.normal(0, 0.04 * size, (len(points), 2))
    parts = []
    for start, end in itertools.pairwise(anchors):
        t = np.linspace(0, 1, 24)[:, None]
        normal = np.array([start[1] - end[1], end[0] - start[0]])
        bow = rng.normal(0, 0.06) * np.sin(np.pi * t) * normal
        parts.append(start + (end - start) * t + bow)
    return np.concatenate(parts)


def _ellipse(
    rx: float, ry: float, start: float, sweep: float, rng: np.random.Generator, power: float = 2.0
) -> np.ndarray:
    """An ellipse (a rounder square for ``power`` above 2) drawn by hand: it spirals out a little."""
    angles = np.radians(start + np.linspace(0, sweep, max(12, int(sweep / 6))))
    drift = 1 + abs(rng.normal(0, 0.03)) * np.linspace(0, 1, len(angles))
    cos, sin = np.cos(angles), np.sin(angles)
    x = np.sign(cos) * np.abs(cos) ** (2 / power)
    y = np.sign(sin) * np.abs(sin) ** (2 / power)
    return np.stack([rx * drift * x, ry * drift * y], axis=1)


def _ring(style: str, side: float, pen: Pen, rng: np.random.Generator) -> np.ndarray:
    """A ring around the box: across its border, or clear of it by 0.25–0.6 mm of paper and
    inside the gaps to the next boxes (rows are 0.55 of a side apart, columns one side)."""
    for _ in range(12):
        aspect = rng.uniform(1.0, 1.3)
        power = rng.uniform(2.0, 3.0) if style == "ring touching" else rng.uniform(2.3, 3.5)
        radius = side * rng.uniform(0.48, 0.66) if style == "ring touching" else side * 0.55
        path = _ellipse(radius * aspect, radius, rng.uniform(0, 360), rng.uniform(340, 400), rng, power)
        tilt = np.radians(rng.uniform(-5, 5))
        path = path @ np.array([[np.cos(tilt), np.sin(tilt)], [-np.sin(tilt), np.cos(tilt)]])
        if style == "ring touching":
            return path
        wanted = rng.uniform(0.25, 0.6) * MM + pen.width * 0.55 + 0.04 * side + 1.5
        while _distance_to_box(path, side) < wanted:
            path = path * 1.02
        reach = np.abs(path).max(axis=0) + pen.width / 2
        if reach[0] < 1.4 * side and reach[1] < 0.97 * side:
            break
    return path


def _distance_to_box(path: np.ndarray, side: float) -> float:
    outside = np.maximum(np.abs(path) - side / 2, 0)
    return float(np.hypot(outside[:, 0], outside[:, 1]).min())


def _scribble(side: float, pen: Pen, rng: np.random.Generator) -> np.ndarray:
    """Back-and-forth strokes that blacken a box, the way people cancel or fill one."""
    half = side * rng.uniform(0.42, 0.55)
    rows = max(4, int(2 * half / max(pen.width * 0.8, 3)))
    ys = np.linspace(-half, half, rows) + rng.normal(0, pen.width * 0.2, rows)
    xs = np.where(np.arange(rows) % 2 == 0, -half, half) + rng.normal(0, side * 0.04, rows)
    return np.stack([xs, ys], axis=1)


def _draw_path(
    layer: np.ndarray,
    centre: tuple[float, float],
    path: np.ndarray,
    width: float,
    filled: bool,
    rng: np.random.Generator,
) -> None:
    shift = 3  # cv2 draws at 1/8 pixel
    points = np.round((path + np.array(centre)) * (1 << shift)).astype(np.int32)
    if filled:
        cv2.fillPoly(layer, [points], 255, cv2.LINE_AA, shift)
        return
    thickness = max(1, round(width * rng.uniform(0.9, 1.1)))
    cv2.polylines(layer, [points], False, 255, thickness, cv2.LINE_AA, shift)


def _lay_ink(window: np.ndarray, alpha: np.ndarray, pen: Pen, rng: np.random.Generator) -> None:
    """Darken the paper under ``alpha`` like ink: multiplied, so printed lines stay black."""
    darkness = 1 - pen.grey / 255.0
    if pen.grainy:  # graphite on paper fibre: 0.4–1.6 of the darkness, pen.grey on average
        grain = cv2.GaussianBlur(rng.uniform(0.4, 1.6, alpha.shape).astype(np.float32), (3, 3), 0.6)
        ink = np.minimum(alpha * grain * darkness, 0.95)
    else:  # a ballpoint skips: the ink's flow varies slowly along the stroke
        flow = cv2.resize(rng.uniform(0.8, 1.0, (4, 4)).astype(np.float32), alpha.shape[::-1])
        ink = alpha * flow * darkness
    shaded = window.astype(np.float32) * (1 - ink)
    window[...] = np.clip(shaded, 0, 255).astype(np.uint8)


def _dust(image: np.ndarray, boxes: list[tuple[float, float, float]], rng: np.random.Generator) -> None:
    """Specks of dust, toner and eraser smudges near a question's boxes (not marks)."""
    for _ in range(int(rng.integers(1, 5))):
        cx, cy, side = boxes[int(rng.integers(len(boxes)))]
        x, y = int(cx + rng.uniform(-0.8, 0.8) * side), int(cy + rng.uniform(-0.8, 0.8) * side)
        grey = int(rng.integers(60, 200))
        cv2.circle(image, (x, y), int(rng.integers(1, 3)), grey, -1, cv2.LINE_AA)
    if rng.random() < 0.25:  # an erased pencil mark: a faint grey smudge
        cx, cy, side = boxes[int(rng.integers(len(boxes)))]
        half = int(side * 0.35)
        region = image[int(cy) - half : int(cy) + half, int(cx) - half : int(cx) + half]
        smudge = rng.uniform(0.88, 0.96)
        region[...] = np.clip(region.astype(np.float32) * smudge, 0, 255).astype(np.uint8)
