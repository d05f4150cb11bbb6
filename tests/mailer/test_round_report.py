"""The round report: rates and satisfaction of a whole round, emailed with its PDF and XLSX, on both databases."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import openpyxl
import pdfplumber
import pytest
from sqlmodel import Session, select

from khaosat.errors import KhaosatError, PermanentDeliveryError
from khaosat.mailer import report_claims
from khaosat.mailer.round_report import (
    KIND,
    round_document,
    send_due_round_report,
    send_round_report,
    write_round_report,
)
from khaosat.models import ReportSent, Survey, Unit, make_engine
from khaosat.reports.rates import unit_rates
from khaosat.reports.round import build_round_report, latest_started, round_ending_on
from khaosat.settings import default_rounds
from khaosat.survey.questionnaire import load_questionnaire

from ..support.browser import load_html, open_page, scroll_width, visible_text
from ..support.report_data import NOW, record_more, seed_round, unit_outbox
from ..support.settings import make_settings

COUNTS = {"QLCN": (4, 4, 2), "KHTC": (3, 3, 1)}
DEADLINE = datetime(2026, 12, 20, 10, 30, tzinfo=UTC)  # 17:30 on round 2026-2's last day in Vietnam
FACTOR_ITEMS = [q.code for q in load_questionnaire().questions if q.factor]


def answers(unit: str, index: int) -> dict[str, str | None]:
    if unit == "QLCN" and index == 0:
        return {code: "5" for code in FACTOR_ITEMS} | {"D1": "5"}
    if unit == "QLCN":
        values = {code: ("na" if code.startswith("B5") else "4") for code in FACTOR_ITEMS}
        return values | {"B1_1": "2", "D1": "3"}
    return {code: "3" for code in FACTOR_ITEMS} | {"B2_1": None, "D1": "4"}


def procedure(unit: str, index: int) -> tuple[str, str]:
    if unit == "QLCN" and index == 0:
        return "1.004", "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"
    return "2.001", "Thẩm định công nghệ dự án đầu tư"


@pytest.fixture
def config(tmp_path, database_url, smtp):
    return make_settings(
        tmp_path,
        database={"url": database_url},
        smtp={"port": smtp.port},
        report={"board_emails": ["iso@skhcn.example.gov.vn"]},
    )


@pytest.fixture
def seeded(engine, config):
    seed_round(engine, config, COUNTS, answers=answers, procedure=procedure)
    return engine


def test_satisfaction_per_unit_procedure_and_round(seeded, config):
    """Indices computed by hand from the answers recorded (QUESTIONNAIRE.md, Numbers)."""
    with Session(seeded) as session:
        report = build_round_report(session, config, "2026-2", NOW)
    qlcn, khtc = sorted(report.by_unit, key=lambda g: g.key, reverse=True)
    assert (qlcn.key, qlcn.responses, khtc.key, khtc.responses) == ("QLCN", 2, "KHTC", 1)
    assert qlcn.factors["access"] == Fraction(7, 8) and qlcn.factors["feedback"] == 1
    assert qlcn.index == Fraction(39, 40)
    assert khtc.index == 0 and khtc.levels.satisfied == 1
    whole = report.overall
    assert whole.factors == {
        "access": Fraction(7, 12),
        "procedure": Fraction(3, 4),
        "officials": Fraction(2, 3),
        "result": Fraction(2, 3),
        "feedback": Fraction(1, 2),
    }
    assert whole.index == Fraction(19, 30)
    assert (whole.levels.very, whole.levels.satisfied, whole.levels.not_satisfied) == (1, 1, 1)
    assert [(g.key, g.responses, g.index) for g in report.by_procedure] == [
        ("1.004", 1, 1),
        ("2.001", 2, report.by_procedure[1].index),
    ]


def test_a_response_that_does_not_count_is_left_out(seeded, config):
    """A second, conflicting reply to the same survey is kept but not counted."""
    with Session(seeded) as session:
        _, survey = unit_outbox(session, "KHTC")[0]
        record_more(session, session.get(Survey, survey.id), {"D1": "5", "B1_1": "5"})
        session.commit()
        report = build_round_report(session, config, "2026-2", NOW)
    assert report.overall.responses == 3
    assert report.overall.items["B1_1"].valid == 3


def test_round_report_email_pdf_and_workbook(seeded, config, smtp):
    """The board gets one email with the PDF and XLSX; both are kept under storage/reports/<round>/."""
    result = send_round_report(seeded, config, "2026-2", now=NOW)
    [received] = smtp.received
    message = received.message
    assert message["Subject"] == "Báo cáo kết quả khảo sát sự hài lòng — đợt 2026-2"
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(files) == ["Báo-cáo-đợt-2026-2.pdf", "Báo-cáo-đợt-2026-2.xlsx"]
    folder = config.storage.dir / "reports" / "2026-2"
    assert result.pdf_path == folder / "Bao-cao-dot-2026-2.pdf" and result.xlsx_path.parent == folder
    assert result.pdf_path.read_bytes() == files["Báo-cáo-đợt-2026-2.pdf"]

    with pdfplumber.open(io.BytesIO(files["Báo-cáo-đợt-2026-2.pdf"])) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for expected in ("QLCN", "KHTC", "Thẩm định công nghệ", "97,5%", "63,3%", "Tiếp cận dịch vụ"):
        assert expected in text

    book = openpyxl.load_workbook(io.BytesIO(files["Báo-cáo-đợt-2026-2.xlsx"]))
    rates_rows = list(book["Tỷ lệ thu hồi"].iter_rows(min_row=2, values_only=True))
    with Session(seeded) as session:
        rates = unit_rates(session, config, round_name="2026-2")
    assert [row[:8] for row in rates_rows[:-1]] == [
        (r.unit, r.name, r.dossiers, r.sent, r.returned, pytest.approx(r.rate), r.target, r.needed) for r in rates.units
    ]
    by_unit = {row[0]: row for row in book["Hài lòng theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert by_unit["QLCN"][8] == pytest.approx(39 / 40) and by_unit["Toàn đợt"][8] == pytest.approx(19 / 30)
    assert "Chỉ số hài lòng chung: 63,3% trên 3 phiếu" in message.get_body(("plain",)).get_content()


def test_written_without_sending(seeded, config, smtp):
    result = write_round_report(seeded, config, "2026-2", now=NOW)
    assert result.recipients == [] and result.pdf_path.exists() and result.xlsx_path.exists()
    assert smtp.received == []


def test_due_round_report_is_sent_once(seeded, config, smtp):
    """On the deadline day the report goes out once; before it nothing is due."""
    assert send_due_round_report(seeded, config, now=NOW) is None
    result = send_due_round_report(seeded, config, now=DEADLINE)
    assert result is not None and result.round_name == "2026-2" and len(smtp.received) == 1
    assert send_due_round_report(seeded, config, now=DEADLINE.replace(day=21)) is None
    assert len(smtp.received) == 1


def report_rows(engine) -> list[ReportSent]:
    with Session(engine) as session:
        return list(session.exec(select(ReportSent)).all())


def test_two_hosts_send_the_due_report_once(seeded, config, smtp, database_url):
    """Two daemons, each with its own engine, run the job at the same moment: the board gets one email."""
    engines = [seeded, make_engine(database_url)]
    start = threading.Barrier(len(engines))
    results: list[object] = []

    def run(engine) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        results.append(send_due_round_report(engine, config, now=DEADLINE))

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[1].dispose()
    assert len(results) == 2 and results.count(None) == 1
    assert len(smtp.received) == 1
    [row] = report_rows(seeded)
    assert (row.kind, row.round_name, row.sent_at) == (KIND, "2026-2", DEADLINE)
    assert json.loads(row.recipients) == ["iso@skhcn.example.gov.vn"]
    assert row.message_id == smtp.received[0].message["Message-ID"]


def test_a_refused_report_stays_due(seeded, config, smtp):
    """The server refuses the report: the claim is given back, and the next run sends it."""
    smtp.handler.data_replies.append("550 5.7.1 refused")
    with pytest.raises(PermanentDeliveryError):
        send_due_round_report(seeded, config, now=DEADLINE)
    assert smtp.received == [] and report_rows(seeded)[0].sent_at is None
    result = send_due_round_report(seeded, config, now=DEADLINE + timedelta(minutes=5))
    assert result is not None and len(smtp.received) == 1


def test_a_claim_left_by_a_dead_daemon_is_taken_over_after_the_lease(seeded, config, smtp):
    """A daemon died after claiming: while the claim is fresh nothing goes; after the lease the report goes, once."""
    with Session(seeded) as session:
        assert report_claims.claim(session, KIND, "2026-2", "<dead@skhcn.example.gov.vn>", now=DEADLINE)
    assert send_due_round_report(seeded, config, now=DEADLINE + timedelta(minutes=10)) is None
    later = DEADLINE + report_claims.CLAIM_LEASE + timedelta(minutes=1)
    result = send_due_round_report(seeded, config, now=later)
    assert result is not None and result.message_id == "<dead@skhcn.example.gov.vn>"
    assert [received.message["Message-ID"] for received in smtp.received] == ["<dead@skhcn.example.gov.vn>"]
    assert send_due_round_report(seeded, config, now=later + report_claims.CLAIM_LEASE) is None
    assert len(smtp.received) == 1


def test_a_report_sent_by_hand_is_not_sent_again_by_the_job(seeded, config, smtp):
    send_round_report(seeded, config, "2026-2", now=DEADLINE - timedelta(hours=1))
    assert send_due_round_report(seeded, config, now=DEADLINE) is None
    assert len(smtp.received) == 1 and report_rows(seeded)[0].sent_at == DEADLINE - timedelta(hours=1)


def test_no_board_emails_is_an_error(engine, tmp_path, database_url, smtp):
    settings = make_settings(tmp_path, database={"url": database_url}, smtp={"port": smtp.port})
    with pytest.raises(KhaosatError, match="board_emails"):
        send_round_report(engine, settings, "2026-2", now=NOW)


def test_unknown_round_is_a_clear_error(engine, config):
    with Session(engine) as session, pytest.raises(KhaosatError, match="2026-9"):
        build_round_report(session, config, "2026-9", NOW)


def test_default_and_due_rounds():
    rounds = default_rounds()
    assert latest_started(date(2026, 11, 30), rounds).name == "2026-2"
    assert latest_started(date(2026, 12, 25), rounds).name == "2026-2"
    assert latest_started(date(2027, 1, 1), rounds).name == "2027-1"
    assert round_ending_on(date(2026, 10, 31), rounds).name == "2026-1"  # type: ignore[union-attr]
    assert round_ending_on(date(2026, 11, 30), rounds) is None


def test_the_email_opens_with_the_summary(seeded, config, smtp):
    """Return rate, SIPAS index, the previous round (none here), sub-units (none), comments: in both parts."""
    send_round_report(seeded, config, "2026-2", now=NOW)
    [received] = smtp.received
    plain = received.message.get_body(("plain",)).get_content()
    html = received.message.get_body(("html",)).get_content()
    for text in (plain, html):
        assert "Tỷ lệ thu hồi phiếu: " in text and "Chỉ số hài lòng chung: " in text
        assert "Chưa có số liệu đợt trước để so sánh." in text
        assert "Chưa có đơn vị trực thuộc nào gửi kết quả tự khảo sát." in text
        assert "Góp ý: 0 ý kiến viết; 0 phiếu giấy, fax" in text
    assert 'name="viewport"' in html and 'data-unit="QLCN"' in html


LONG_UNIT = (
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ, Thông tin – Thống kê, Đo lường – Thử nghiệm "
    "và Phát triển hạ tầng chất lượng sản phẩm, hàng hóa thuộc Sở Khoa học và Công nghệ tỉnh Thử Nghiệm"
)


def test_the_round_email_fits_a_phone(seeded, config, browser):
    """At 412 px nothing scrolls sideways; every unit's name and satisfaction index is on the page."""
    with Session(seeded) as session:
        for unit in session.exec(select(Unit)).all():
            unit.name = f"{LONG_UNIT} ({unit.code})"
            session.add(unit)
        session.commit()
    document = round_document(seeded, config, "2026-2", NOW)
    with open_page(browser, 412) as page:
        load_html(page, document.content().html)
        assert scroll_width(page) <= 412
        text = " ".join(visible_text(page).split())
    for row in document.view.by_unit:
        assert f"{row.key} — {row.name}" in text and row.index in text
    assert document.view.rates_total.rate in text
