"""Dispatch against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

import pdfplumber
import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from khaosat.mailer import outbox
from khaosat.mailer.dispatch import dispatch_once
from khaosat.mailer.outbox import queue_new_surveys
from khaosat.models import Channel, OutboxMessage, OutboxState, Survey, SurveyStatus, utcnow
from khaosat.survey.codes import display_code, normalise_code

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings


@pytest.fixture
def config(tmp_path, smtp):
    return make_settings(
        tmp_path,
        smtp={"port": smtp.port, "max_per_minute": 0},
        fax={"gateway": "{number}@fax.example.vn"},
        dispatch={"retry_minutes": [5, 30]},
    )


def seed(engine, settings, count_email=3):
    today = local_today(settings)
    with Session(engine) as session:
        for number in range(count_email):
            add_dossier(
                session,
                f"HS-{number:03d}",
                received_on=today,
                email=f"nguoinop{number}@example.vn",
                applicant=f"Nguyễn Văn {number}",
            )
        add_dossier(session, "HS-FAX", received_on=today, fax="+842633822111", applicant="Công ty Bình Minh")
        add_dossier(session, "HS-POST", received_on=today, address="45 Lê Lợi, Phường 1, TP. Đà Lạt")
        add_dossier(session, "HS-OLD", received_on=today - timedelta(days=800), email="cu@example.vn")


def outbox_states(engine):
    with Session(engine) as session:
        return {row.recipient or row.channel.value: row.state for row in session.exec(select(OutboxMessage)).all()}


def test_sends_one_correct_email_per_applicant(engine, config, smtp):
    """Email applicants get an invitation, fax-only ones a gateway fax, the rest wait for print."""
    seed(engine, config)
    report = dispatch_once(engine, config)
    assert (report.queued, report.sent, report.failed, report.uncertain) == (5, 4, 0, 0)
    assert report.skipped == {"đợt khảo sát đã kết thúc": 1}
    assert report.paper_waiting == 1
    by_recipient = {received.rcpt_tos[0]: received for received in smtp.received}
    assert sorted(by_recipient) == ["02633822111@fax.example.vn", *(f"nguoinop{n}@example.vn" for n in range(3))]

    message = by_recipient["nguoinop1@example.vn"].message
    with Session(engine) as session:
        survey, row = session.exec(
            select(Survey, OutboxMessage).join(OutboxMessage).where(OutboxMessage.recipient == "nguoinop1@example.vn")
        ).one()
    assert display_code(survey.code) in message["Subject"]
    assert "HS-001" in message["Subject"]
    assert message["Message-ID"] == row.message_id
    assert message["Reply-To"] == "phieu@skhcn.example.gov.vn"
    assert message["Auto-Submitted"] == "auto-generated"
    assert survey.status is SurveyStatus.sent and survey.sent_at is not None
    text = message.get_body(("plain",)).get_content()
    assert "Kính gửi Quý Ông/Bà Nguyễn Văn 1," in text and "hồ sơ số HS-001" in text
    assert "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ" in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"Phiếu khảo sát {display_code(survey.code)}.pdf"
    assert b"filename*=utf-8''Phi%E1%BA%BFu%20kh%E1%BA%A3o" in by_recipient["nguoinop1@example.vn"].data
    with pdfplumber.open(io.BytesIO(attachment.get_content())) as pdf:
        page_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert display_code(survey.code) in page_text and "HS-001" in page_text

    fax = by_recipient["02633822111@fax.example.vn"].message
    assert [part.get_content_type() for part in fax.iter_attachments()] == ["application/pdf"]
    assert fax.get_body(("plain", "html")) is None


def test_running_again_sends_nothing(engine, config, smtp):
    seed(engine, config)
    dispatch_once(engine, config)
    first = len(smtp.received)
    again = dispatch_once(engine, config)
    assert (again.queued, again.sent) == (0, 0)
    assert len(smtp.received) == first


def test_survey_codes_are_valid_and_distinct(engine, config, smtp):
    seed(engine, config, count_email=20)
    dispatch_once(engine, config)
    with Session(engine) as session:
        codes = session.exec(select(Survey.code)).all()
        tokens = session.exec(select(Survey.token)).all()
    assert len(set(codes)) == len(codes) == 22
    assert all(normalise_code(code) == code for code in codes)
    assert all(len(token) >= 32 for token in tokens)


@pytest.mark.parametrize("reply", ["451 4.3.0 try again later", "421 4.7.0 too busy, closing"])
def test_temporary_failure_is_retried_later(engine, config, smtp, reply):
    """A 4xx answer leaves the form pending with a later attempt time; a later run sends it."""
    today = local_today(config)
    with Session(engine) as session:
        add_dossier(session, "HS-1", received_on=today, email="a@example.vn")
    smtp.handler.data_replies.append(reply)
    report = dispatch_once(engine, config)
    assert (report.sent, report.retried) == (0, 1)
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.state is OutboxState.pending and row.attempts == 1
    assert row.next_attempt_at is not None and row.next_attempt_at > row.created_at + timedelta(minutes=4)
    assert reply.split()[0] in row.last_error
    # Not yet due: nothing happens.
    assert dispatch_once(engine, config).sent == 0
    with Session(engine) as session:
        row.next_attempt_at = row.created_at - timedelta(minutes=1)
        session.add(row)
        session.commit()
    assert dispatch_once(engine, config).sent == 1
    assert len(smtp.received) == 1


def test_permanent_failure_moves_to_the_next_channel(engine, config, smtp):
    """550 on the email address: the survey goes by fax; without fax, by post."""
    today = local_today(config)
    with Session(engine) as session:
        add_dossier(session, "HS-1", received_on=today, email="khongton@example.vn", fax="0263 3822 111")
        add_dossier(session, "HS-2", received_on=today, email="sai@example.vn", address="1 Trần Phú, Đà Lạt")
    smtp.handler.rcpt_replies["khongton@example.vn"] = "550 5.1.1 no such user"
    smtp.handler.rcpt_replies["sai@example.vn"] = "550 5.1.1 no such user"
    report = dispatch_once(engine, config)
    assert report.failed == 2
    assert [r.rcpt_tos for r in smtp.received] == [["02633822111@fax.example.vn"]]
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        surveys = {s.id: s for s in session.exec(select(Survey)).all()}
    states = [(row.channel, row.state) for row in rows]
    assert states == [
        (Channel.email, OutboxState.failed),
        (Channel.email, OutboxState.failed),
        (Channel.fax, OutboxState.sent),
        (Channel.post, OutboxState.pending),
    ]
    assert "550" in rows[0].last_error
    assert surveys[rows[3].survey_id].channel is Channel.post


def test_dropped_connection_mid_batch(engine, config, smtp):
    """The message in flight when the server drops is uncertain; the rest go on a new connection."""
    today = local_today(config)
    with Session(engine) as session:
        for number in range(5):
            add_dossier(session, f"HS-{number}", received_on=today, email=f"u{number}@example.vn")
    smtp.handler.drop_after = 2
    report = dispatch_once(engine, config)
    assert (report.sent, report.uncertain) == (4, 1)
    assert len(smtp.received) == 4
    states = outbox_states(engine)
    assert sorted(states.values()).count(OutboxState.uncertain) == 1
    # The uncertain one is not resent before its grace period (tests/mailer/test_uncertain.py: after it).
    assert dispatch_once(engine, config).sent == 0
    assert len(smtp.received) == 4


def test_server_down_sends_nothing_and_keeps_everything(engine, tmp_path):
    from ..support.smtp_server import free_port

    settings = make_settings(tmp_path, smtp={"port": free_port()})
    with Session(engine) as session:
        add_dossier(session, "HS-1", received_on=local_today(settings), email="a@example.vn")
    report = dispatch_once(engine, settings)
    assert report.sent == 0 and report.errors and "không kết nối được máy chủ SMTP" in report.errors[0]
    assert list(outbox_states(engine).values()) == [OutboxState.pending]


def test_pacing(engine, config, smtp):
    """max_per_minute spaces the sends."""
    import asyncio

    from khaosat.mailer.dispatch import Pacer

    clock = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    pacer = Pacer(30, clock=lambda: clock[0], sleep=sleep)

    async def three() -> None:
        for _ in range(3):
            await pacer.wait()

    asyncio.run(three())
    assert waits == [2.0, 2.0]


def test_another_host_s_claim_is_abandoned_two_minutes_after_its_last_renewal(engine, config):
    """A claim held by a process of another host is released once not renewed for LEASE; renewing keeps it.
    A dispatcher renews only its own claims."""
    seed(engine, config)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        queue_new_surveys(session, config, form_version="1", today=local_today(config))
        mine = outbox.claim(session, channels=outbox.ELECTRONIC, limit=10, now=now - timedelta(minutes=3))
        assert len(mine) == 4  # three emails and a fax
        _stale, renewed, theirs, kept = mine
        outbox.renew_claims(session, [renewed], now=now - timedelta(seconds=30))
        session.execute(
            sa.update(OutboxMessage).where(col(OutboxMessage.id).in_(mine)).values(claimed_by="may-khac:4242")
        )
        session.execute(
            sa.update(OutboxMessage).where(col(OutboxMessage.id) == kept).values(claimed_at=now - timedelta(seconds=90))
        )
        session.commit()
        outbox.renew_claims(session, [theirs], now=now)  # not ours any more: left as it was
        assert outbox.recover_abandoned(session, now=now) == (2, 0)
        states = {row.id: row.state for row in session.exec(select(OutboxMessage)).all()}
    assert [states[row_id] for row_id in mine] == [
        OutboxState.pending,
        OutboxState.claimed,
        OutboxState.pending,
        OutboxState.claimed,
    ]
