"""English mode for the reports: the round report's PDF and XLSX, the status PDF, the rates table.

The words are read back from the PDFs with pdfplumber, as a reader of the printed page sees them.
"""

from __future__ import annotations

import io

import openpyxl
import pdfplumber
import pytest
from rich.console import Console
from sqlmodel import Session

from khaosat.mailer.round_report import write_round_report
from khaosat.mailer.status import status_document
from khaosat.reports.rates import rates_report, resolve_round
from khaosat.reports.rates_format import rates_notes, rates_table
from khaosat.survey.counts import unit_totals

from ..support.report_data import NOW, UNIT_NAMES, seed_round
from ..support.settings import make_settings

COUNTS = {"QLCN": (2, 2, 2), "KHTC": (3, 3, 1), "TDC": (1, 0, 0)}


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


@pytest.fixture
def seeded(tmp_path, engine, database_url):
    """A round with three units, one below target and one with nothing sent; English, then Vietnamese, settings."""
    english = make_settings(tmp_path, database={"url": database_url}, organization={"language": "en"})
    seed_round(engine, english, COUNTS)
    return english, make_settings(tmp_path, database={"url": database_url})


def test_the_round_report_is_english(engine, seeded):
    """Title, sections, summary, headers and dates in English; the units' names as the export wrote them."""
    english, vietnamese = seeded
    result = write_round_report(engine, english, "2026-2", now=NOW)
    assert result.subject == "Satisfaction survey results report — round 2026-2"
    assert result.pdf_path.name == "Round-report-2026-2.pdf"
    text = pdf_text(result.pdf_path.read_bytes())
    for wording in ("SATISFACTION SURVEY RESULTS REPORT — ROUND 2026-2", "Summary — round 2026-2",
                    "in progress, deadline 20 December 2026", "Return rate (replies / sent)", "I. Return rate by unit",
                    "IV. Satisfaction by unit", "VIII. The applicants' comments", "Page 1", "50.0%"):  # fmt: skip
        assert wording in text, wording
    assert all(name.upper() in text or name in text for name in UNIT_NAMES.values())
    ours = ("Tỷ lệ", "Đợt", "Tóm tắt", "Số liệu tại", "Chưa đạt", "Tổng cộng", "Theo kênh", "Kênh:")
    assert [word for word in ours if word in text] == []  # the questions stay as the questionnaire words them
    book = openpyxl.load_workbook(result.xlsx_path)
    assert book.sheetnames[:3] == ["Return rates", "Rates by procedure", "By channel"]
    assert [cell.value for cell in book["Return rates"][1]][:4] == ["Unit code", "Unit", "Dossiers", "Sent"]
    vietnamese_text = pdf_text(write_round_report(engine, vietnamese, "2026-2", now=NOW).pdf_path.read_bytes())
    assert "Tóm tắt — đợt 2026-2" in vietnamese_text and "50,0%" in vietnamese_text and "Summary" not in vietnamese_text


def test_the_status_pdf_is_english(engine, seeded):
    english, _ = seeded
    document = status_document(engine, english, NOW)
    text = pdf_text(document.pdf)
    assert document.view.subject == "Satisfaction survey return progress report — 30 November 2026"
    for wording in ("Round 2026-2 (1 November 2026 – 20 December 2026)", "Below target (1):", "To deal with",
                    "Return rate by unit", "Unit code", "33.3%"):  # fmt: skip
        assert wording in text, wording
    assert "Hạn chót" not in text and "Tổng cộng" not in text


def test_the_rates_table_is_english(engine, seeded):
    english, _ = seeded
    with Session(engine) as session:
        period = resolve_round(english, "2026-2", today=None)
        report = rates_report(period, unit_totals(session, period.name), english, [])
    from khaosat.language import speaking

    console = Console(width=120, record=True)
    with speaking("en"):
        console.print(rates_table(report))
        notes = rates_notes(report)
    shown = console.export_text()
    assert "Survey return rates — round 2026-2 (1 November 2026 – 20 December 2026)" in " ".join(shown.split())
    assert "Returned" in shown and "Total" in shown and "33.3%" in shown
    assert notes[0] == "✗: below target; Needed: the replies still needed to reach the target."
