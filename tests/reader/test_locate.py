"""Pages whose markers are weak: found from what is left, or sent to review with no answers."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from khaosat.reader import markers as mk
from khaosat.reader import read_document
from khaosat.reader.locate import page_outline
from khaosat.survey.layout import LayoutMap, Rect

from .test_markers_photos import CODE, form, harsh_photo, hide_markers, locating_errors

__all__ = ["form"]  # the fixture, shared with the photo tests

Form = tuple[dict[str, LayoutMap], list[np.ndarray]]


def test_a_photo_without_markers_gives_its_code_and_no_answers(form: Form) -> None:
    """No marker left, the outline and the QR visible: the code is read, the page goes to review unread."""
    layouts, pages = form
    layout = next(iter(layouts.values()))
    photo = harsh_photo(hide_markers(pages[0], layout, (0, 1, 2, 3)), np.random.default_rng(4))
    result = read_document(photo, "photo.jpg", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert found.answers == {}
    assert locating_errors(result.errors)


def test_two_markers_along_one_edge_and_the_qr_are_not_a_page(form: Form) -> None:
    """The top two markers and the QR leave the rest of a tilted page to a guess: no answers from it."""
    layouts, pages = form
    layout = next(iter(layouts.values()))
    photo = harsh_photo(hide_markers(pages[0], layout, (2, 3)), np.random.default_rng(4))
    result = read_document(photo, "photo.jpg", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert found.answers == {}
    assert locating_errors(result.errors)


def test_two_markers_and_the_qr_locate_a_photo(form: Form) -> None:
    """With the right-hand markers covered, the left ones and the QR fit the photo's perspective."""
    layouts, pages = form
    layout = next(iter(layouts.values()))
    photo = harsh_photo(hide_markers(pages[0], layout, (1, 2)), np.random.default_rng(4))
    result = read_document(photo, "photo.jpg", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert len(found.answers) == len({box.question for box in layout.pages[0].boxes})
    assert locating_errors(result.errors) == []


def test_a_photo_of_another_paper_is_not_a_form(form: Form) -> None:
    """A printed page of text on a desk, no markers, no QR: not taken for a form."""
    layouts, _ = form
    rng = np.random.default_rng(9)
    letter = np.full((3508, 2480), 245, np.uint8)
    for row in range(300, 3200, 70):
        for left in range(250, 2100, int(rng.integers(150, 400))):
            cv2.rectangle(letter, (left, row), (left + int(rng.integers(60, 140)), row + 30), 30, -1)
    result = read_document(harsh_photo(letter, rng), "photo.jpg", layouts)
    assert result.forms == []
    assert any("không thấy phiếu khảo sát" in error for error in result.errors)


@pytest.mark.parametrize("desk", [60, 200])
def test_the_paper_outline_is_found_on_a_darker_and_a_lighter_desk(desk: int) -> None:
    rng = np.random.default_rng(1)
    image = (desk + rng.normal(0, 6, (1400, 1100))).clip(0, 255).astype(np.uint8)
    corners = np.array([[180, 150], [930, 190], [900, 1250], [140, 1210]], np.float32)
    cv2.fillConvexPoly(image, corners.astype(np.int32), 240)
    cv2.polylines(image, [corners.astype(np.int32)], True, max(desk - 40, 0), 3)  # the paper's edge shadow
    found = page_outline(cv2.GaussianBlur(image, (0, 0), 1.2))
    assert found is not None
    assert np.max(np.linalg.norm(found - corners, axis=1)) < 6


def test_a_stray_marker_is_outvoted_and_three_along_one_edge_are_refused(form: Form) -> None:
    """Of four markers one is moved: the three that agree give the page. Two markers and the QR
    on one edge give nothing."""
    layouts, _ = form
    layout = next(iter(layouts.values()))
    page = layout.pages[0]
    frame = mk.PageFrame(layout.page_width, layout.page_height, 2.0)
    turn = np.array([[0.98, -0.05, 40.0], [0.05, 0.98, 25.0], [0.00002, 0.00001, 1.0]])

    def seen(marker: int, rect: Rect) -> mk.Detection:
        return mk.Detection(marker, mk.to_image(turn, frame.rect_corners(rect)).astype(np.float32))

    found = [seen(marker.id, marker.rect) for marker in page.markers]
    found[2] = mk.Detection(found[2].marker, found[2].corners + np.float32(400))
    matrix = mk.homography(found, page, frame)
    assert matrix is not None
    assert np.allclose(matrix / matrix[2, 2], turn / turn[2, 2], atol=1e-3)
    top = [seen(marker.id, marker.rect) for marker in page.markers[:2]] + [seen(mk.QR_ANCHOR, page.qr)]
    assert mk.homography(top, page, frame) is None
