"""Answers from the evidence of a question's boxes (reader/marks.py), then the page's say.

Pure functions on numbers. ``decide`` looks at a question's boxes together: their common
floor (fax noise) is taken off first, then

- one clear mark (in the box, or a ring around it) and nothing else → that value;
- one box filled solid and nothing else → that value; a filled box and one other mark →
  the other box's value (the form says: to cancel, fill the wrong box and cross the right);
- nothing above the blank line → blank (None);
- two marks → "double"; a trace between the lines anywhere → "faint"; more than one fill,
  or a fill beside a doubtful mark → "cancelled": uncertain, for a person to look at.

On 1-bit pages (faxes, black-and-white scans) a light pencil mark is mostly lost when the
sender's machine thresholds the page: what is left is a few dots, as little ink as dust, and
``BILEVEL_THRESHOLDS`` send such a trace to review instead of reading the question blank. A
light mark can also vanish wholly: ``lost_marks`` sends the blank questions of a 1-bit page
to review ("lost") when the form's grey wedge shows that its device lost grey 170, or,
without the wedge, when many are blank or another holds a trace. A fax that dithers its greys
(its "photo" mode) keeps a pencil as dots as dense as its grey: such a page is blurred back
into greys and read with ``DITHERED_THRESHOLDS``, the grey page's, except that light ink
spread over a whole box is an eraser's smudge, a trace. ``unreadable_page`` sends a page the
reader does not understand to review whole ("page").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .marks import DEFAULT_THRESHOLDS, Ink, Thresholds

RING_FLOOR_CAP = 0.45  # at most this share of directions is taken off as a question's floor


@dataclass(frozen=True)
class Decision:
    value: str | None
    uncertain: bool
    reason: str  # "", "double", "faint", "cancelled", "cut", "lost" (see lost_marks), "page" (unreadable_page)
    confidence: float  # 0–1; 1 is a clean mark or a clean blank


def floor(inks: list[Ink], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> float:
    """What every box of a question carries without a mark: the median of four or more
    boxes (at most a couple are marked), the least of fewer; never more than the cap."""
    return _floor([ink.ratio for ink in inks], thresholds)


def _floor(ratios: list[float], thresholds: Thresholds) -> float:
    ratios = sorted(ratios)
    if not ratios:
        return 0.0
    common = float(np.median(ratios)) if len(ratios) >= 4 else ratios[0]
    return min(common, thresholds.floor_cap) if len(ratios) > 1 else 0.0


@dataclass(frozen=True)
class PageRing:
    """The share of directions around a box that the page's boxes usually have crossed (fax
    grain, a dark page): by strokes, and by any ink."""

    strokes: float = 0.0
    any: float = 0.0


def page_ring(inks: list[Ink]) -> PageRing:
    if not inks:
        return PageRing()
    return PageRing(float(np.median([ink.ring for ink in inks])), float(np.median([ink.any_ring for ink in inks])))


def _ring_floor(rings: list[float], cap: float = RING_FLOOR_CAP) -> float:
    """What the boxes of a question have around them without a ring (fax grain, jagged
    borders): the median of three or more, the least of two; never so much that rings around
    every box of a question would vanish (for a trace of specks around three or more boxes,
    no cap: their median is grain, a ring is strokes)."""
    rings = sorted(rings)
    if len(rings) < 2:
        return 0.0
    return min(float(np.median(rings)) if len(rings) >= 3 else rings[0], cap)


def is_filled(ink: Ink, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    return ink.ratio >= thresholds.filled and ink.cells >= thresholds.filled_cells


def decide(
    values: list[str], inks: list[Ink], thresholds: Thresholds = DEFAULT_THRESHOLDS, usual: PageRing = PageRing()
) -> Decision:
    """The answer to one question from the evidence of its boxes (``values[i]`` ↔ ``inks[i]``);
    ``usual`` is what the page's boxes usually have around them. Marks are strokes; specks
    (what a fax's dither leaves of a grey smudge or a light pencil) can only make a trace."""
    filled = [i for i, ink in enumerate(inks) if is_filled(ink, thresholds)]
    # Fewer than four boxes take the least as their floor; never a fill's neighbour alone, whose
    # trace may be what a threshold left of the cross that makes the fill a correction.
    level_inks = [ink for i, ink in enumerate(inks) if i not in filled] if len(inks) < 4 else inks
    base = floor(level_inks, thresholds)
    around = max(_ring_floor([ink.ring for ink in inks]), usual.strokes)
    adjusted = [replace(ink, ratio=ink.ratio - base, ring=ink.ring - around) for ink in inks]
    any_base = _floor([ink.any_ratio for ink in level_inks], thresholds)
    any_around = max(
        _ring_floor([ink.any_ring for ink in inks], cap=1.0 if len(inks) >= 3 else RING_FLOOR_CAP), usual.any
    )
    traces = [Ink(ink.any_ratio - any_base, ink.cells, ink.any_ring - any_around) for ink in inks]
    marked = [
        i
        for i, ink in enumerate(adjusted)
        if i not in filled and (_is_mark(ink, thresholds) or inks[i].ring - usual.strokes >= thresholds.ring_sure)
    ]
    ringed = [i for i in marked if adjusted[i].ring >= thresholds.ring_mark]
    faint = [
        i
        for i, ink in enumerate(traces)
        if i not in filled + marked and _is_trace(ink, thresholds) and not _neighbours_ring(i, ink, ringed, thresholds)
    ]
    if filled:
        clear = [
            i for i in marked if adjusted[i].ratio >= thresholds.crossed or adjusted[i].ring >= thresholds.ring_mark
        ]
        return _with_fill(values, filled, marked, faint + [i for i in marked if i not in clear])
    if len(marked) > 1:
        return Decision(None, True, "double", 0.0)
    if faint or (not marked and usual.strokes >= thresholds.ring_blind):
        return Decision(None, True, "faint", 0.0)
    levels = [ink.ratio for ink in traces]
    if not marked:
        if _trace(levels, thresholds):
            return Decision(None, True, "faint", 0.0)
        top = max(levels, default=0.0)
        return Decision(None, False, "", _clip(1.0 - max(top, 0.0) / thresholds.blank))
    chosen = adjusted[marked[0]]
    level = max(chosen.ratio / thresholds.mark, chosen.ring / thresholds.ring_mark)
    runner_up = max((a for i, a in enumerate(levels) if i != marked[0]), default=0.0)
    confidence = _clip(level - 0.5) * _clip(1.0 - max(runner_up, 0.0) / thresholds.blank)
    return Decision(values[marked[0]], False, "", confidence)


def _neighbours_ring(index: int, trace: Ink, ringed: list[int], thresholds: Thresholds) -> bool:
    """Whether a box's only trace is part of the ring drawn around the box beside it: a wide
    ring reaches into its neighbour's directions on the side they face."""
    return trace.ratio < thresholds.blank and any(abs(index - other) == 1 for other in ringed)


def _is_mark(ink: Ink, thresholds: Thresholds) -> bool:
    """``ink`` with its question's floor taken off; specks that carry most of a box's ink
    (a dithered smudge) make it a trace, not a mark, and so does light ink spread over the
    whole box where ``smudge_cells`` says so (a dither's grain lifts part of an eraser's
    smudge above the pixel level; a pen or pencil line never covers every cell)."""
    if ink.ring >= thresholds.ring_mark:
        return True
    if thresholds.smudge_cells is not None and ink.spread >= thresholds.smudge_cells and ink.ratio < thresholds.filled:
        return False
    strokes_carry = thresholds.stroke_share is None or ink.ratio >= thresholds.stroke_share * ink.any_ratio
    return ink.ratio >= thresholds.mark and strokes_carry


def _is_trace(ink: Ink, thresholds: Thresholds) -> bool:
    return ink.ratio >= thresholds.blank or ink.ring >= thresholds.ring_faint


def _with_fill(values: list[str], filled: list[int], marked: list[int], unclear: list[int]) -> Decision:
    """A filled box alone is the answer; beside one clear mark it cancels itself."""
    if len(filled) == 1 and not unclear and len(marked) <= 1:
        return Decision(values[marked[0] if marked else filled[0]], False, "", 0.8)
    if len(filled) == 1 and len(marked) > 1:
        return Decision(None, True, "double", 0.0)
    return Decision(None, True, "cancelled", 0.0)


def _trace(adjusted: list[float], thresholds: Thresholds) -> bool:
    """Whether one box stands out of a question with no mark: a lost mark's remains."""
    if thresholds.trace is None or not adjusted:
        return False
    top, *rest = sorted(adjusted, reverse=True)
    runner_up = max(rest[0], 0.0) if rest else 0.0
    return top >= thresholds.trace and top >= thresholds.trace_lead * runner_up


def _clip(value: float) -> float:
    return float(min(1.0, max(0.0, value)))


def lost_marks(
    decisions: dict[str, Decision], thresholds: Thresholds = DEFAULT_THRESHOLDS, cut: int | None = None
) -> list[str]:
    """The questions read blank on a 1-bit page whose marks may have been lost, as a light
    pencil is by a fax's threshold; [] otherwise. The form's grey wedge tells when the page
    shows one (``cut``, see reader/wedge.py): a device that kept ``light_cut`` black erased
    no light mark; one that did not may have erased any. Without a wedge: a page on which so
    many are blank (``lost_share`` of them), or on which another question holds what is left
    of a light mark (a trace)."""
    blank = [question for question, decision in decisions.items() if decision.value is None and not decision.uncertain]
    if thresholds.lost_share is None or not decisions:
        return []
    if cut is not None and thresholds.light_cut is not None:
        return [] if cut >= thresholds.light_cut else blank
    traces = any(decision.reason == "faint" for decision in decisions.values())
    return blank if traces or len(blank) >= thresholds.lost_share * len(decisions) else []


def unreadable_page(
    decisions: dict[str, Decision], usual: PageRing, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether a page's clear answers are no better than its doubtful ones: on a page where no
    ring can be seen (a shaken or blurred photo: every box looks circled), a mark may have a
    ring beside it; on one where the marks themselves leave most questions doubtful
    (``unsure_share``: a double, a trace, a cancelled fill), what was read is as suspect."""
    if not decisions:
        return False
    doubtful = sum(decision.reason in ("double", "faint", "cancelled") for decision in decisions.values())
    return usual.strokes >= thresholds.ring_blind or doubtful >= thresholds.unsure_share * len(decisions)
