"""The wide benchmark's devices (bench/paper_devices.py, bench/paper_photo.py) and its scoring."""

import io

import numpy as np
import pytest
from PIL import Image

from khaosat.bench.paper_bench import DEVICES, Tally, _ink_left, _score
from khaosat.bench.paper_devices import Capture
from khaosat.bench.paper_hand import DOUBTFUL, Answer, Stroke
from khaosat.demo.hand import render_pages
from khaosat.reader.results import FormResult, PageResult
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer


@pytest.fixture(scope="module")
def form():
    renderer = FormRenderer(load_questionnaire(""))
    context = FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", "ABCDEFGH", dossier_code="H-1")
    return renderer.layout, render_pages(renderer.render(context))[0]


@pytest.fixture(scope="module")
def captures(form):
    _, page = form
    return {name: device(page, np.random.default_rng(7)) for name, device in DEVICES.items()}


def _marker_darkness(layout, capture: Capture) -> list[float]:
    """The share of dark file pixels where ``to_file`` puts each corner marker."""
    grey = np.asarray(Image.open(io.BytesIO(capture.data)).convert("L"))
    shares = []
    for marker in layout.pages[0].markers:
        r = marker.rect
        xs, ys = np.meshgrid(np.linspace(r.x, r.x + r.width, 9), np.linspace(r.y, r.y + r.height, 9))
        points = np.column_stack([xs.ravel() * 300 / 72, (layout.page_height - ys.ravel()) * 300 / 72, np.ones(81)])
        mapped = points @ capture.to_file.T
        x, y = (np.round(mapped[:, :2] / mapped[:, 2:3]).astype(int)).T
        paper = np.percentile(grey, 90)
        shares.append(float((grey[y, x] < paper * 0.6).mean()))
    return shares


@pytest.mark.parametrize("name", list(DEVICES))
def test_every_device_says_where_the_page_went(form, captures, name):
    layout, _ = form
    assert min(_marker_darkness(layout, captures[name])) > 0.45


def test_files_have_the_kind_resolution_and_mode_of_their_device(captures):
    opened = {name: Image.open(io.BytesIO(capture.data)) for name, capture in captures.items()}
    assert opened["scan 300 grey"].format == "JPEG" and opened["scan 300 grey"].mode == "L"
    assert opened["scan 200 b/w"].mode == "1" and opened["scan 200 b/w"].info["dpi"] == (200, 200)
    fine, standard = opened["fax fine 204×196"], opened["fax standard 204×98"]
    assert fine.info["compression"] == standard.info["compression"] == "group4"
    assert fine.size[0] == standard.size[0] == 1728
    assert fine.info["dpi"] == (204, 196) and standard.info["dpi"] == (204, 98)
    assert opened["phone photo"].format == "JPEG" and opened["phone photo"].mode == "RGB"


def test_a_phone_photo_shows_the_desk_around_the_whole_page(form, captures):
    _, page = form
    rows, columns = page.shape
    for capture in (captures["phone photo"], DEVICES["phone photo"](page, np.random.default_rng(2))):
        width, height = Image.open(io.BytesIO(capture.data)).size
        corners = np.array([[0, 0, 1], [columns, 0, 1], [columns, rows, 1], [0, rows, 1]], float) @ capture.to_file.T
        corners = corners[:, :2] / corners[:, 2:3]
        assert (corners > 0).all() and (corners < [width, height]).all()
        x, y = corners.T
        area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        assert area < 0.85 * width * height


def test_ink_left_tells_a_kept_mark_from_a_vanished_one():
    stroke = Stroke(10, 10, np.ones((5, 5), bool))
    inked = np.full((40, 40), 255, np.uint8)
    inked[10:15, 10:15] = 0
    kept = Capture(b"", np.eye(3), True)
    assert _ink_left(inked, kept, stroke) == 1.0
    assert _ink_left(np.full((40, 40), 255, np.uint8), kept, stroke) == 0.0


def _form(code, answers, uncertain=()):
    page = PageResult(index=0, page=1, code=code, code_read=code is not None, answers=answers)
    page.uncertain = {question: "?" for question in uncertain}
    return FormResult(1, code, "2", "omr", [page])


def test_scoring_counts_a_wrong_survey_as_silent_and_an_unread_page_as_review():
    answers = [Answer("Q1", "2", "single", "tick", "black", ()), Answer("Q2", DOUBTFUL, "double", "double", "dark", ())]
    unread, wrong, right = Tally(), Tally(), Tally()
    _score(unread, "CODE", None, answers, set())
    _score(wrong, "CODE", _form("OTHER", {"Q1": "2", "Q2": "1"}, ["Q2"]), answers, set())
    _score(right, "CODE", _form("CODE", {"Q1": "2", "Q2": "1"}), answers, set())
    assert (unread.total.review, unread.total.silent, unread.caught) == (1, 0, 1)
    assert (wrong.total.silent, wrong.caught) == (1, 1)
    assert (right.total.correct, right.total.silent, right.caught) == (1, 1, 0)
