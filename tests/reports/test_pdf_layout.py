"""Report PDFs wrap every name and code within its column: no word is ever drawn over another."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pdfplumber
import pytest

from khaosat.reports.pdf import MARGIN, RATE_WIDTHS
from khaosat.text import fold

from .report_files import ReportFiles, report_files

TOLERANCE = 0.5  # points: boxes that merely touch do not overlap

WORDS = (
    "Trung tâm Ứng dụng Tiến bộ Khoa học và Công nghệ, Thông tin và Thống kê thuộc Sở Khoa học "
    "và Công nghệ tỉnh Thử Nghiệm, Chi cục Tiêu chuẩn Đo lường Chất lượng, Phòng Quản lý chuyên ngành "
    "và Bộ phận Tiếp nhận và Trả kết quả giải quyết thủ tục hành chính của Trung tâm Phục vụ hành chính công"
)


def long_name(prefix: str, length: int = 250) -> str:
    """A Vietnamese name of ``length`` characters, cut at a word."""
    text = f"{prefix} {WORDS} {WORDS}"[:length]
    return text[: text.rfind(" ")] if len(text) == length else text


def slug_code(name: str) -> str:
    """A code as an export without code columns gave one before units were data: "CHI-CUC-TIEU-…", 64 characters."""
    return fold(name).upper().replace(" ", "-")[:64]


UNITS = [
    (slug_code(long_name("Đơn vị một")), long_name("Đơn vị một")),  # a generated 64-character code
    ("KHTC2026" * 8, f"Phòng {'QUẢNLÝCHUYÊNNGÀNHKHOAHỌC' * 4} và Kế hoạch"),  # long unbroken tokens
    ("QLCN", "Phòng Quản lý chuyên ngành"),
]
PROCEDURES = [
    (slug_code(long_name("Cấp giấy phép")), long_name("Cấp giấy phép")),
    ("1.004", "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    folder = tmp_path_factory.mktemp("layout")
    organization = long_name("Ủy ban nhân dân tỉnh Thử Nghiệm")
    return report_files(folder, UNITS, PROCEDURES, organization=organization, every_section=True)


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def overlap(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE


def inside(word: Box, cell: Box) -> bool:
    return (
        word[0] >= cell[0] - TOLERANCE
        and word[1] >= cell[1] - TOLERANCE
        and word[2] <= cell[2] + TOLERANCE
        and word[3] <= cell[3] + TOLERANCE
    )


def box(word: dict) -> Box:
    return (word["x0"], word["top"], word["x1"], word["bottom"])


def overlapping_words(words: list[dict]) -> Iterator[tuple[str, str]]:
    """Pairs of words whose boxes overlap (a sweep along x)."""
    ordered = sorted(words, key=lambda word: word["x0"])
    for index, word in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other["x0"] >= word["x1"] - TOLERANCE:
                break
            if overlap(box(word), box(other)):
                yield word["text"], other["text"]


def words_out_of_their_cell(page: pdfplumber.page.Page, words: list[dict]) -> Iterator[str]:
    """Words inside a grid table (a header and rows) that no single cell holds: drawn across a column rule."""
    for table in page.find_tables():
        if len(table.rows) < 2:
            continue  # the chart's bar and marks, not a table
        cells = [cell for cell in table.cells if cell]
        for word in words:
            middle = ((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2)
            in_table = inside((*middle, *middle), table.bbox)
            if in_table and not any(inside(box(word), cell) for cell in cells):
                yield word["text"]


def layout_faults(pdf_bytes: bytes) -> tuple[int, list[str]]:
    """(words checked, faults found) over every page."""
    checked, faults = 0, []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            checked += len(words)
            faults += [f"p{page.page_number}: {a!r} over {b!r}" for a, b in overlapping_words(words)]
            faults += [f"p{page.page_number}: {text!r} across a rule" for text in words_out_of_their_cell(page, words)]
    return checked, faults


@pytest.mark.parametrize("kind", ["status_pdf", "round_pdf"])
def test_no_word_is_drawn_over_another(files, kind):
    """Names of 250 characters and 64-character codes wrap inside their cells in both report PDFs."""
    checked, faults = layout_faults(getattr(files, kind))
    assert checked > 200
    assert faults == []


def page_texts(pdf_bytes: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [" ".join((page.extract_text() or "").split()) for page in pdf.pages]


def test_the_round_pdf_checked_has_every_section(files):
    """The pages checked above hold every section of the round report, filled: the check covers them all."""
    text = " ".join(page_texts(files.round_pdf))
    headings = ["I. Tỷ lệ thu hồi", "II. Tỷ lệ thu hồi phiếu theo thủ tục", "III. Theo kênh", "IV. Mức độ",
                "V. Mức độ", "VI. Mức độ", "VII. So với đợt trước (2026-1)", "VIII. Góp ý", "IX. Kết quả"]  # fmt: skip
    assert [heading for heading in headings if heading not in text] == []
    assert "Không có ý kiến viết" not in text and "Chưa có đơn vị nào gửi kết quả" not in text
    assert "Không có phiếu giấy" not in text and "evidence/" in text


def test_the_summary_is_one_page_of_its_own(files):
    """With names of 250 characters the summary still fits page 1, and the tables start on page 2."""
    pages = page_texts(files.round_pdf)
    assert "Tóm tắt — đợt 2026-2" in pages[0] and "Tỷ lệ thu hồi phiếu (trả lời / đã gửi)" in pages[0]
    assert "I. Tỷ lệ thu hồi phiếu theo đơn vị" not in pages[0]
    assert pages[1].startswith("I. Tỷ lệ thu hồi phiếu theo đơn vị")


def test_long_codes_break_after_their_hyphens(files):
    """A generated code is cut into lines at its hyphens, and the lines together give the whole code."""
    code, column_end = UNITS[0][0], MARGIN + RATE_WIDTHS[0]
    with pdfplumber.open(io.BytesIO(files.status_pdf)) as pdf:
        page = pdf.pages[0]
        table = page.find_tables()[0].bbox
        words = page.within_bbox((table[0], table[1], column_end, table[3])).extract_words()
    lines = [word["text"] for word in sorted(words, key=lambda w: w["top"])]
    lines = [line for line in lines if len(line) > 2 and line in code]
    assert len(lines) > 2
    assert "".join(lines) == code
    assert all(line.endswith("-") for line in lines[:-1])


def test_the_checker_sees_an_overprint():
    """The overlap test itself: two words drawn at the same place are caught."""
    word = {"x0": 10.0, "top": 10.0, "x1": 60.0, "bottom": 20.0, "text": "CHI-CUC"}
    moved = {**word, "x0": 40.0, "x1": 90.0, "text": "Chi"}
    beside = {**word, "x0": 60.0, "x1": 90.0, "text": "cục"}
    assert list(overlapping_words([word, moved])) == [("CHI-CUC", "Chi")]
    assert list(overlapping_words([word, beside])) == []
