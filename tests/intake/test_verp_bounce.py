"""An asynchronous bounce, routed as mail servers route it, moves its survey on.

The form leaves through aiosmtpd with a VERP envelope sender; the remote server's delivery
report goes to that address, and Dovecot's LMTP (sub-addressing: ``+`` is its recipient
delimiter) delivers it to the intake mailbox. The reports here are mangled: no returned
original, no Message-ID, no delivery-status part; the address alone names the survey.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import smtplib
import uuid

import pytest
from sqlmodel import Session, col, select

from khaosat.intake.run import intake_once
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import Channel, InboundKind, InboundMessage, OutboxMessage, OutboxState, Survey, SurveyStatus

from ..support.dovecot import Dovecot, dovecot  # noqa: F401
from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings


def postfix_report(verp: str) -> bytes:
    """Postfix's bounce with its body cut short by a relay."""
    return (
        "From: MAILER-DAEMON@mx.example.vn (Mail Delivery System)\r\n"
        f"To: {verp}\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.example.vn.\r\n\r\n###### [truncated by relay] ######\r\n"
    ).encode()


def exchange_report() -> bytes:
    """An Exchange-like NDR whose To: was rewritten: only Delivered-To (written by Dovecot) keeps the address."""
    return (
        b"From: Microsoft Outlook <postmaster@example.onmicrosoft.com>\r\nTo: undisclosed-recipients:;\r\n"
        b"Subject: Undeliverable: =?utf-8?b?UGhp4bq/dSBraOG6o28gc8OhdA==?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Delivery has failed to these recipients or groups: (the list was lost)</p>\r\n"
    )


@pytest.fixture
def intake_user(dovecot: Dovecot, monkeypatch):  # noqa: F811
    """A fresh intake mailbox whose login is its address, as Dovecot's LMTP looks users up."""
    user = dovecot.add_user(f"phieukhaosat-{uuid.uuid4().hex[:8]}@skhcn.example.gov.vn")
    monkeypatch.setenv("KHAOSAT_IMAP_PASSWORD", user.password)
    return user


def test_a_mangled_bounce_to_the_verp_address_moves_the_survey_on(engine, tmp_path, smtp, dovecot, intake_user):  # noqa: F811
    """Email bounced after it left: the survey goes by fax; with no channel left it fails."""
    settings = make_settings(
        tmp_path,
        smtp={"port": smtp.port, "reply_to": ""},
        fax={"gateway": "{number}@fax.example.vn"},
        dispatch={"channels": ["email", "fax"]},  # no paper: an applicant without a fax has nothing left
        imap={**dovecot.settings(intake_user).model_dump(), "address": intake_user.name},
    )
    today = local_today(settings)
    with Session(engine) as session:
        add_dossier(session, "HS-FAX", received_on=today, email="khongton@example.vn", fax="0263 3822 111")
        add_dossier(session, "HS-END", received_on=today, email="hopthuday@example.vn")
    assert dispatch_once(engine, settings).sent == 2
    return_paths = {received.rcpt_tos[0]: received.mail_from for received in smtp.received}
    assert all(path.startswith(intake_user.name.split("@")[0] + "+") for path in return_paths.values())

    with smtplib.LMTP(dovecot.host, dovecot.lmtp_port) as lmtp:  # the remote server's reports, null sender
        lmtp.sendmail("", [return_paths["khongton@example.vn"]], postfix_report(return_paths["khongton@example.vn"]))
        lmtp.sendmail("", [return_paths["hopthuday@example.vn"]], exchange_report())
    report = intake_once(engine, settings)
    assert report.errors == []

    with Session(engine) as session:
        by_email = select(Survey, OutboxMessage.recipient).join(OutboxMessage).where(OutboxMessage.channel == "email")
        surveys = {recipient: survey for survey, recipient in session.exec(by_email).all()}
        moved, ended = surveys["khongton@example.vn"], surveys["hopthuday@example.vn"]
        assert (moved.channel, moved.status, moved.sent_at) == (Channel.fax, SurveyStatus.pending, None)
        assert ended.status is SurveyStatus.failed
        emails = session.exec(select(OutboxMessage).where(OutboxMessage.channel == Channel.email)).all()
        assert [row.state for row in emails] == [OutboxState.failed, OutboxState.failed]
        bounces = session.exec(select(InboundMessage).order_by(col(InboundMessage.id))).all()
        assert [inbound.kind for inbound in bounces] == [InboundKind.bounce, InboundKind.bounce]
        assert {inbound.outbox_id for inbound in bounces} == {row.id for row in emails}

    assert dispatch_once(engine, settings).sent == 1
    assert smtp.received[-1].rcpt_tos == ["02633822111@fax.example.vn"]
