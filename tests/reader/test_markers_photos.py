"""The page found on harsh phone photos: a desk around it, a shadow, tilt, blur, JPEG.

``harsh_photo`` is harder than ``demo.scanners.phone_photo`` (which the benchmark uses):
about 150 dpi on the page, a textured desk in colour, a soft shadow across part of the
page, 3–6° of tilt out of the table's plane, Gaussian or motion blur, JPEG quality 75.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from khaosat.demo.hand import RENDER_DPI, fill_page, render_pages
from khaosat.reader import markers as mk
from khaosat.reader import read_document
from khaosat.survey.layout import LayoutMap
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

CODE = "ABCDEFGG"
COARSE = 4  # pixels: the desk's grain and the light are drawn this coarse, then enlarged


def harsh_photo(page: np.ndarray, rng: np.random.Generator, *, dpi: float = 150.0, blur: str = "gauss") -> bytes:
    """A 300 dpi grey page photographed on a desk (an RGB JPEG, quality 75)."""
    factor = dpi / RENDER_DPI
    small = cv2.resize(page, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    rows, columns = small.shape
    room = rng.uniform(1.15, 1.9)
    out_w, out_h = round(columns * room * rng.uniform(1.0, 1.15)), round(rows * room)
    source = np.array([[0, 0], [columns, 0], [columns, rows], [0, rows]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, _page_quad(columns, rows, out_w, out_h, rng))
    paper = cv2.warpPerspective(small, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpPerspective(np.full_like(small, 255), matrix, (out_w, out_h), borderValue=0) > 127
    tint = np.array([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.82, 0.95)], np.float32)
    colour = cv2.transform(paper[..., None], tint.reshape(3, 1))
    image = np.where(inside[..., None], colour, _desk(out_h, out_w, rng)).astype(np.float32)
    image *= _shade(out_h, out_w, rng)[..., None]
    image = _blurred(image, rng, blur)
    image += rng.standard_normal((out_h, out_w, 1), np.float32) * np.float32(4)  # the sensor's grain
    buffer = io.BytesIO()
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB").save(buffer, "JPEG", quality=75, dpi=(72, 72))
    return buffer.getvalue()


def _page_quad(columns: int, rows: int, out_w: int, out_h: int, rng: np.random.Generator) -> np.ndarray:
    """The page's corners in the photo: turned a little, tilted 3–6° (its far edge shorter)."""
    tilt = np.radians(rng.uniform(3, 6))
    keystone = np.tan(tilt) * 0.9  # the far edge shrinks this share of its length
    half = np.array([columns, rows], np.float32) / 2
    quad = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float32) * half
    far = int(rng.integers(4))  # which edge is away from the camera
    edge = [(0, 1), (1, 2), (2, 3), (3, 0)][far]
    for corner in edge:
        other = edge[1] if corner == edge[0] else edge[0]
        quad[corner] += (quad[other] - quad[corner]) * keystone / 2
    angle = np.radians(rng.uniform(-8, 8))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    quad = quad @ turn.T * 0.97
    centre = np.array([out_w, out_h], np.float32) / 2 + rng.uniform(-0.03, 0.03, 2) * [out_w, out_h]
    return (quad + centre).astype(np.float32)


def _desk(rows: int, columns: int, rng: np.random.Generator) -> np.ndarray:
    """Wood-like grain in a random colour: streaks along one direction and blotches (uint8 RGB)."""
    base = rng.uniform(60, 170, 3).astype(np.float32)
    coarse = (rows // COARSE + 1, columns // COARSE + 1)
    streaks = cv2.GaussianBlur(cv2.resize(rng.standard_normal((coarse[0], 8), np.float32), coarse[::-1]), (0, 0), 1)
    blotches = cv2.resize(rng.standard_normal((rows // 40 + 2, columns // 40 + 2), np.float32), coarse[::-1])
    texture = cv2.resize(18 * streaks + 25 * blotches, (columns, rows))
    return np.clip(base + texture[..., None], 0, 255).astype(np.uint8)


def _shade(rows: int, columns: int, rng: np.random.Generator) -> np.ndarray:
    """Light from one side (0.6–1.0) and a soft shadow (a hand, the phone) over a part."""
    y, x = np.mgrid[0:rows:COARSE, 0:columns:COARSE].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * x / columns + np.sin(angle) * y / rows + 1) / 2
    low = rng.uniform(0.6, 0.8)
    light = low + (1.0 - low) * ramp
    edge_angle = rng.uniform(0, 2 * np.pi)
    distance = np.cos(edge_angle) * (x - columns / 2) + np.sin(edge_angle) * (y - rows / 2)
    offset = rng.uniform(0.25, 0.45) * max(rows, columns)
    softness = rng.uniform(15, 60)
    shadow = 1 - rng.uniform(0.3, 0.5) / (1 + np.exp(-(distance - offset) / softness))
    return cv2.resize((light * shadow).astype(np.float32), (columns, rows), interpolation=cv2.INTER_LINEAR)


def _blurred(image: np.ndarray, rng: np.random.Generator, kind: str) -> np.ndarray:
    if kind in ("gauss", "heavy"):
        return cv2.GaussianBlur(image, (0, 0), rng.uniform(0.8, 1.6) * (2.2 if kind == "heavy" else 1.0))
    length = int(rng.integers(3, 7))
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1.0 / length
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
    kernel = cv2.warpAffine(line, turn, (length, length))
    return cv2.filter2D(image, -1, (kernel / max(float(kernel.sum()), 1e-6)).astype(np.float32))


@pytest.fixture(scope="module")
def form() -> tuple[dict[str, LayoutMap], list[np.ndarray]]:
    renderer = FormRenderer(load_questionnaire())
    pages = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE)))
    rng = np.random.default_rng(3)
    for image, layout in zip(pages, renderer.layout.pages, strict=True):
        fill_page(image, renderer.layout, layout, rng, doubt=0.0)
    return {renderer.layout.version: renderer.layout}, pages


def hide_markers(page: np.ndarray, layout: LayoutMap, corners: tuple[int, ...]) -> np.ndarray:
    """The 300 dpi page with the markers of those corners painted over in paper white."""
    hidden = page.copy()
    scale = RENDER_DPI / 72.0
    for corner in corners:
        rect = layout.pages[0].markers[corner].rect
        left, top = round(rect.x * scale) - 4, round((layout.page_height - rect.y - rect.height) * scale) - 4
        side = round(rect.width * scale) + 8
        hidden[top : top + side, left : left + side] = 255
    return hidden


def locating_errors(errors: list[str]) -> list[str]:
    return [error for error in errors if "dấu định vị" in error]


@pytest.mark.parametrize("blur", ["gauss", "motion"])
def test_a_harsh_photo_is_located_and_its_code_read(
    form: tuple[dict[str, LayoutMap], list[np.ndarray]], blur: str
) -> None:
    """A desk around the page, a shadow, tilt, blur and JPEG 75: the page is found, its code read."""
    layouts, pages = form
    result = read_document(harsh_photo(pages[0], np.random.default_rng(5), blur=blur), "photo.jpg", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert len(found.answers) == len({box.question for box in next(iter(layouts.values())).pages[0].boxes})
    assert locating_errors(result.errors) == []


def test_a_blurred_photo_gets_its_markers_from_the_second_look(
    form: tuple[dict[str, LayoutMap], list[np.ndarray]],
) -> None:
    """Markers the plain look misses on a heavily blurred photo are found with the light evened out."""
    layouts, pages = form
    data = harsh_photo(pages[0], np.random.default_rng(2), blur="heavy")
    grey = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    assert mk.page_count(mk.detect_at(grey, mk.DETECT_SIDE, thorough=False)) < 3
    assert mk.page_count(mk.detect_markers(grey)) >= 3
    result = read_document(data, "photo.jpg", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert found.answers
    assert locating_errors(result.errors) == []
