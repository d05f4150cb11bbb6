"""Machine-readable symbols drawn as vector paths: the QR code and the ArUco corner markers.

Both come out as PDF path operators (``x y w h re`` … ``f``), never as images: a path is
smaller, prints sharp at any resolution and costs nothing to draw. Dark modules of one
row are merged into runs, so a version 1 QR code is about a hundred rectangles.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import cv2
import segno

from .layout import MARKER_DICTIONARY

MARKER_CELLS = 6  # a 4×4 ArUco symbol with its one-cell black border
QR_QUIET_MODULES = 4
QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
MIN_ALPHANUMERIC_RUN = 10  # below this, an alphanumeric run inside bytes is cheaper as bytes


def qr_matrix(payload: str, version: int | None = None) -> tuple[tuple[bool, ...], ...]:
    """The dark modules of the QR code of ``payload`` (alphanumeric, level M), no quiet zone."""
    code = segno.make_qr(payload, mode="alphanumeric", error="m", version=version, boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


def qr_version(payload: str) -> int:
    """The smallest QR version holding ``payload`` at level M."""
    symbol = segno.make_qr(payload, mode="alphanumeric", error="m", boost_error=False)
    return int(symbol.version)


def link_matrix(link: str) -> tuple[tuple[bool, ...], ...]:
    """The dark modules of the QR code of a web ``link``, no quiet zone.

    The smallest version that holds it at level L, then the highest level that version
    holds: the symbol is drawn in the form's fixed QR square, so a smaller version means
    bigger modules, which is what a fax needs most. Each of ``link_segments`` is a segment
    of its own, in the most compact mode segno finds for it.
    """
    # segno takes a list of segments too, though its annotation says only one str
    code = segno.make_qr(link_segments(link), error="l", boost_error=True)  # type: ignore[arg-type]
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


def link_segments(text: str) -> list[str]:
    """``text`` cut into runs of QR alphanumeric characters and runs of other characters (a
    path prefix in lower case, which goes in byte mode). When there are such bytes, an
    alphanumeric run shorter than ``MIN_ALPHANUMERIC_RUN`` joins them: the header of a
    segment of its own would cost more than it saves."""
    runs: list[tuple[str, bool]] = []  # (text, alphanumeric)
    for char in text:
        alphanumeric = char in QR_ALPHANUMERIC
        if runs and runs[-1][1] == alphanumeric:
            runs[-1] = (runs[-1][0] + char, alphanumeric)
        else:
            runs.append((char, alphanumeric))
    if len(runs) > 1:
        runs = [(part, alphanumeric and len(part) >= MIN_ALPHANUMERIC_RUN) for part, alphanumeric in runs]
    segments: list[tuple[str, bool]] = []
    for part, alphanumeric in runs:
        if segments and segments[-1][1] == alphanumeric:
            segments[-1] = (segments[-1][0] + part, alphanumeric)
        else:
            segments.append((part, alphanumeric))
    return [part for part, _ in segments]


@cache
def marker_cells(marker: int) -> tuple[tuple[bool, ...], ...]:
    """The black cells of ArUco marker ``marker`` of DICT_4X4_50, border included."""
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    image = cv2.aruco.generateImageMarker(dictionary, marker, MARKER_CELLS)
    return tuple(tuple(int(value) < 128 for value in row) for row in image)


def grid_path(cells: Sequence[Sequence[bool]], x: float, top: float, module: float) -> str:
    """PDF operators filling the dark ``cells`` of a grid whose top-left corner is (x, top).

    Row 0 is the top row; each horizontal run of dark cells is one rectangle, written in
    module units under a ``cm`` that scales them, so the path stays small.
    """
    rows = len(cells)
    parts = [f"q {module:.4f} 0 0 {module:.4f} {x:.3f} {top - rows * module:.3f} cm"]
    for row_index, row in enumerate(cells):
        y = rows - 1 - row_index
        start = -1
        for column, dark in enumerate((*row, False)):
            if dark and start < 0:
                start = column
            elif not dark and start >= 0:
                parts.append(f"{start} {y} {column - start} 1 re")
                start = -1
    parts.append("f Q")
    return "\n".join(parts)
