"""The wide benchmark's hand (bench/paper_hand.py) draws what its truth says."""

import numpy as np
import pytest

from khaosat.bench.paper_hand import DOUBTFUL, INK_BANDS, MM, STYLES, Pen, draw_mark, fill_page, ink_band
from khaosat.demo.hand import render_pages
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

SIDE = 15.59 * 300 / 72  # the form's box, in pixels at 300 dpi


@pytest.fixture(scope="module")
def form():
    renderer = FormRenderer(load_questionnaire(""))
    context = FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", "ABCDEFGH", dossier_code="H-1")
    return renderer.layout, render_pages(renderer.render(context))[0]


def _centre(layout, box):
    scale = 300 / 72
    x, y = box.rect.center
    return np.array([x * scale, (layout.page_height - y) * scale])


def test_a_marked_answer_has_its_ink_nearest_its_own_box(form):
    layout, clean = form
    page = layout.pages[0]
    singles = 0
    for seed in range(4):
        image = clean.copy()
        for answer in fill_page(image, layout, page, np.random.default_rng(seed)):
            if answer.kind != "single":
                continue
            singles += 1
            stroke = answer.strokes[0]
            rows, columns = np.nonzero(stroke.mask)
            ink = np.array([columns.mean() + stroke.left, rows.mean() + stroke.top])
            boxes = [box for box in page.boxes if box.question == answer.question]
            nearest = min(boxes, key=lambda box: np.linalg.norm(_centre(layout, box) - ink))
            assert nearest.value == answer.truth, answer
    assert singles > 30


def test_the_page_holds_every_kind_of_answer_in_about_its_share(form):
    layout, clean = form
    answers = []
    for seed in range(40):
        answers += fill_page(clean.copy(), layout, layout.pages[0], np.random.default_rng(seed))
    kinds = [answer.kind for answer in answers]
    assert 0.04 < kinds.count("blank") / len(kinds) < 0.13
    assert 0.01 < kinds.count("double") / len(kinds) < 0.06
    assert 0.01 < kinds.count("correction") / len(kinds) < 0.06
    assert {answer.truth for answer in answers if answer.kind == "double"} == {DOUBTFUL}
    assert {answer.truth for answer in answers if answer.kind == "blank"} == {None}
    assert {answer.style for answer in answers if answer.kind == "single"} == set(STYLES)
    assert {answer.band for answer in answers if answer.kind == "single"} == set(INK_BANDS)


def _ink_outside_box(style: str, seed: int) -> tuple[float, bool]:
    """(closest ink to the box's square in mm, whether any ink lies on or in the square)."""
    rng = np.random.default_rng(seed)
    image = np.full((400, 400), 255, np.uint8)
    pen = Pen(int(rng.integers(20, 170)), rng.uniform(0.2, 0.9) * MM, bool(rng.random() < 0.3))
    draw_mark(image, (200.0, 200.0, SIDE), style, pen, rng)
    rows, columns = np.nonzero(image < 250)
    dx = np.maximum(np.abs(columns - 200) - SIDE / 2, 0)
    dy = np.maximum(np.abs(rows - 200) - SIDE / 2, 0)
    distance = np.hypot(dx, dy)
    return float(distance.min() / MM), bool((distance == 0).any())


def test_a_ring_outside_never_touches_its_box_and_a_touching_ring_does():
    for seed in range(60):
        clearance, _ = _ink_outside_box("ring outside", seed)
        assert clearance > 0.15, seed
        _, touches = _ink_outside_box("ring touching", seed)
        assert touches, seed


def test_ink_bands_cover_black_to_light_pencil():
    assert [ink_band(grey) for grey in (20, 59, 60, 109, 110, 169)] == [
        "black",
        "black",
        "dark",
        "dark",
        "pencil",
        "pencil",
    ]
