"""The ISO board status email, received by a real SMTP server and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pdfplumber
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.errors import KhaosatError, PermanentDeliveryError
from khaosat.mailer.status import send_status
from khaosat.models import OutboxMessage, OutboxState, RateSnapshot, ReviewItem, ReviewKind
from khaosat.reports.rates import RatesReport, unit_rates
from khaosat.reports.rates_format import percent
from khaosat.reports.status import build_status, candidate_periods, days_left
from khaosat.reports.status_view import days_text, points
from khaosat.settings import default_rounds
from khaosat.survey.rounds import period_for, period_named

from ..support.factories import local_today
from ..support.report_data import NOW, TODAY, answer_next, seed_round
from ..support.settings import make_settings

COUNTS = {"QLCN": (10, 10, 9), "KHTC": (8, 7, 3), "TDC": (6, 5, 4)}
BOARD = ["iso@skhcn.example.gov.vn", "giamdoc@skhcn.example.gov.vn"]


@pytest.fixture
def config(tmp_path, database_url, smtp):
    return make_settings(
        tmp_path, database={"url": database_url}, smtp={"port": smtp.port}, report={"board_emails": BOARD}
    )


class RatesTable(HTMLParser):
    """The figures of every ``data-unit`` / ``data-total`` row of the email's tables."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], dict[str, str]] = {}
        self.queues: dict[str, str] = {}
        self._round = ""
        self._row: dict[str, str] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "table" and "data-round" in found:
            self._round = found["data-round"]
        elif tag == "tr" and ("data-unit" in found or "data-total" in found):
            self._row = self.rows.setdefault((self._round, found.get("data-unit", "TOTAL")), {})
        self._cell = found.get("data-col") or (("queue:" + found["data-queue"]) if "data-queue" in found else None)

    def handle_data(self, data: str) -> None:
        if self._cell and self._cell.startswith("queue:"):
            self.queues[self._cell[6:]] = data.strip()
        elif self._cell and self._row is not None:
            self._row[self._cell] = data.strip()

    def handle_endtag(self, tag: str) -> None:
        self._cell = None
        if tag == "tr":
            self._row = None


def expected_cells(rates: RatesReport) -> dict[str, dict[str, str]]:
    rows = {rate.unit: rate for rate in rates.units} | {"TOTAL": rates.total}
    return {
        unit: {
            "dossiers": str(rate.dossiers),
            "sent": str(rate.sent),
            "returned": str(rate.returned),
            "rate": percent(rate.rate) + (" ✗" if rate.below_target else ""),
            "target": percent(rate.target),
            "needed": str(rate.needed),
        }
        for unit, rate in rows.items()
    }


def received_status(smtp):
    [received] = smtp.received
    return received, received.message


def test_email_numbers_equal_the_rates_report(engine, config, smtp):
    """Every figure of the HTML table read back from the server equals unit_rates at the same moment."""
    seed_round(engine, config, COUNTS)
    result = send_status(engine, config, now=NOW)
    with Session(engine) as session:
        rates = unit_rates(session, config, round_name="2026-2")
    received, message = received_status(smtp)
    assert sorted(received.rcpt_tos) == sorted(BOARD) and result.recipients == BOARD
    assert message["Subject"] == "Báo cáo tiến độ thu hồi phiếu khảo sát sự hài lòng — ngày 30/11/2026"
    assert message["Message-ID"] == result.message_id
    table = RatesTable()
    table.feed(message.get_body(("html",)).get_content())
    shown = {unit: {key: row[key] for key in expected_cells(rates)[unit]} for (_, unit), row in table.rows.items()}
    assert shown == expected_cells(rates)
    assert {round_name for round_name, _ in table.rows} == {"2026-2"} and result.rounds == ["2026-2"]
    assert {unit: rate.needed for unit, rate in ((r.unit, r) for r in rates.units)} == {"KHTC": 3, "QLCN": 0, "TDC": 0}
    text = message.get_body(("plain",)).get_content()
    assert (
        "ĐỢT 2026-2" in text and "còn 20 ngày" in text and "Chưa đạt chỉ tiêu (1): Phòng Kế hoạch – Tài chính" in text
    )


def test_pdf_attachment_opens_and_shows_the_units(engine, config, smtp):
    """The attachment has a Vietnamese RFC 2231 name, opens in pdfplumber and names every unit; a copy is kept."""
    seed_round(engine, config, COUNTS)
    result = send_status(engine, config, now=NOW)
    received, message = received_status(smtp)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Báo-cáo-tiến-độ-2026-11-30.pdf"
    assert b"filename*=utf-8''B%C3%A1o-c%C3%A1o-ti%E1%BA%BFn-%C4%91%E1%BB%99-2026-11-30.pdf" in received.data
    with pdfplumber.open(io.BytesIO(attachment.get_content())) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for unit in ("QLCN", "KHTC", "TDC", "Phòng Quản lý chuyên ngành", "Tỷ lệ thu hồi phiếu theo đơn vị"):
        assert unit in text
    assert "Đợt 2026-2 (01/11/2026 – 20/12/2026)" in text and "còn 20 ngày" in text
    assert result.pdf_path == config.storage.dir / "reports" / "Bao-cao-tien-do-2026-11-30.pdf"
    assert result.pdf_path.read_bytes() == attachment.get_content()


def test_change_since_the_last_status_email(engine, config, smtp):
    """A week later the ± columns show the replies gained since the snapshot of the first email."""
    seed_round(engine, config, COUNTS)
    first = send_status(engine, config, now=NOW - timedelta(days=7))
    assert first.snapshot_rows == 3
    table = RatesTable()
    table.feed(smtp.received[0].message.get_body(("html",)).get_content())
    assert table.rows["2026-2", "KHTC"]["returned_change"] == "—"

    answer_next(engine, "KHTC", 2)
    smtp.reset()
    send_status(engine, config, now=NOW)
    table = RatesTable()
    table.feed(smtp.received[0].message.get_body(("html",)).get_content())
    assert table.rows["2026-2", "KHTC"]["returned_change"] == "+2"
    assert table.rows["2026-2", "KHTC"]["rate_change"] == points(5 / 7 - 3 / 7) == "+28,6"
    assert table.rows["2026-2", "QLCN"]["returned_change"] == "0"
    assert table.rows["2026-2", "TOTAL"]["returned_change"] == "+2"
    assert (
        "Cột ± so với báo cáo gửi lúc 08:00 23/11/2026." in smtp.received[0].message.get_body(("plain",)).get_content()
    )


def test_queues_are_reported(engine, config, smtp):
    """Open review items and uncertain deliveries are counted in the email."""
    seed_round(engine, config, COUNTS)
    with Session(engine) as session:
        session.add(ReviewItem(kind=ReviewKind.unmatched, reason="mã phiếu không đọc được", created_at=NOW))
        row = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.pending)).first()
        assert row is not None
        row.state = OutboxState.uncertain
        session.add(row)
        session.commit()
    send_status(engine, config, now=NOW)
    table = RatesTable()
    table.feed(smtp.received[0].message.get_body(("html",)).get_content())
    assert table.queues == {"review": "1", "uncertain": "1", "resent": "0", "paper_unconfirmed": "0"}


def test_no_board_emails_is_a_clear_error(engine, tmp_path, database_url, smtp):
    """Without [report] board_emails nothing is sent or recorded, and the error names the setting."""
    settings = make_settings(tmp_path, database={"url": database_url}, smtp={"port": smtp.port})
    seed_round(engine, settings, COUNTS)
    with pytest.raises(KhaosatError, match="board_emails"):
        send_status(engine, settings, now=NOW)
    assert smtp.received == []


def test_refused_email_stores_no_snapshot(engine, config, smtp):
    """The snapshot is taken only after the server accepted the message."""
    seed_round(engine, config, COUNTS)
    smtp.handler.data_replies.append("550 5.7.1 refused")
    with pytest.raises(PermanentDeliveryError):
        send_status(engine, config, now=NOW)
    with Session(engine) as session:
        assert session.exec(select(RateSnapshot)).all() == []
        report = build_status(session, config, NOW)
    assert report.rounds[0].previous_at is None


def test_days_left_in_the_organisation_zone(engine, config):
    """At 23:30 UTC on 19 December it is already the 20th (the deadline) in Vietnam."""
    seed_round(engine, config, {"QLCN": (2, 2, 1)})
    late = NOW.replace(month=12, day=19, hour=23, minute=30)
    with Session(engine) as session:
        [status] = build_status(session, config, late).rounds
    assert status.days_left == 0 and days_text(0) == "hôm nay là hạn chót"


def test_days_text():
    assert [days_text(n) for n in (12, 1, 0, -3)] == [
        "còn 12 ngày",
        "còn 1 ngày",
        "hôm nay là hạn chót",
        "đã kết thúc 3 ngày trước",
    ]
    assert days_left(period_named("2026-1", default_rounds()), date(2026, 11, 30)) == -30


def test_rounds_closed_long_ago_are_left_out():
    names = [p.name for p in candidate_periods(TODAY, default_rounds())]
    assert "2026-1" in names and "2026-2" in names and "2025-2" not in names
    assert "2026-1" not in [p.name for p in candidate_periods(TODAY + timedelta(days=1), default_rounds())]


def cli_config(tmp_path, database_url, smtp, board=True):
    path = tmp_path / "config.toml"
    emails = '["iso@skhcn.example.gov.vn"]' if board else "[]"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
        f"[report]\nboard_emails = {emails}\n",
        encoding="utf-8",
    )
    return path


def seed_today(engine, tmp_path, database_url):
    """A round of dossiers received today (the CLI reports as of the real clock)."""
    settings = make_settings(tmp_path, database={"url": database_url})
    today = local_today(settings)
    seed_round(engine, settings, COUNTS, received_on=today, today=today)
    return period_for(today, settings.rounds).name


def test_cli_prints_the_table_and_writes_the_pdf(engine, tmp_path, database_url, smtp):
    """`khaosat report status -o FILE` prints each unit and writes the PDF without sending."""
    round_name = seed_today(engine, tmp_path, database_url)
    config = cli_config(tmp_path, database_url, smtp)
    output = tmp_path / "status.pdf"
    result = CliRunner().invoke(app, ["report", "status", "-c", str(config), "-o", str(output)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Đợt {round_name}" in result.output and "KHTC" in result.output and "Tổng cộng" in result.output
    assert smtp.received == []
    with pdfplumber.open(output) as pdf:
        assert "QLCN" in pdf.pages[0].extract_text()


def test_cli_send(engine, tmp_path, database_url, smtp):
    seed_today(engine, tmp_path, database_url)
    config = cli_config(tmp_path, database_url, smtp)
    result = CliRunner().invoke(app, ["report", "status", "--send", "-c", str(config)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(smtp.received) == 1 and "iso@skhcn.example.gov.vn" in result.output


def test_cli_send_without_board_emails_exits_1(engine, tmp_path, database_url, smtp):
    config = cli_config(tmp_path, database_url, smtp, board=False)
    result = CliRunner().invoke(app, ["report", "status", "--send", "-c", str(config)])
    assert result.exit_code == 1 and "board_emails" in result.output
    assert smtp.received == []


def test_cli_round_report(engine, tmp_path, database_url, smtp):
    """`khaosat report round --round NAME` writes the PDF and XLSX; --send also emails them."""
    round_name = seed_today(engine, tmp_path, database_url)
    config = cli_config(tmp_path, database_url, smtp)
    result = CliRunner().invoke(app, ["report", "round", "--round", round_name, "-c", str(config)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "reports" / round_name
    assert (folder / f"Bao-cao-dot-{round_name}.pdf").exists() and (folder / f"Bao-cao-dot-{round_name}.xlsx").exists()
    assert smtp.received == []
    sent = CliRunner().invoke(app, ["report", "round", "--round", round_name, "--send", "-c", str(config)])
    assert sent.exit_code == 0, sent.output
    assert len(smtp.received) == 1
    assert CliRunner().invoke(app, ["report", "round", "--round", "9999-x", "-c", str(config)]).exit_code == 1
