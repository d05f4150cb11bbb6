"""The Unicode TTF faces shipped with khaosat (DejaVu Sans Condensed), registered with reportlab.

Never a system font: the files are read from the package itself, so every form looks the
same on every machine and carries every Vietnamese letter.
"""

from __future__ import annotations

import io
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSansCondensed"
BOLD = "DejaVuSansCondensed-Bold"
_FILES = {REGULAR: "DejaVuSansCondensed.ttf", BOLD: "DejaVuSansCondensed-Bold.ttf"}


def register_fonts() -> None:
    """Register both faces with reportlab once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in _FILES.items():
        if name in registered:
            continue
        data = resources.files(__package__).joinpath("fonts", file_name).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))


def face(bold: bool) -> str:
    return BOLD if bold else REGULAR


def text_width(text: str, bold: bool, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, face(bold), size))
