"""Marks in answer boxes: measure the ink in each box, then decide per question.

Pure functions on numbers and arrays. A box's ink is the share of its inner area (inside
the printed border) darker than the paper around it by a margin, so uneven light and grey
paper do not count as ink. The decision looks at a question's boxes together: their
common floor (fax noise, a label printed in every box) is taken off first, then

- one clear mark and nothing else → that value;
- nothing above the blank line → blank (None);
- two marks, a faint mark (between the lines), or a filled box (people fill a box to
  cancel it) → uncertain, for a person to look at.

On 1-bit pages (faxes, black-and-white scans) a light pencil mark is mostly lost when the
sender's machine thresholds the page: what is left is a few dots, as little ink as dust.
``BILEVEL_THRESHOLDS`` send such a trace to review instead of reading the question blank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INNER_MARGIN = 0.16  # share of the box's side left out on each side (the printed border)
PAPER_PERCENTILE = 90


@dataclass(frozen=True)
class Thresholds:
    pixel: float = 0.15  # a pixel starts to count as ink this much darker than the paper (0–1)
    solid: float = 0.5  # ... and counts fully this much darker
    blank: float = 0.025  # adjusted ink below this is no mark
    mark: float = 0.045  # adjusted ink at or above this is a mark
    floor_cap: float = 0.05  # at most this much is taken off as the question's floor
    filled: float = 0.62  # ink above which a box may be filled in
    filled_cells: float = 0.45  # ... and every cell but one of a 3×3 grid this inked
    trace: float | None = None  # with no mark, a box with this much adjusted ink ...
    trace_lead: float = 2.0  # ... and this many times the next box's is a mark's trace


DEFAULT_THRESHOLDS = Thresholds()
BILEVEL_THRESHOLDS = Thresholds(trace=0.008)


@dataclass(frozen=True)
class Ink:
    ratio: float  # share of inked pixels in the inner area, 0–1
    cells: float  # the second least inked of the inner area's 3×3 cells, 0–1


@dataclass(frozen=True)
class Decision:
    value: str | None
    uncertain: bool
    reason: str  # "", "double", "faint", "cancelled", "unreadable"
    confidence: float  # 0–1; 1 is a clean mark or a clean blank


def paper_level(region: np.ndarray) -> float:
    """The grey level of the paper in a region around a box (its light pixels)."""
    return max(float(np.percentile(region, PAPER_PERCENTILE)), 1.0)


def measure(box: np.ndarray, paper: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Ink:
    """The ink of a box cut from the canvas (border included) against the paper level.

    A pixel counts in proportion to how dark it is between the two pixel thresholds, so a
    thin stroke blurred over two pixels counts about as much as a sharp one.
    """
    rows, columns = box.shape
    top, left = round(rows * INNER_MARGIN), round(columns * INNER_MARGIN)
    inner = box[top : rows - top, left : columns - left].astype(np.float32)
    if inner.size == 0:
        return Ink(0.0, 0.0)
    darkness = 1.0 - inner / paper
    span = thresholds.solid - thresholds.pixel
    inked = np.clip((darkness - thresholds.pixel) / span, 0.0, 1.0)
    return Ink(float(inked.mean()), _second_least_cell(inked))


def _second_least_cell(inked: np.ndarray) -> float:
    rows, columns = inked.shape
    if rows < 3 or columns < 3:
        return 0.0
    row_cuts = (0, rows // 3, 2 * rows // 3, rows)
    column_cuts = (0, columns // 3, 2 * columns // 3, columns)
    shares = sorted(
        float(inked[row_cuts[i] : row_cuts[i + 1], column_cuts[j] : column_cuts[j + 1]].mean())
        for i in range(3)
        for j in range(3)
    )
    return shares[1]


def floor(inks: list[Ink], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> float:
    """What every box of a question carries without a mark: the median of four or more
    boxes (at most a couple are marked), the least of fewer; never more than the cap."""
    ratios = sorted(ink.ratio for ink in inks)
    if not ratios:
        return 0.0
    common = float(np.median(ratios)) if len(ratios) >= 4 else ratios[0]
    return min(common, thresholds.floor_cap) if len(ratios) > 1 else 0.0


def is_filled(ink: Ink, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    return ink.ratio >= thresholds.filled and ink.cells >= thresholds.filled_cells


def decide(values: list[str], inks: list[Ink], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """The answer to one question from the ink of its boxes (``values[i]`` ↔ ``inks[i]``)."""
    base = floor(inks, thresholds)
    adjusted = [ink.ratio - base for ink in inks]
    if any(is_filled(ink, thresholds) for ink in inks):
        return Decision(None, True, "cancelled", 0.0)
    marked = [i for i, level in enumerate(adjusted) if level >= thresholds.mark]
    faint = [i for i, level in enumerate(adjusted) if thresholds.blank <= level < thresholds.mark]
    if len(marked) > 1:
        return Decision(None, True, "double", 0.0)
    if faint:
        return Decision(None, True, "faint", 0.0)
    if not marked:
        if _trace(adjusted, thresholds):
            return Decision(None, True, "faint", 0.0)
        top = max(adjusted, default=0.0)
        return Decision(None, False, "", _clip(1.0 - max(top, 0.0) / thresholds.blank))
    level = adjusted[marked[0]]
    runner_up = max((a for i, a in enumerate(adjusted) if i != marked[0]), default=0.0)
    confidence = _clip((level - thresholds.mark) / thresholds.mark + 0.5) * _clip(
        1.0 - max(runner_up, 0.0) / thresholds.blank
    )
    return Decision(values[marked[0]], False, "", confidence)


def _trace(adjusted: list[float], thresholds: Thresholds) -> bool:
    """Whether one box stands out of a question with no mark: a lost mark's remains."""
    if thresholds.trace is None or not adjusted:
        return False
    top, *rest = sorted(adjusted, reverse=True)
    runner_up = max(rest[0], 0.0) if rest else 0.0
    return top >= thresholds.trace and top >= thresholds.trace_lead * runner_up


def _clip(value: float) -> float:
    return float(min(1.0, max(0.0, value)))
