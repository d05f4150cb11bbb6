"""Marks in answer boxes: each box's evidence, measured against the page's own levels.

Pure functions on numbers and arrays. ``measure_question`` takes a question's boxes, each cut
from the canvas centred on the box with room for a ring drawn around it, and weighs ink
against the page's own levels (``page_scale``): a pixel is ink when it is darker than the
paper by more than the page's noise, and counts fully at a share of the darkness of the
printed box borders, so a light pencil line counts on a clean scan as a pen line does. The
form's own print (borders, the rule under the row, labels) is what the boxes of a question
have in common (for fewer than three boxes, what the page's boxes usually have), and is
taken off before anything is counted. Each box then says:

- ``ratio``: the ink inside the box; ``cells``: how evenly it is spread (a solid fill);
- ``ring``: the share of the directions around the box crossed by a stroke outside the box
  (a circled box covers nearly all of them; a tick's ends or a neighbour's mark a few).

``reader/decisions.py`` turns that evidence into answers; ``Thresholds`` hold the levels of
both. ``BILEVEL_THRESHOLDS`` are those of thresholded 1-bit pages (faxes, black-and-white
scans): there ink is a stroke only in pieces long enough, and the scattered dots of fax
noise are "specks", which can make a trace but never a mark. ``DITHERED_THRESHOLDS`` are
those of a fax that dithered its greys, read blurred back into greys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

INNER_MARGIN = 0.16  # share of the box's side left out on each side (the printed border)
PAPER_PERCENTILE = 90
RING_REACH = 1.0  # how far from the box's centre a ring is looked for, in box sides
SECTORS = 32  # directions around a box
BAND = 0.12  # half the width of the band along a box's border, in box sides
BAND_EXCESS = 0.08  # ink (in pixels, per box side) a ring adds to a direction of that band
DOT_AREA = 0.3  # a blob of this many squares of a stroke's reach is a dot, if ...
DOT_SOLIDITY = 0.5  # ... it covers this share of its bounding box
HALVES = tuple(  # the directions on each side of a box: left (sector 0), above, right, below
    (np.arange(SECTORS) - facing + SECTORS // 4) % SECTORS < SECTORS // 2 for facing in range(0, SECTORS, SECTORS // 4)
)


@dataclass(frozen=True)
class Thresholds:
    pixel: float = 0.16  # a pixel is ink from this share of the printed borders' darkness ...
    pixel_floor: float = 0.14  # ... never below this darkness (an erased mark's smudge) ...
    noise_sigmas: float = 5.0  # ... and this many times the page's paper noise
    solid: float = 0.45  # ... and counts fully at this share of the borders' darkness
    stroke: float = 0.2  # a pixel this inked (0–1) outside the box is part of a stroke
    blank: float = 0.02  # adjusted ink below this is no mark
    mark: float = 0.04  # adjusted ink at or above this is a mark
    floor_cap: float = 0.05  # at most this much is taken off as the question's floor
    filled: float = 0.3  # ink above which a box may be filled in
    filled_cells: float = 0.6  # ... and every cell but one of a 3×3 grid this much covered
    crossed: float = 0.1  # beside a filled box, the other mark needs this much ink to be the answer
    ring_mark: float = 0.6  # a box with this share of the directions around it crossed is circled
    ring_faint: float = 0.3  # ... and with this share, a trace of something around it
    ring_sure: float = 0.8  # so many directions crossed is a ring even if every box has one
    ring_blind: float = 0.5  # on a page whose boxes usually have this much, no ring can be seen
    unsure_share: float = 0.5  # a page with this share of its questions doubtful is not understood
    trace: float | None = None  # with no mark, a box with this much adjusted ink ...
    trace_lead: float = 2.0  # ... and this many times the next box's is a mark's trace
    lost_share: float | None = None  # a page with this share of its questions blank may have lost its marks
    light_cut: int | None = None  # a page whose wedge kept this grey black lost no light mark; one that did not, any
    stroke_reach: float | None = None  # on 1-bit pages ink is a stroke only in pieces this long (box sides)
    stroke_share: float | None = None  # ... and a mark's strokes carry this share of its box's ink
    smudge_cells: float | None = None  # any ink over this share of every cell but one, lighter than a fill, is a smudge


DEFAULT_THRESHOLDS = Thresholds()
BILEVEL_THRESHOLDS = Thresholds(
    trace=0.008, ring_faint=0.4, lost_share=0.3, light_cut=170, stroke_reach=0.3, stroke_share=0.5
)
DITHERED_THRESHOLDS = Thresholds(smudge_cells=0.15)  # a dithered page, its dots blurred back into greys


@dataclass(frozen=True)
class PageScale:
    """The page's own levels: how dark its printed borders are and how noisy its paper is."""

    ink: float = 0.85  # darkness of the printed box borders, 0–1 of the paper
    noise: float = 0.0  # spread of the paper's darkness inside blank boxes
    blank: np.ndarray | None = None  # the darkness of the page's usual box crop: its print


@dataclass(frozen=True)
class Ink:
    ratio: float  # the ink of strokes in the inner area, 0–1
    cells: float  # the covered share of the second least covered of the inner area's 3×3 cells
    ring: float = 0.0  # share of the directions around the box crossed by a stroke, 0–1
    specks: float = 0.0  # more ink inside the box, too light or (on 1-bit pages) too small to be a stroke
    ring_specks: float = 0.0  # more directions, crossed only by specks
    spread: float = 0.0  # as ``cells``, of any ink, however light

    @property
    def any_ratio(self) -> float:
        """All the ink inside the box, specks included."""
        return self.ratio + self.specks

    @property
    def any_ring(self) -> float:
        """All the directions crossed around the box, specks included."""
        return self.ring + self.ring_specks


def crop_size(side: float) -> int:
    """The side (odd, in pixels) of the square cut around a box of ``side`` pixels."""
    return 2 * int(np.ceil(side * RING_REACH)) + 1


def darkness(crop: np.ndarray) -> np.ndarray:
    """How much darker than its paper each pixel of a crop is (0 paper, 1 black)."""
    sample = crop[::2, ::2].ravel()  # every fourth pixel: as good a paper level, four times faster
    rank = PAPER_PERCENTILE * (sample.size - 1) // 100
    paper = max(float(np.partition(sample, rank)[rank]), 1.0)
    return np.clip(1.0 - crop.astype(np.float32) * np.float32(1.0 / paper), 0.0, 1.0)


def page_scale(darks: list[np.ndarray], side: float) -> PageScale:
    """The border darkness and paper noise of a page, from the darkness crops of its boxes."""
    if not darks:
        return PageScale()
    shape = _Shape.of(darks[0].shape[0], side)
    stack = np.stack(darks)
    borders = np.percentile(stack[:, shape.border], 90, axis=1)
    inner = stack[:, shape.inner]
    spreads = 1.4826 * np.median(np.abs(inner - np.median(inner, axis=1, keepdims=True)), axis=1)
    usual = np.median(stack, axis=0).astype(np.float32) if len(darks) >= 3 else None
    return PageScale(max(float(np.median(borders)), 0.2), float(np.median(spreads)), usual)


def measure_question(
    darks: list[np.ndarray], side: float, scale: PageScale, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Ink]:
    """The evidence of each box of one question, with the form's print taken off."""
    if not darks:
        return []
    shape = _Shape.of(darks[0].shape[0], side)
    low = max(thresholds.pixel * scale.ink, thresholds.pixel_floor, thresholds.noise_sigmas * scale.noise)
    high = max(low + 0.1, thresholds.solid * scale.ink)
    weights = list(np.clip((np.stack(darks) - low) * np.float32(1.0 / (high - low)), 0.0, 1.0))
    page_print = None
    if scale.blank is not None and scale.blank.shape == darks[0].shape:
        page_print = np.clip((scale.blank - low) * np.float32(1.0 / (high - low)), 0.0, 1.0)
    residuals = _without_print(weights, shape, page_print)
    thick_outlines = None
    if len(darks) > 1 or page_print is not None:
        thick_outlines = _thick_outlines(weights, shape, side, page_print)
    inked = [residual >= thresholds.stroke for residual in residuals]
    if thresholds.stroke_reach is None:
        in_strokes = inked
    else:
        in_strokes = [_in_strokes(mask, thresholds.stroke_reach * side) for mask in inked]
    rings = _rings(in_strokes, shape, thick_outlines)
    any_rings = rings if thresholds.stroke_reach is None else _rings(inked, shape, thick_outlines)
    inks = []
    for residual, strokes, ring, any_ring in zip(residuals, in_strokes, rings, any_rings, strict=True):
        inner, in_stroke = residual[shape.inner_box], strokes[shape.inner_box]
        ratio = float((inner * in_stroke).mean())
        specks = float(inner.mean()) - ratio
        spread = _second_least_cell(inner > 0)
        inks.append(Ink(ratio, _second_least_cell(in_stroke), ring, specks, max(any_ring - ring, 0.0), spread))
    return inks


def _in_strokes(inked: np.ndarray, reach: float) -> np.ndarray:
    """The inked pixels that belong to a piece at least ``reach`` pixels long or wide, or to
    a solid blob (a dot made on purpose); the scattered dots a fax's dither or noise leaves
    of a grey smudge are neither."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inked.astype(np.uint8), connectivity=8)
    if count <= 1:
        return inked
    width, height, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    blob = (area >= DOT_AREA * reach * reach) & (area >= DOT_SOLIDITY * width * height)
    kept = (np.maximum(width, height) >= reach) | blob
    kept[0] = False
    return np.asarray(kept[labels])


def _rings(inked: list[np.ndarray], shape: _Shape, thick_outlines: list[np.ndarray] | None) -> list[float]:
    """Each box's share of the directions around it crossed by ink (two pixels or more), of
    the directions the question's boxes do not all have crossed (their print); at most twice
    its least crossed side's: a ring goes all around, a neighbour's ring reaching in comes
    from one side."""
    strokes = [np.bincount(shape.sector_of, mask[shape.around], SECTORS) >= 2 for mask in inked]
    if thick_outlines is not None:
        strokes = [crossed | thick for crossed, thick in zip(strokes, thick_outlines, strict=True)]
    common = np.sum(strokes, axis=0) >= max(2, (len(strokes) + 1) // 2)
    open_sectors = ~common if len(strokes) > 1 and (~common).sum() >= SECTORS // 3 else np.ones(SECTORS, bool)
    sides = [half & open_sectors for half in HALVES if (half & open_sectors).any()]
    shares = []
    for crossed in strokes:
        least_side = min(float(crossed[side].mean()) for side in sides)
        shares.append(min(float(crossed[open_sectors].mean()), 2 * least_side))
    return shares


def _without_print(weights: list[np.ndarray], shape: _Shape, page_print: np.ndarray | None) -> list[np.ndarray]:
    """Each box's ink less its print, a pixel of slack each way. The print is what every box
    of the question has; with fewer than three boxes, what the page's boxes usually have (two
    boxes may share a ring each); with neither, only the border is taken off."""
    if len(weights) >= 3 or (len(weights) == 2 and page_print is None):
        common = np.min(weights, axis=0).astype(np.float32)
    elif page_print is not None:
        common = page_print
    else:
        return [np.where(shape.border_zone, 0.0, weights[0]).astype(np.float32)]
    common = cv2.dilate(common, np.ones((3, 3), np.uint8))
    return [np.clip(weight - common, 0.0, 1.0) for weight in weights]


def _thick_outlines(
    weights: list[np.ndarray], shape: _Shape, side: float, page_print: np.ndarray | None
) -> list[np.ndarray]:
    """The directions in which a box's outline carries more ink than the usual outline (of
    the question's boxes, or of the page's for fewer than three): a ring drawn touching the
    box runs along its border."""
    masses = np.stack([np.bincount(shape.band_sector, w[shape.band], SECTORS) for w in weights])
    if len(weights) >= 3:
        usual = np.median(masses, axis=0)
    elif page_print is not None:
        usual = np.bincount(shape.band_sector, page_print[shape.band], SECTORS)
    else:
        usual = masses.min(axis=0)
    return list(masses - usual >= BAND_EXCESS * side)


@dataclass(frozen=True)
class _Shape:
    """Where the parts of a box are in its crop: inside, the border, around it."""

    inner_box: tuple[slice, slice]
    inner: np.ndarray  # bool masks of the crop
    border: np.ndarray
    border_zone: np.ndarray
    around: np.ndarray
    sector_of: np.ndarray  # the direction of each pixel of ``around``
    band: np.ndarray  # along the border, a little wider than the border zone
    band_sector: np.ndarray  # the direction of each pixel of ``band``

    @staticmethod
    @lru_cache(maxsize=16)
    def of(size: int, side: float) -> _Shape:
        centre = (size - 1) / 2
        y, x = np.mgrid[0:size, 0:size].astype(np.float32) - centre
        square = np.maximum(np.abs(x), np.abs(y))
        half_inner = side * (0.5 - INNER_MARGIN)
        start, stop = int(np.ceil(centre - half_inner)), int(np.floor(centre + half_inner)) + 1
        slack = max(1.5, 0.06 * side)
        inner = square <= half_inner
        around = ~inner & (np.hypot(x, y) <= side * RING_REACH)
        band = np.abs(square - side / 2) <= BAND * side
        sector = ((np.arctan2(y, x) + np.pi) / (2 * np.pi) * SECTORS).astype(np.int64) % SECTORS
        return _Shape(
            (slice(start, stop), slice(start, stop)),
            inner,
            np.abs(square - side / 2) <= 1.0,
            np.abs(square - side / 2) <= slack,
            around,
            sector[around],
            band,
            sector[band],
        )


def _second_least_cell(covered: np.ndarray) -> float:
    """The covered share of the second least covered of a 3×3 grid over the inner area."""
    if min(covered.shape) < 3:
        return 0.0
    cells = cv2.resize(covered.astype(np.float32), (3, 3), interpolation=cv2.INTER_AREA)
    return float(np.partition(cells.ravel(), 1)[1])
