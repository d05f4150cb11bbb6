"""Start-up: `khaosat --help` (and each group's help) loads no database, PDF or image library;
`khaosat report rates` reads the counters through the bare driver: no SQLAlchemy, and nothing for
PDFs, images, workbooks or templates.

Read from ``python -X importtime``, which names every module the real entry point imports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"cv2", "reportlab", "sqlalchemy", "pypdfium2"}
FOR_STATUS = {"cv2", "reportlab", "pypdfium2"}  # status reads the database, never a form or an image
FOR_RATES = {"cv2", "reportlab", "pypdfium2", "openpyxl", "jinja2", "sqlalchemy", "sqlmodel"}  # counters, a table


def imported(*args: str) -> set[str]:
    """The top-level packages that `khaosat ARGS` imports (its exit status must be 0)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "khaosat.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {name.split(".")[0] for name in lines}


@pytest.mark.parametrize(
    "args",
    [["--help"], ["form", "--help"], ["report", "--help"], ["review", "--help"], ["dossiers", "--help"],
     ["status", "--help"], ["run", "--help"]],
)  # fmt: skip
def test_help_imports_no_heavy_library(args):
    """`--help` answers without OpenCV, reportlab, SQLAlchemy or pdfium."""
    assert imported(*args) & HEAVY == set()


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose database `khaosat init` made, for the commands below to read (none of them writes it)."""
    config = tmp_path_factory.mktemp("startup") / "config.toml"
    config.write_text('[storage]\ndir = "data"\n', encoding="utf-8")
    assert imported("init", "--config", str(config))  # the database to read
    return config


def test_status_imports_no_form_or_image_library(config: Path):
    """`khaosat status` reads the database: OpenCV, reportlab and pdfium stay unloaded."""
    assert imported("status", "--config", str(config)) & FOR_STATUS == set()


def test_report_rates_imports_no_database_pdf_image_workbook_or_template_library(config: Path):
    """`khaosat report rates` reads and prints: SQLAlchemy, reportlab, OpenCV, pdfium, openpyxl, jinja2 unloaded."""
    for output_format in ("table", "json", "csv"):
        assert imported("report", "rates", "--format", output_format, "--config", str(config)) & FOR_RATES == set()


def test_report_status_loads_reportlab_only_for_its_pdf_and_no_mail_library(config: Path, tmp_path: Path):
    """`report status` prints without reportlab, draws its PDF with it (-o), and never loads jinja2 or aiosmtplib."""
    printed = imported("report", "status", "--config", str(config))
    written = imported("report", "status", "-o", str(tmp_path / "status.pdf"), "--config", str(config))
    assert printed & {"reportlab", "jinja2", "aiosmtplib"} == set()
    assert "reportlab" in written
    assert written & {"jinja2", "aiosmtplib"} == set()
    assert (tmp_path / "status.pdf").read_bytes().startswith(b"%PDF")
