"""Reminders against a real SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from khaosat.intake.messages.optout import asks_to_opt_out
from khaosat.mailer.dispatch import dispatch_once
from khaosat.mailer.reminders import queue_reminders
from khaosat.models import OutboxMessage, OutboxState, ResponseMethod, Survey, utcnow
from khaosat.survey.responses import ReadAnswers, record_answers

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings

pytestmark = pytest.mark.usefixtures("early_in_round_two")  # reminders come 7 and 14 days on


@pytest.fixture
def config(tmp_path, smtp):
    return make_settings(tmp_path, smtp={"port": smtp.port})


def dispatched(engine, config, emails: list[str]) -> None:
    with Session(engine) as session:
        for number, address in enumerate(emails):
            add_dossier(session, f"HS-{number}", received_on=local_today(config), email=address, phone="0912345678")
    assert dispatch_once(engine, config).sent == len(emails)


def later(days: float):
    moment = utcnow() + timedelta(days=days)
    return lambda: moment


def remind(engine, config, days: float):
    with Session(engine) as session:
        queued = queue_reminders(session, config, now=later(days)())
    report = dispatch_once(engine, config, now=later(days))
    return queued, report


def test_two_reminders_then_no_more(engine, config, smtp):
    dispatched(engine, config, ["a@example.vn"])
    assert remind(engine, config, 6.9)[0].queued == 0
    queued, report = remind(engine, config, 7.1)
    assert (queued.queued, report.sent) == (1, 1)
    assert remind(engine, config, 8)[0].queued == 0  # the second is due at day 14
    assert remind(engine, config, 14.5)[0].queued == 1
    assert remind(engine, config, 30)[0].queued == 0  # at most two
    subjects = [received.message["Subject"] for received in smtp.received]
    assert subjects[1].startswith("Nhắc lại: Phiếu khảo sát hồ sơ HS-0") and len(subjects) == 3
    reminder = smtp.received[1].message
    assert reminder["List-Unsubscribe"].strip().startswith("<mailto:phieu@skhcn.example.gov.vn?subject=KHONG%20NHAN%20")
    assert "chưa nhận được phiếu khảo sát" in reminder.get_body(("plain",)).get_content()
    assert [a.get_content_type() for a in reminder.iter_attachments()] == ["application/pdf"]


def test_no_reminder_after_a_reply_or_an_opt_out(engine, config, smtp):
    dispatched(engine, config, ["a@example.vn", "b@example.vn", "c@example.vn"])
    with Session(engine) as session:
        surveys = session.exec(select(Survey).order_by(col(Survey.id))).all()
        record_answers(session, surveys[0], ReadAnswers({"D1": "5"}, ResponseMethod.acroform), matched_by="qr")
        surveys[1].opted_out_at = utcnow()
        session.add(surveys[1])
        session.commit()
    queued, report = remind(engine, config, 8)
    assert (queued.queued, report.sent) == (1, 1)
    assert smtp.received[-1].rcpt_tos == ["c@example.vn"]


def test_a_reply_between_queue_and_send_cancels_the_reminder(engine, config, smtp):
    dispatched(engine, config, ["a@example.vn"])
    with Session(engine) as session:
        assert queue_reminders(session, config, now=later(8)()).queued == 1
        survey = session.exec(select(Survey)).one()
        record_answers(session, survey, ReadAnswers({"D1": "4"}, ResponseMethod.omr), matched_by="qr")
        session.commit()
    report = dispatch_once(engine, config, now=later(8))
    assert (report.sent, report.cancelled) == (0, 1)
    with Session(engine) as session:
        reminder = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder-1")).one()
    assert reminder.state is OutboxState.cancelled and "đã gửi phiếu" in reminder.last_error


def test_no_reminder_after_the_round_closed(engine, config, smtp):
    dispatched(engine, config, ["a@example.vn"])
    assert remind(engine, config, 400)[0].queued == 0


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("KHONG NHAN ABCD-1234", "", True),
        ("Re: Phiếu khảo sát", "Ngừng gửi.\n\nVào ngày 1/11, Sở đã viết:\n> ...", True),
        ("Re: huỷ nhận ABCD-1234", "", True),
        ("Re: Phiếu khảo sát", "Tôi gửi phiếu.\n\nOn Mon, Sở <a@b> wrote:\n> trả lời với tiêu đề KHÔNG NHẬN", False),
        ("Không nhận được tệp đính kèm", "", False),
        ("Re: x", "> KHÔNG NHẬN", False),
    ],
)
def test_opt_out_words_only_in_the_applicants_own_text(subject, body, expected, tmp_path):
    keywords = make_settings(tmp_path).reminders.opt_out_keywords
    assert asks_to_opt_out(subject, body, keywords) is expected


def test_a_post_reminder_is_a_letter_in_the_next_print_batch(engine, config, smtp, tmp_path):
    import pdfplumber

    from khaosat.mailer.printing import build_print_batch, confirm_print_batch
    from khaosat.models import Channel
    from khaosat.survey.render import renderer_for

    with Session(engine) as session:
        add_dossier(session, "HS-P", received_on=local_today(config), address="12 Nguyễn Văn Cừ, Bảo Lộc")
    dispatch_once(engine, config)
    renderer = renderer_for("")
    with Session(engine, expire_on_commit=False) as session:
        first = build_print_batch(session, config, renderer, channel=Channel.post, output=tmp_path / "1.pdf")
        assert first is not None and confirm_print_batch(session, first.batch_id) == 1
        assert queue_reminders(session, config, now=later(8)()).queued == 1
        second = build_print_batch(session, config, renderer, channel=Channel.post, output=tmp_path / "2.pdf")
    assert second is not None and second.forms == 1
    with pdfplumber.open(tmp_path / "2.pdf") as pdf:
        assert "THƯ NHẮC" in pdf.pages[0].extract_text()
    with pdfplumber.open(tmp_path / "1.pdf") as pdf:
        assert "THƯ NHẮC" not in pdf.pages[0].extract_text()
