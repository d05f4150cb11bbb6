"""Where a 1-bit page's device cut its greys, read off the form's grey wedge (survey/wedge.py).

A patch counts as kept when most of its middle is black. The cut is the lightest grey of the
wedge's leading run of kept patches: a patch kept beyond a lost one is a stray mark or dirt,
not the device. A page with no black patch where the wedge belongs (a form printed before the
wedge, a foot cut off) says nothing: ``None``.
"""

from __future__ import annotations

import numpy as np

from ..survey.layout import Rect
from ..survey.wedge import wedge_patches
from .markers import PageFrame

INSET = 0.25  # share of a patch's side left out on each side (the print's edges, misregistration)
KEPT_SHARE = 0.5  # a patch is kept when this share of its middle is black


def device_cut(canvas: np.ndarray, frame: PageFrame) -> int | None:
    """The lightest printed grey (0–255) a 1-bit page kept black; 0 when it kept none of the
    greys; None when the page shows no wedge."""
    patches = wedge_patches()
    (reference, _), *steps = patches
    if _black_share(canvas, frame, reference) < KEPT_SHARE:
        return None
    cut = 0
    for rect, grey in steps:
        if _black_share(canvas, frame, rect) < KEPT_SHARE:
            break
        cut = grey
    return cut


def _black_share(canvas: np.ndarray, frame: PageFrame, rect: Rect) -> float:
    corners = frame.rect_corners(rect)
    (left, top), (right, bottom) = corners[0], corners[2]
    dx, dy = (right - left) * INSET, (bottom - top) * INSET
    middle = canvas[round(top + dy) : round(bottom - dy), round(left + dx) : round(right - dx)]
    return float((middle < 128).mean()) if middle.size else 0.0
