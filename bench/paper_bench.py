"""The wide OMR benchmark (``bench/omr.py --wide``): bench/paper_hand.py's marks through
bench/paper_devices.py's scanners, faxes and phones, read by ``read_document``.

Every sample is a real form (``FormRenderer``, its own code), one page filled by the wide hand;
each condition makes its own file of it. Answers are scored as the intake would use them: a
page whose code or markers are not read goes to review as a page; an answer decided wrong
without review is silent. Whether a mark's ink survived the device is measured in the file
itself, so a reader's miss on ink that is physically gone can be told apart.
"""

from __future__ import annotations

import io
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from khaosat.bench.paper_devices import Capture, fax_fine, fax_standard, scan_bw_200, scan_grey_300, scan_upside_down
from khaosat.bench.paper_hand import DOUBTFUL, INK_BANDS, STYLES, Answer, Stroke, fill_page, fold_for_post
from khaosat.bench.paper_photo import phone_photo
from khaosat.demo.hand import render_pages
from khaosat.reader import read_document
from khaosat.reader.page import ReadOptions
from khaosat.reader.results import FormResult
from khaosat.survey.codes import ALPHABET, check_symbol
from khaosat.survey.layout import LayoutMap
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

DEVICES: dict[str, Callable[[np.ndarray, np.random.Generator], Capture]] = {
    "scan 300 grey": scan_grey_300,
    "scan 200 b/w": scan_bw_200,
    "upside down": scan_upside_down,
    "fax fine 204×196": fax_fine,
    "fax standard 204×98": fax_standard,
    "phone photo": phone_photo,
}
REVIEW_TARGET = {"scan 300 grey": 0.03, "scan 200 b/w": 0.03, "upside down": 0.03}  # others 6%
CODE_TARGET = {"fax standard 204×98": 0.98, "phone photo": 0.98}  # others 99.5%
SILENT_TARGET = 0.001
LOST_SHARE = 0.05  # a mark with less than this share of its ink left in the file is lost


@dataclass
class Cell:
    answers: int = 0
    correct: int = 0
    review: int = 0
    silent: int = 0
    lost: int = 0  # the mark's ink did not survive the device
    silent_lost: int = 0  # silent errors on lost marks
    review_lost: int = 0  # lost marks sent to review (their "lost" or "faint" flag)


@dataclass
class Tally:
    pages: int = 0
    codes: int = 0
    pages_to_review: int = 0
    doubtful: int = 0
    caught: int = 0
    doubtful_lost: int = 0
    total: Cell = field(default_factory=Cell)
    cells: dict[str, Cell] = field(default_factory=dict)  # "style / band" → figures


def sample_code(rng: np.random.Generator) -> str:
    body = "".join(ALPHABET[int(i)] for i in rng.integers(0, len(ALPHABET), 7))
    return body + check_symbol(body)


def run(pages: int, seed: int, conditions: list[str], progress: Callable[[str], None] = print) -> dict[str, Tally]:
    renderer = FormRenderer(load_questionnaire(""))
    layouts = {renderer.layout.version: renderer.layout}
    tallies: dict[str, Tally] = {}
    for name in conditions:
        started = time.perf_counter()
        tally = tallies[name] = Tally()
        for sample in range(pages):
            code, image, answers = _sample(renderer, seed, sample)
            capture = DEVICES[name](image, np.random.default_rng([seed, sample, zlib.crc32(name.encode())]))
            result = read_document(capture.data, "sample", layouts, ReadOptions(keep_page="never"))
            lost = _lost(capture, answers)
            _score(tally, code, _form(result.forms, code), answers, lost)
        progress(f"{name}: {pages} pages in {time.perf_counter() - started:.0f} s")
    return tallies


def _sample(renderer: FormRenderer, seed: int, sample: int) -> tuple[str, np.ndarray, list[Answer]]:
    """The same filled page for every condition: its randomness depends on the sample only."""
    rng = np.random.default_rng([seed, sample])
    code = sample_code(rng)
    context = FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", code, dossier_code=f"H-{sample:05d}")
    layout: LayoutMap = renderer.layout
    number = sample % len(layout.pages)
    image = render_pages(renderer.render(context))[number]
    answers = fill_page(image, layout, layout.pages[number], rng)
    fold_for_post(image, rng)
    return code, image, answers


def _form(forms: list[FormResult], code: str) -> FormResult | None:
    return next((form for form in forms if form.code == code), forms[0] if forms else None)


def _score(tally: Tally, code: str, form: FormResult | None, answers: list[Answer], lost: set[str]) -> None:
    tally.pages += 1
    read = form is not None and form.code == code
    tally.codes += read
    wrong_survey = form is not None and form.code is not None and form.code != code
    page_review = not read and not wrong_survey
    tally.pages_to_review += page_review
    decided = form.answers if form else {}
    uncertain = form.uncertain if form else {}
    for answer in answers:
        if answer.truth == DOUBTFUL:
            tally.doubtful += 1
            caught = page_review or answer.question in uncertain
            gone = answer.question in lost
            tally.caught += caught
            tally.total.silent += not caught
            tally.total.lost += gone
            tally.total.silent_lost += gone and not caught
            tally.doubtful_lost += gone
            _count(_cell(tally, answer), "review" if caught else "silent", gone)
            continue
        outcome = "review" if page_review or answer.question in uncertain else "correct"
        if outcome == "correct" and (wrong_survey or decided.get(answer.question) != answer.truth):
            outcome = "silent"
        for cell in (tally.total, _cell(tally, answer)):
            _count(cell, outcome, answer.question in lost)


def _cell(tally: Tally, answer: Answer) -> Cell:
    return tally.cells.setdefault(f"{answer.style} / {answer.band}", Cell())


def _count(cell: Cell, outcome: str, lost: bool) -> None:
    cell.answers += 1
    cell.correct += outcome == "correct"
    cell.review += outcome == "review"
    cell.silent += outcome == "silent"
    cell.lost += lost
    cell.silent_lost += lost and outcome == "silent"
    cell.review_lost += lost and outcome == "review"


def _lost(capture: Capture, answers: list[Answer]) -> set[str]:
    """Questions whose marked answer left (almost) no ink in the file; for a double mark, one
    of its two marks is enough: what is left looks like one clear answer."""
    grey = np.asarray(Image.open(io.BytesIO(capture.data)).convert("L"))
    lost = set()
    for answer in answers:
        gone = [_ink_left(grey, capture, stroke) < LOST_SHARE for stroke in answer.strokes]
        if gone and (any(gone) if answer.truth == DOUBTFUL else all(gone)):
            lost.add(answer.question)
    return lost


def _ink_left(grey: np.ndarray, capture: Capture, stroke: Stroke) -> float:
    """The share of a stroke's paper pixels still darker than the paper around them (by a tenth)."""
    rows, columns = np.nonzero(stroke.mask)
    if len(rows) == 0:
        return 0.0
    step = max(1, len(rows) // 400)
    points = np.column_stack([columns[::step] + stroke.left, rows[::step] + stroke.top, np.ones(len(rows[::step]))])
    mapped = points @ capture.to_file.T
    xy = np.round(mapped[:, :2] / mapped[:, 2:3]).astype(int)
    inside = (xy[:, 0] >= 0) & (xy[:, 1] >= 0) & (xy[:, 0] < grey.shape[1]) & (xy[:, 1] < grey.shape[0])
    xy = xy[inside]
    if len(xy) == 0:
        return 0.0
    x0, y0 = np.maximum(xy.min(axis=0) - 8, 0)
    x1, y1 = xy.max(axis=0) + 8
    paper = float(np.percentile(grey[y0:y1, x0:x1], 90))
    values = grey[xy[:, 1], xy[:, 0]].astype(np.float32)
    dark = values < 128 if capture.bilevel else values < paper * 0.9
    return float(dark.mean())


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "–"


def condition_table(tallies: dict[str, Tally]) -> str:
    lines = [
        "| condition | pages | code read | pages to review | answers | correct | review | silent "
        "| doubtful caught | marks lost | silent on lost | review, silent on the rest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t in tallies.items():
        c = t.total
        lines.append(
            f"| {name} | {t.pages} | {_pct(t.codes, t.pages)} | {t.pages_to_review} | {c.answers} "
            f"| {_pct(c.correct, c.answers)} | {_pct(c.review, c.answers)} | {_pct(c.silent, c.answers + t.doubtful)} "
            f"| {t.caught}/{t.doubtful} | {c.lost} | {c.silent_lost} "
            f"| {_pct(c.review - c.review_lost, c.answers - c.lost + t.doubtful_lost)}, "
            f"{_pct(c.silent - c.silent_lost, c.answers + t.doubtful - c.lost)} |"
        )
    return "\n".join(lines)


def pooled_cells(tallies: dict[str, Tally]) -> dict[str, Cell]:
    pooled: dict[str, Cell] = {}
    order = [*STYLES, "correction", "double"]
    for style in order:
        for band in INK_BANDS:
            pooled[f"{style} / {band}"] = Cell()
    pooled["blank / –"] = Cell()
    for tally in tallies.values():
        for key, cell in tally.cells.items():
            target = pooled.setdefault(key, Cell())
            for name, value in asdict(cell).items():
                setattr(target, name, getattr(target, name) + value)
    return {key: cell for key, cell in pooled.items() if cell.answers}


def style_table(tallies: dict[str, Tally]) -> str:
    lines = [
        "| style / ink (all conditions) | answers | correct | review | silent | marks lost | silent on lost |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, c in pooled_cells(tallies).items():
        lines.append(
            f"| {key} | {c.answers} | {_pct(c.correct, c.answers)} | {_pct(c.review, c.answers)} "
            f"| {_pct(c.silent, c.answers)} ({c.silent}) | {c.lost} | {c.silent_lost} |"
        )
    return "\n".join(lines)


def verdicts(tallies: dict[str, Tally]) -> list[tuple[str, bool]]:
    """Every target with whether it is met."""
    checks = []
    for name, t in tallies.items():
        c = t.total
        code_target = CODE_TARGET.get(name, 0.995)
        review_target = REVIEW_TARGET.get(name, 0.06)
        checks.append((f"{name}: code read ≥ {100 * code_target:g}%", t.codes >= code_target * t.pages))
        checks.append((f"{name}: review ≤ {100 * review_target:g}%", c.review <= review_target * c.answers))
        checks.append((f"{name}: silent ≤ 0.1%", c.silent <= SILENT_TARGET * (c.answers + t.doubtful)))
    for key, c in pooled_cells(tallies).items():
        checks.append((f"{key}: silent ≤ 0.1%", c.silent <= SILENT_TARGET * c.answers))
    return checks


def report(pages: int, seed: int, conditions: list[str], json_path: str = "") -> None:
    started = time.perf_counter()
    tallies = run(pages, seed, conditions)
    print(condition_table(tallies))
    print(
        "silent: of all answers, doubtful ones included; marks lost: the answer's ink kept at under "
        f"{100 * LOST_SHARE:g}% of its pixels in the file (one of two, for a double mark); "
        "the last column: review and silent of the answers whose marks were not lost"
    )
    print()
    print(style_table(tallies))
    print()
    checks = verdicts(tallies)
    for what, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    print(f"({time.perf_counter() - started:.0f} s in all)")
    if json_path:
        figures = {
            "seed": seed,
            "pages": pages,
            "conditions": {name: asdict(t) for name, t in tallies.items()},
            "styles": {key: asdict(c) for key, c in pooled_cells(tallies).items()},
            "targets": [{"target": what, "met": ok} for what, ok in checks],
        }
        Path(json_path).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
