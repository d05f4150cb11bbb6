"""QR benchmark: is the survey code still read when the form's QR carries a web link?

    .venv/bin/python bench/qr.py [--pages 100] [--seed 2022]

For each payload (``KS/<version>/<code>`` without a web channel, a typical link, the longest
link settings accept) every sample is a real form from ``FormRenderer`` with its own code,
one of its pages turned into a standard fax, a fine fax, and a harsher standard fax than
``demo/scanners.py`` makes (optics blur, a threshold from 105 to 190, 0.6% speckle, ±3%
paper-feed speed, 1% of lines repeated as a receiver does for a damaged line), then read
with ``read_document`` as ``khaosat parse`` does. Reported: the QR's version and module
size, and the share of pages whose survey code came back. Nothing is filled in: the
answers are bench/omr.py's business.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from khaosat.demo.hand import RENDER_DPI, render_pages
from khaosat.demo.scanners import fax_fine, fax_standard
from khaosat.reader import read_document
from khaosat.reader.page import ReadOptions
from khaosat.survey.codes import ALPHABET, check_symbol
from khaosat.survey.geometry import MM
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

PAYLOADS = {  # name → [web] base_url
    "KS/<version>/<code>": "",
    "link, 49 characters": "https://khaosat.skhcn.lamdong.gov.vn",
    "link, 69 characters, prefix in bytes": "https://motcua.skhcn.lamdong.gov.vn/khaosat/phieu-online",
}


def harsh_fax(page: np.ndarray, rng: np.random.Generator) -> bytes:
    """A standard (204×98) fax from a worse machine than demo/scanners.py's (see the module docstring)."""
    rows, columns = page.shape
    matrix = cv2.getRotationMatrix2D((columns / 2, rows / 2), rng.uniform(-2.5, 2.5), 1.0)
    skewed = cv2.warpAffine(page, matrix, (columns, rows), flags=cv2.INTER_AREA, borderValue=255)
    blurred = cv2.GaussianBlur(skewed, (0, 0), rng.uniform(1.0, 2.5))  # 0.08–0.2 mm at 300 dpi
    lines = round(rows * 98 / RENDER_DPI)
    speed = 1 + 0.03 * np.sin(np.linspace(0, rng.uniform(2, 8), lines) + rng.uniform(0, 2 * np.pi))
    positions = np.clip(np.cumsum(speed) * rows / np.sum(speed), 0, rows - 1).astype(int)
    image = cv2.resize(blurred, (1728, rows), interpolation=cv2.INTER_AREA)[positions]
    binary = (image >= rng.uniform(105, 190)) ^ (rng.random(image.shape) < 0.006)
    for line in np.flatnonzero(rng.random(lines) < 0.01):
        if line:
            binary[line] = binary[line - 1]
    buffer = io.BytesIO()
    bitmap = Image.fromarray(binary.astype(np.uint8) * 255).convert("1", dither=Image.Dither.NONE)
    bitmap.save(buffer, "TIFF", compression="group4", dpi=(204, 98))
    return buffer.getvalue()


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], bytes]] = {
    "fax 204×98": fax_standard,
    "fax 204×196": fax_fine,
    "harsh fax 204×98": harsh_fax,
}


def sample_code(rng: np.random.Generator) -> str:
    body = "".join(ALPHABET[int(i)] for i in rng.integers(0, len(ALPHABET), 7))
    return body + check_symbol(body)


def run(pages: int, seed: int) -> list[str]:
    renderer = FormRenderer(load_questionnaire())
    layouts = {renderer.version: renderer.layout}
    options = ReadOptions(keep_page="never")
    lines = [
        f"| payload | QR | module | {' | '.join(CONDITIONS)} |",
        f"|---|---|---:|{'---:|' * len(CONDITIONS)}",
    ]
    for name, base_url in PAYLOADS.items():
        rng = np.random.default_rng(seed)
        read = dict.fromkeys(CONDITIONS, 0)
        cells = 0
        for sample in range(pages):
            code = sample_code(rng)
            context = FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", code, f"H-{sample:05d}", base_url=base_url)
            cells = len(renderer.qr_cells(context))
            image = render_pages(renderer.render(context))[sample % len(renderer.layout.pages)]
            for condition, device in CONDITIONS.items():
                forms = read_document(device(image, rng), "sample", layouts, options).forms
                read[condition] += bool(forms) and forms[0].code == code
        rates = " | ".join(f"{100 * hits / pages:.1f}%" for hits in read.values())
        module = renderer.qr_side / cells / MM
        lines.append(f"| {name} | version {(cells - 17) // 4} | {module:.2f} mm | {rates} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="pages per payload (default 100)")
    parser.add_argument("--seed", type=int, default=2022)
    arguments = parser.parse_args()
    cv2.setNumThreads(1)
    started = time.perf_counter()
    print("\n".join(run(arguments.pages, arguments.seed)))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
