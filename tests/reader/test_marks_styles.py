"""Every way people mark a box, drawn on a printed row of boxes and decided as the reader does.

The row is drawn at 300 dpi like a printed form (0.8 pt borders, the light rule under the
row), marked, grey paper and scanner noise added, then brought to the reader's 150 dpi canvas;
for a fax, it is first made 1-bit at 204 dpi (a threshold, or a dither of its greys).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image

from khaosat.demo.hand import RENDER_DPI
from khaosat.reader.decisions import Decision, decide, page_ring
from khaosat.reader.images import undithered, without_streaks
from khaosat.reader.marks import (
    BILEVEL_THRESHOLDS,
    DEFAULT_THRESHOLDS,
    DITHERED_THRESHOLDS,
    crop_size,
    darkness,
    measure_question,
    page_scale,
)
from khaosat.survey.layout import Box, LayoutMap

DPI = 300
MM = DPI / 25.4
SIDE = 5.5 * MM  # the printed box
PITCH = 11 * MM  # a rating row: 5.5 mm between boxes
VALUES = ["1", "2", "3", "4", "5"]
Mark = Callable[[np.ndarray, tuple[float, float], np.random.Generator], None]


def printed_row(count: int = 5) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A blank row of boxes at 300 dpi and their centres."""
    page = np.full((round(20 * MM), round((count + 1) * PITCH)), 255, np.uint8)
    centres = [(PITCH * (i + 0.75), 10 * MM) for i in range(count)]
    border = max(1, round(0.8 / 72 * DPI))
    for x, y in centres:
        half = SIDE / 2
        cv2.rectangle(page, (round(x - half), round(y - half)), (round(x + half), round(y + half)), 20, border)
    rule = round(10 * MM + SIDE / 2 + 1.5 * MM)
    cv2.line(page, (0, rule), (page.shape[1], rule), 153, 1)
    return page, centres


def stroke(
    page: np.ndarray, points: list[tuple[float, float]], grey: int, width_mm: float, rng: np.random.Generator
) -> None:
    """A pen or pencil line through ``points`` (pixels); pencil (grey ≥ 110) is grainy."""
    layer = np.zeros(page.shape, np.uint8)
    shaped = np.array([[round(x * 4), round(y * 4)] for x, y in points], np.int32)
    cv2.polylines(layer, [shaped], False, 255, max(1, round(width_mm * MM)), cv2.LINE_AA, shift=2)
    lay(page, layer, grey, rng)


def tick_in_box(
    page: np.ndarray, layout: LayoutMap, box: Box, grey: int, width_mm: float, rng: np.random.Generator
) -> None:
    """A tick in a printed ``box`` of a page rendered at RENDER_DPI."""
    scale = RENDER_DPI / 72.0
    x, y = box.rect.center
    cx, cy, side = x * scale, (layout.page_height - y) * scale, box.rect.width * scale
    points = [(cx - 0.3 * side, cy), (cx - 0.05 * side, cy + 0.3 * side), (cx + 0.35 * side, cy - 0.35 * side)]
    stroke(page, points, grey, width_mm, rng)


def lay(page: np.ndarray, layer: np.ndarray, grey: int, rng: np.random.Generator) -> None:
    alpha = layer.astype(np.float32) / 255.0
    if grey >= 110:
        alpha *= rng.uniform(0.6, 1.0, layer.shape).astype(np.float32)
    mixed = page * (1 - alpha) + np.minimum(page, grey) * alpha
    page[:] = np.clip(mixed, 0, 255).astype(np.uint8)


def tick(grey: int = 30, width_mm: float = 0.5) -> Mark:
    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y = centre
        s = SIDE
        stroke(page, [(x - 0.3 * s, y), (x - 0.1 * s, y + 0.3 * s), (x + 0.35 * s, y - 0.4 * s)], grey, width_mm, rng)

    return draw


def cross(grey: int = 30, width_mm: float = 0.5) -> Mark:
    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y = centre
        h = 0.38 * SIDE
        stroke(page, [(x - h, y - h), (x + h, y + h)], grey, width_mm, rng)
        stroke(page, [(x + h, y - h), (x - h, y + h)], grey, width_mm, rng)

    return draw


def ring(radius_mm: float, grey: int = 30, width_mm: float = 0.4) -> Mark:
    """A hand-drawn ring around the box, a little oval and not quite closed."""

    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y = centre
        angles = np.linspace(0.3, 0.3 + 2 * np.pi * 0.95, 60)
        r = radius_mm * MM
        points = [(x + r * 1.08 * np.cos(a), y + r * 0.95 * np.sin(a)) for a in angles]
        stroke(page, points, grey, width_mm, rng)

    return draw


def dot(radius_mm: float, grey: int) -> Mark:
    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        layer = np.zeros(page.shape, np.uint8)
        cv2.circle(layer, (round(centre[0]), round(centre[1])), round(radius_mm * MM), 255, -1, cv2.LINE_AA)
        lay(page, layer, grey, rng)

    return draw


def fill(grey: int = 40) -> Mark:
    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y = centre
        for row in np.arange(y - 0.5 * SIDE, y + 0.5 * SIDE, 0.6 * MM):
            stroke(page, [(x - 0.5 * SIDE, row), (x + 0.5 * SIDE, row + 0.3 * MM)], grey, 0.9, rng)

    return draw


def specks(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
    """Dust: a few dots of a fraction of a millimetre in and around the box."""
    layer = np.zeros(page.shape, np.uint8)
    for _ in range(3):
        x, y = np.array(centre) + rng.uniform(-0.6, 0.6, 2) * SIDE
        cv2.circle(layer, (round(x), round(y)), int(rng.integers(1, 3)), 255, -1)
    lay(page, layer, 60, rng)


def read_row(
    marks: dict[int, list[Mark]], seed: int = 1, paper: float = 232.0, count: int = 5, fax: str = ""
) -> Decision:
    """Mark the row (box index → its marks), scan it at 300 dpi grey (or fax it: ``fax`` is
    "threshold" or "dither"), decide it at 150 dpi."""
    rng = np.random.default_rng(seed)
    page, centres = printed_row(count)
    for index, drawn in marks.items():
        for mark in drawn:
            mark(page, centres[index], rng)
    scanned = np.clip(page * (paper / 255) + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)
    thresholds, canvas_size = DEFAULT_THRESHOLDS, (page.shape[1] // 2, page.shape[0] // 2)
    if fax == "dither":  # as the reader reads a dithered page: its dots blurred back into greys
        canvas = undithered(cv2.resize(faxed(scanned, fax), canvas_size), MM / 2)
        thresholds = DITHERED_THRESHOLDS
    elif fax:
        canvas, thresholds = cv2.resize(faxed(scanned, fax), canvas_size), BILEVEL_THRESHOLDS
    else:
        canvas = cv2.resize(scanned, canvas_size, interpolation=cv2.INTER_AREA)
    side = SIDE / 2
    size = crop_size(side)
    darks = [darkness(cv2.getRectSubPix(canvas, (size, size), (x / 2 - 0.25, y / 2 - 0.25))) for x, y in centres]
    inks = measure_question(darks, side, page_scale(darks, side), thresholds)
    return decide(VALUES[:count], inks, thresholds, page_ring(inks))


def faxed(scanned: np.ndarray, mode: str) -> np.ndarray:
    """The row as a fine fax sends it: 204 dpi, 1-bit (the reader warps it to its canvas)."""
    rows, columns = scanned.shape
    small = cv2.resize(scanned, (round(columns * 204 / DPI), round(rows * 204 / DPI)), interpolation=cv2.INTER_AREA)
    if mode == "dither":  # a fax's "photo" mode: the paper made white, its greys sent as dots
        white = np.clip(small * (255 / np.percentile(small, 90)), 0, 255).astype(np.uint8)
        return np.asarray(Image.fromarray(white).convert("1"), dtype=np.uint8) * 255
    return np.where(small >= 140, 255, 0).astype(np.uint8)


def smudge(darkening: float) -> Mark:
    """What an eraser leaves: the box's inside a little darker, evenly."""

    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y, half = round(centre[0]), round(centre[1]), round(SIDE * 0.35)
        region = page[y - half : y + half, x - half : x + half]
        region[...] = np.clip(region * darkening, 0, 255).astype(np.uint8)

    return draw


def read_as(decision: Decision) -> tuple[str | None, str]:
    return decision.value, decision.reason


@pytest.mark.parametrize("radius", [3.6, 4.0], ids=["touching", "just-touching-the-corners"])
def test_a_ring_touching_the_box_is_its_answer(radius: float) -> None:
    assert read_as(read_row({2: [ring(radius)]})) == ("3", "")


@pytest.mark.parametrize("radius", [4.6, 5.0])
def test_a_ring_just_outside_the_box_is_its_answer(radius: float) -> None:
    assert read_as(read_row({1: [ring(radius)]})) == ("2", "")


def test_a_pencil_ring_is_its_answer() -> None:
    assert read_as(read_row({4: [ring(4.3, grey=150, width_mm=0.25)]})) == ("5", "")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_thin_light_pencil_tick_is_its_answer(seed: int) -> None:
    assert read_as(read_row({3: [tick(grey=150, width_mm=0.25)]}, seed)) == ("4", "")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_small_pencil_dot_is_its_answer(seed: int) -> None:
    assert read_as(read_row({0: [dot(0.7, grey=150)]}, seed)) == ("1", "")


def test_a_solid_fill_alone_is_its_answer() -> None:
    assert read_as(read_row({2: [fill()]})) == ("3", "")


def test_a_fill_beside_a_cross_cancels_the_filled_box() -> None:
    """The form's convention: fill the wrong box solid, cross the right one."""
    assert read_as(read_row({1: [fill()], 3: [cross()]})) == ("4", "")


def test_two_marks_go_to_review() -> None:
    assert read_as(read_row({0: [tick()], 3: [cross()]})) == (None, "double")


def test_a_ring_and_a_tick_in_another_box_are_two_marks() -> None:
    assert read_as(read_row({0: [ring(4.5)], 3: [tick()]})) == (None, "double")


def test_rings_around_both_boxes_of_a_two_box_question_go_to_review() -> None:
    """What two boxes share is not print when it is a ring around each of them."""
    decision = read_row({0: [ring(4.0)], 1: [ring(4.4)]}, count=2)
    assert (decision.value, decision.uncertain) == (None, True)


def test_a_tick_inside_a_ring_is_one_answer() -> None:
    assert read_as(read_row({2: [ring(4.5), tick()]})) == ("3", "")


def test_a_trace_neither_mark_nor_blank_goes_to_review() -> None:
    short = stroke_mark([(-0.12, 0.0), (0.05, 0.08)], grey=120, width_mm=0.3)
    assert read_as(read_row({2: [short]})) == (None, "faint")


def stroke_mark(points: list[tuple[float, float]], grey: int, width_mm: float) -> Mark:
    def draw(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        stroke(page, [(centre[0] + px * SIDE, centre[1] + py * SIDE) for px, py in points], grey, width_mm, rng)

    return draw


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_blank_row_with_specks_is_blank(seed: int) -> None:
    assert read_as(read_row({i: [specks] for i in range(0, 5, 2)}, seed)) == (None, "")


def test_a_blank_row_is_blank() -> None:
    assert read_as(read_row({})) == (None, "")


@pytest.mark.parametrize("fax", ["threshold", "dither"])
def test_a_pen_tick_on_a_fax_is_its_answer(fax: str) -> None:
    assert read_as(read_row({3: [tick(grey=30, width_mm=0.4)]}, fax=fax)) == ("4", "")


@pytest.mark.parametrize("fax", ["threshold", "dither"])
def test_a_small_pen_dot_on_a_fax_is_its_answer(fax: str) -> None:
    assert read_as(read_row({1: [dot(0.7, 30)]}, fax=fax)) == ("2", "")


def test_a_ring_on_a_dithered_fax_is_its_answer() -> None:
    """The dither turns the paper's grain into dots around every box: they cross as many
    directions as a ring does, but they are specks, not a stroke."""
    assert read_as(read_row({2: [ring(4.4)]}, paper=205.0, fax="dither")) == ("3", "")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_dithered_smudge_is_a_trace_for_review_not_a_mark(seed: int) -> None:
    """A dithered light grey is dots all over the box; blurred back, the dither's grain lifts
    part of it above the pixel level, as much ink as a tick's, but spread over every cell."""
    assert read_as(read_row({4: [smudge(0.84)]}, seed, fax="dither")) == (None, "faint")


@pytest.mark.parametrize("mark", [tick(grey=140, width_mm=0.25), cross(grey=160, width_mm=0.25), dot(0.6, 170)])
def test_a_thin_light_pencil_mark_on_a_dithered_fax_is_its_answer(mark: Mark) -> None:
    assert read_as(read_row({2: [mark]}, fax="dither")) == ("3", "")


def test_a_light_smudge_on_a_grey_scan_is_a_trace_for_review_not_a_mark() -> None:
    assert read_as(read_row({0: [smudge(0.84)]})) == (None, "faint")


def test_a_dithered_smudge_beside_a_tick_sends_the_question_to_review() -> None:
    decision = read_row({1: [smudge(0.8)], 3: [tick()]}, fax="dither")
    assert (decision.value, decision.uncertain) == (None, True)


def test_a_ring_around_the_box_below_reaching_in_is_not_a_ring() -> None:
    """An arc from another question's ring crosses one side of a box; a ring goes all round."""

    def arc_from_below(page: np.ndarray, centre: tuple[float, float], rng: np.random.Generator) -> None:
        x, y = centre
        below = y + 2.2 * SIDE
        angles = np.linspace(np.pi * 1.15, np.pi * 1.85, 40)
        stroke(page, [(x + 5 * MM * np.cos(a), below + 4.6 * MM * np.sin(a)) for a in angles], 30, 0.5, rng)

    assert read_as(read_row({1: [arc_from_below]}, count=2)) == (None, "")


def test_a_streak_down_a_fax_is_taken_off_and_a_printed_line_it_crosses_kept() -> None:
    page = np.full((400, 300), 255, np.uint8)
    page[200:203, :] = 0  # a printed line across the page
    page[120:140, 60:62] = 0  # a short mark: no streak
    page[:, 150] = 0  # dirt on the glass
    cleaned = without_streaks(page)
    assert (cleaned[:200, 150] == 255).all() and (cleaned[203:, 150] == 255).all()
    assert (cleaned[200:203, 150] == 0).all()
    assert (cleaned[120:140, 60:62] == 0).all() and (cleaned[:, 149] == page[:, 149]).all()


def test_a_page_without_streaks_is_left_as_it_is() -> None:
    page = np.full((100, 80), 255, np.uint8)
    page[10:90, 20:60] = 0  # a big black area: wide, not a streak
    assert (without_streaks(page) == page).all()
