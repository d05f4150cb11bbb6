"""Print batches of paper forms, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
from pypdf import PdfReader
from sqlmodel import Session, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.mailer.printing import _reminder_note, address_page
from khaosat.models import Channel, Dossier, OutboxMessage, OutboxState, Survey, SurveyStatus
from khaosat.survey.codes import display_code
from khaosat.survey.render import renderer_for

from ..support.factories import add_dossier, local_today
from ..support.processes import write_config

runner = CliRunner()


def invoke(config: Path, *args: str):
    result = runner.invoke(app, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result


def test_post_batch_then_confirm(engine, database_url, tmp_path, smtp, settings):
    """Paper forms wait for print; a post batch has an address page before each form."""
    today = local_today(settings)
    with Session(engine) as session:
        add_dossier(
            session,
            "HS-P1",
            received_on=today,
            applicant="Trần Thị Hoa",
            address="12 Nguyễn Văn Cừ, Phường 2, TP. Bảo Lộc, tỉnh Lâm Đồng",
        )
        add_dossier(
            session, "HS-P2", received_on=today, applicant="Công ty TNHH Ánh Dương", address="3 Hùng Vương, Đà Lạt"
        )
        add_dossier(session, "HS-C1", received_on=today, applicant="Ông Phạm Minh")  # no address: the counter
    config = write_config(tmp_path, database_url, smtp.port)
    dispatched = json.loads(invoke(config, "dispatch", "--once", "--json").stdout)
    assert (dispatched["sent"], dispatched["paper_waiting"]) == (0, 3)

    output = tmp_path / "post.pdf"
    batch = json.loads(invoke(config, "print", "--channel", "post", "-o", str(output), "--json").stdout)
    assert batch["forms"] == 2
    with Session(engine) as session:
        codes = {d.code: s.code for s, d in session.exec(select(Survey, Dossier).join(Dossier)).all()}
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.channel == Channel.post)).all()
    assert {row.state for row in rows} == {OutboxState.batched}

    reader = PdfReader(output)
    assert "/AcroForm" not in reader.trailer["/Root"]  # many copies of one form's fields would collide
    with pdfplumber.open(output) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    address_pages = [" ".join(text.split()) for text in texts if "Kính gửi Quý" in text]  # a long name wraps
    assert len(address_pages) == 2
    assert "Kính gửi Quý Ông/Bà Trần Thị Hoa" in address_pages[0]  # the invitation's greeting rule
    assert "Kính gửi Quý cơ quan/doanh nghiệp Công ty TNHH Ánh Dương" in address_pages[1]
    assert "12 Nguyễn Văn Cừ, Phường 2, TP. Bảo Lộc" in address_pages[0]
    form_pages = len(renderer_for("").plan.pages)
    assert len(texts) == 2 * (1 + form_pages)
    joined = "\n".join(texts)
    assert display_code(codes["HS-P1"]) in joined and display_code(codes["HS-P2"]) in joined
    assert display_code(codes["HS-C1"]) not in joined

    # Nothing more waits for the post; the counter form is separate.
    again = json.loads(invoke(config, "print", "--channel", "post", "-o", str(tmp_path / "again.pdf"), "--json").stdout)
    assert again["forms"] == 0 and not (tmp_path / "again.pdf").exists()

    confirmed = json.loads(invoke(config, "print", "--confirm", str(batch["batch"]), "--json").stdout)
    assert confirmed["confirmed"] == 2
    with Session(engine) as session:
        statuses = {s.code: s.status for s in session.exec(select(Survey)).all()}
    assert sorted(statuses.values()) == [SurveyStatus.pending, SurveyStatus.sent, SurveyStatus.sent]

    counter = json.loads(
        invoke(config, "print", "--channel", "counter", "-o", str(tmp_path / "c.pdf"), "--json").stdout
    )
    assert counter["forms"] == 1
    with pdfplumber.open(tmp_path / "c.pdf") as pdf:
        assert "Ông Phạm Minh" not in pdf.pages[0].extract_text()  # no address page at the counter


def test_confirm_unknown_batch_is_a_handled_error(engine, database_url, tmp_path, smtp):
    config = write_config(tmp_path, database_url, smtp.port)
    result = runner.invoke(app, ["print", "--confirm", "99", "--config", str(config)])
    assert result.exit_code == 1
    assert "không có lô in số 99" in result.output


def test_dispatch_without_once_is_bad_usage(tmp_path):
    result = runner.invoke(app, ["dispatch"])
    assert result.exit_code == 2


def test_address_page_without_a_name_and_the_reminder_note_greet_as_the_invitation(tmp_path):
    """No applicant name: "Kính gửi Quý Ông/Bà"; an organisation's reminder says "Quý cơ quan/doanh nghiệp"."""
    page = tmp_path / "a.pdf"
    note = _reminder_note("Công ty TNHH Ánh Dương")
    page.write_bytes(address_page("", "3 Hùng Vương, Đà Lạt", "Sở KH&CN", "Đà Lạt", note))
    with pdfplumber.open(page) as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    assert "Kính gửi Quý Ông/Bà 3 Hùng Vương" in text
    assert "phiếu khảo sát của Quý cơ quan/doanh nghiệp." in text
