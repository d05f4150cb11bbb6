"""Names from exports are data: never markup in the report PDFs, never a formula in the XLSX or the CSV."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pypdf
import pytest
from rich.console import Console

from khaosat.reports.literal import csv_cell, formula_like, markup
from khaosat.reports.rates import rates_report
from khaosat.reports.rates_format import rates_table
from khaosat.reports.status import StatusReport, round_status
from khaosat.reports.status_view import console_tables, status_view
from khaosat.survey.rounds import period_named
from khaosat.survey.totals import Counts, UnitTotal

from ..support.report_data import NOW, TODAY
from ..support.settings import make_settings
from .report_files import ReportFiles, report_files

HOSTILE = [
    '<a href="http://x">x</a>',
    "Tổ <b>ISO 9001",
    '<img src="/etc/hostname"/>',
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
    "\tTab đầu dòng",
    "\rCR đầu dòng",
]
FORMULAS = [text for text in HOSTILE if text[0] in "=+-@\t\r"]
UNITS = [(text, text) for text in HOSTILE]  # code and name both from the export
PROCEDURES = [(f"TT-{index}", f"Thủ tục {text}") for index, text in enumerate(HOSTILE)]
ORGANIZATION = "Sở <b>KH&CN</b> & <i>tỉnh"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    return report_files(tmp_path_factory.mktemp("hostile"), UNITS, PROCEDURES, organization=ORGANIZATION)


def folded(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("kind", ["status_pdf", "round_pdf"])
def test_pdf_shows_markup_as_text(files, kind):
    """Tags in names are printed as they are: no link, no image, no bold cut short."""
    reader = pypdf.PdfReader(io.BytesIO(getattr(files, kind)))
    lines = [folded(line) for page in reader.pages for line in page.extract_text().splitlines()]
    for name in [*HOSTILE, ORGANIZATION.upper()]:
        assert folded(name) in lines
    assert [(page.get("/Annots"), len(page.images)) for page in reader.pages] == [(None, 0)] * len(reader.pages)


def test_xlsx_stores_names_as_text(files):
    """Every name is a string cell; one that starts like a formula keeps a quote prefix when edited."""
    book = openpyxl.load_workbook(io.BytesIO(files.round_xlsx))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    found = {
        name: [cell for cell in cells if isinstance(cell.value, str) and name in folded(cell.value)]
        for name in map(folded, HOSTILE)
    }
    assert all(found.values()), [name for name, hits in found.items() if not hits]
    assert {cell.data_type for hits in found.values() for cell in hits} == {"s"}
    for name in map(folded, FORMULAS):
        assert all(cell.quotePrefix for cell in found[name] if folded(cell.value) == name)
    with zipfile.ZipFile(io.BytesIO(files.round_xlsx)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


def test_csv_prefixes_formulas(files):
    """`report rates --format csv`: a code or name that starts like a formula begins with a quote; one row per unit."""
    rows = list(csv.DictReader(io.StringIO(files.rates_csv, newline="")))
    assert len(rows) == len(HOSTILE) + 1  # and the total: a carriage return starts no row
    by_name = {row["name"]: row for row in rows}
    for name in HOSTILE:
        expected = (f"'{name}" if name in FORMULAS else name).replace("\r", "\n")
        assert by_name[expected]["unit"] == expected
    assert not [cell for row in rows for cell in row.values() if formula_like(cell)]


def test_literal_rules():
    """The escaping and the OWASP rule themselves, on the edge cases."""
    assert markup("Tổ <b>ISO & Co</b>") == "Tổ &lt;b&gt;ISO &amp; Co&lt;/b&gt;"
    assert markup(unicodedata.normalize("NFD", "Tổ")) == "Tổ"  # decomposed input comes back composed
    cases = {"=1": "'=1", "+1": "'+1", "-1": "'-1", "@A": "'@A", "\tx": "'\tx", "\rx": "'\nx", "a\r=1": "a\n=1"}
    assert {value: csv_cell(value) for value in cases} == cases
    assert [csv_cell(value) for value in ["a=1", "", 7, -1]] == ["a=1", "", 7, -1]  # numbers stay numbers


RICH_MARKUP = ["Tổ [/b] ISO", "[red]Phòng[/red] [link=http://x]QLCN[/link]", "[bold"]


def test_terminal_tables_print_rich_markup_as_text():
    """`report rates` and `report status` print names with square brackets as they are, and do not crash."""
    settings = make_settings(Path("/nonexistent"))
    period = period_named("2026-2", settings.rounds)
    totals = [UnitTotal(index, text, text, Counts(dossiers=2, surveys=2, sent=2, returned=1)) for index, text in
              enumerate(RICH_MARKUP, start=1)]  # fmt: skip
    rates = rates_report(period, totals, settings)
    status = StatusReport(NOW, TODAY, "Sở", [round_status(rates, TODAY, {}, None)], 0, 0, 0, 0)
    console = Console(record=True, width=200)
    console.print(rates_table(rates))
    for table in console_tables(status_view(status, settings.organization.zone), 200):
        console.print(table)
    printed = console.export_text()
    assert all(printed.count(text) >= 3 for text in RICH_MARKUP)  # code and name in rates, name in status
