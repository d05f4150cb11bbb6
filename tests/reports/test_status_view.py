"""What the status report shows a person: "—" where nothing was sent, and the paper forms printed but unconfirmed."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pdfplumber
from rich.console import Console
from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.mailer.dispatch import dispatch_once
from khaosat.mailer.printing import build_print_batch, confirm_print_batch
from khaosat.mailer.status import status_document
from khaosat.models import Channel
from khaosat.reports.rates import RatesReport, total_of, unit_rate
from khaosat.reports.rates_format import rates_notes, rates_table
from khaosat.reports.status import StatusRow, queue_sizes
from khaosat.reports.status_view import row_view
from khaosat.settings import default_rounds
from khaosat.survey.render import renderer_for
from khaosat.survey.rounds import period_for

from ..support.factories import add_dossier, local_today
from ..support.processes import write_config
from ..support.report_data import NOW, TODAY, seed_round
from ..support.settings import make_settings

ZERO_RATE = re.compile(r"(?<![\d,])0,0%")  # "0,0%", not the end of "80,0%"


def nothing_sent(unit: str = "KHTC"):
    return unit_rate(unit, f"Phòng {unit}", dossiers=3, sent=0, returned=0, failed=0, target=0.8)


def test_a_unit_that_sent_nothing_has_no_rate_and_no_tick():
    """Neither "0,0% ✓" nor ✗: "—", in the view every channel shares and in the terminal table."""
    row = row_view(StatusRow(nothing_sent(), None))
    assert (row.rate, row.mark, row.below) == ("—", "—", False)
    reached = unit_rate("QLCN", "Phòng QLCN", dossiers=5, sent=5, returned=4, failed=0, target=0.8)
    assert row_view(StatusRow(reached, None)).mark == "✓"
    rates = [nothing_sent(), reached]
    report = RatesReport(period_for(TODAY, default_rounds()), rates, total_of(rates, 0.8))
    console = Console(width=100, record=True, color_system=None)
    console.print(rates_table(report))
    [khtc] = [line for line in console.export_text().splitlines() if "(KHTC)" in line]
    assert "—" in khtc and not ZERO_RATE.search(khtc) and "✓" not in khtc
    assert any(note.startswith("—: ") for note in rates_notes(report))


def test_the_status_email_and_pdf_show_a_dash_for_a_unit_that_sent_nothing(engine, tmp_path, database_url):
    settings = make_settings(tmp_path, database={"url": database_url})
    seed_round(engine, settings, {"QLCN": (5, 5, 4), "KHTC": (3, 0, 0)})
    document = status_document(engine, settings, NOW)
    content = document.content()
    [khtc] = [line for line in content.text.splitlines() if "KHTC" in line]
    assert khtc.startswith("— KHTC") and "✓" not in khtc
    assert "tỷ lệ —" in content.text and not ZERO_RATE.search(content.text) and not ZERO_RATE.search(content.html)
    with pdfplumber.open(io.BytesIO(document.pdf)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "KHTC" in text and not ZERO_RATE.search(text)


class Queues(HTMLParser):
    """The ``data-queue`` figures of the status email."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._queue: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._queue = dict(attrs).get("data-queue")

    def handle_data(self, data: str) -> None:
        if self._queue:
            self.found[self._queue] = data.strip()
            self._queue = None


def test_printed_paper_forms_wait_in_a_queue_until_confirmed(engine, tmp_path, database_url, smtp):
    """Printed in a batch, not yet confirmed: neither "to print" nor sent, so shown as their own queue
    in `khaosat status` (JSON and table) and in the status email, until the batch is confirmed."""
    settings = make_settings(tmp_path, database={"url": database_url})
    with Session(engine) as session:
        for number in range(2):
            add_dossier(session, f"HS-P{number}", received_on=local_today(settings), address=f"{number} Lê Lợi, Đà Lạt")
    dispatch_once(engine, settings)
    with Session(engine, expire_on_commit=False) as session:
        assert (queue_sizes(session).paper_waiting, queue_sizes(session).paper_unconfirmed) == (2, 0)
        renderer = renderer_for(settings.survey.questionnaire)
        batch = build_print_batch(session, settings, renderer, channel=Channel.post, output=tmp_path / "post.pdf")
        assert batch is not None
        assert (queue_sizes(session).paper_waiting, queue_sizes(session).paper_unconfirmed) == (0, 2)

    config = write_config(tmp_path, database_url, smtp.port)
    status = CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["queues"]["paper_unconfirmed"] == 2
    table = CliRunner().invoke(app, ["status", "--config", str(config)])
    assert "Phiếu giấy đã in, chờ xác nhận đã gửi (khaosat print --confirm): 2" in table.stdout
    content = status_document(engine, settings, NOW).content()
    queues = Queues()
    queues.feed(content.html)
    assert queues.found["paper_unconfirmed"] == "2"
    assert "Phiếu giấy đã in, chưa xác nhận đã gửi (chưa tính vào Đã gửi): 2" in content.text

    with Session(engine) as session:
        assert confirm_print_batch(session, batch.batch_id) == 2
        assert queue_sizes(session).paper_unconfirmed == 0
