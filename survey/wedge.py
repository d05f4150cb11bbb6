"""The grey wedge at the foot of every page: a black patch, then steps of printed grey.

A black-and-white scanner or a fax cuts the page at its own threshold: ink lighter than it
vanishes, and a light pencil mark with it, leaving nothing that tells it from a question left
blank. The wedge shows where the sender's device cut: it keeps the steps darker than its
threshold black and loses the others, as it does a pencil mark of the same grey (the paper's
tint darkens both alike). ``reader/wedge.py`` measures it. The layout map does not hold it
(it moves no box): a form printed before the wedge is read as before, without it.
"""

from __future__ import annotations

from .layout import MM, Rect

WEDGE_GREYS = (0, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190)  # 0 black … 255 paper
WEDGE_LEFT = 30 * MM  # clear of the bottom-left marker's quiet zone
WEDGE_BOTTOM = 10.5 * MM  # level with the page number
PATCH_WIDTH = 4 * MM
PATCH_HEIGHT = 3.5 * MM


def wedge_patches() -> list[tuple[Rect, int]]:
    """Each patch of the wedge, black first: (PDF rectangle, printed grey 0–255)."""
    return [
        (Rect(WEDGE_LEFT + index * PATCH_WIDTH, WEDGE_BOTTOM, PATCH_WIDTH, PATCH_HEIGHT), grey)
        for index, grey in enumerate(WEDGE_GREYS)
    ]
