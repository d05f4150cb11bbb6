"""Where a send can be cut, against real aiosmtpd servers, on SQLite and PostgreSQL.

Before DATA nothing has left: the form is retried. During or after DATA it may have left:
it is uncertain, and sent once more with the same Message-ID after the grace period. A
refused envelope sender is the server's refusal of us, not of the applicant.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import OutboxMessage, OutboxState, Survey, utcnow
from khaosat.reports.status import queue_sizes
from khaosat.survey import lifecycle

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings
from ..support.smtp_server import free_port

INTAKE = "phieukhaosat@skhcn.example.gov.vn"


@dataclass
class DropsAtRcpt:
    """Accepts everything, except that it closes the connection on the RCPT of ``address``."""

    address: str
    accepted: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # type: ignore[no-untyped-def]
        if address == self.address:
            self.address = ""  # once
            server.transport.close()
            return "421 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def rcpt_dropper() -> Iterator[tuple[DropsAtRcpt, int]]:
    handler, port = DropsAtRcpt("a@example.vn"), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


class RefusesTheSender:
    async def handle_MAIL(self, server, session, envelope, address, options) -> str:  # type: ignore[no-untyped-def]
        return "553 5.7.1 Sender address rejected: not owned by user khaosat"


def settings_for(tmp_path, port, **dispatch):  # type: ignore[no-untyped-def]
    return make_settings(
        tmp_path,
        smtp={"port": port, "reply_to": ""},
        imap={"host": "127.0.0.1", "address": INTAKE},
        dispatch={"retry_minutes": [5], **dispatch},
    )


def seed(engine, settings, *names: str) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        for name in names:
            add_dossier(session, f"HS-{name}", received_on=local_today(settings), email=f"{name}@example.vn")


def rows(engine) -> dict[str, OutboxMessage]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {row.recipient: row for row in session.exec(select(OutboxMessage)).all()}


def test_bounces_go_to_the_intake_mailbox_by_a_verp_envelope_sender(engine, tmp_path, smtp):
    """MAIL FROM is phieukhaosat+<survey code>@...; Reply-To is the intake address."""
    settings = settings_for(tmp_path, smtp.port)
    seed(engine, settings, "a")
    assert dispatch_once(engine, settings).sent == 1
    with Session(engine) as session:
        code = session.exec(select(Survey.code)).one()
    [received] = smtp.received
    assert received.mail_from == f"phieukhaosat+{code}@skhcn.example.gov.vn"
    assert received.message["Reply-To"] == INTAKE
    assert f"mailto:{INTAKE}?" in received.message["List-Unsubscribe"]


def test_a_connection_dropped_during_rcpt_leaves_the_form_retryable(engine, tmp_path, rcpt_dropper):
    """Nothing left before DATA: the form is pending with a later attempt, never uncertain; it goes later."""
    handler, port = rcpt_dropper
    settings = settings_for(tmp_path, port)
    seed(engine, settings, "a", "b")
    report = dispatch_once(engine, settings)
    assert (report.sent, report.retried, report.uncertain) == (1, 1, 0)
    dropped = rows(engine)["a@example.vn"]
    assert dropped.state is OutboxState.pending and dropped.attempts == 1
    assert dropped.next_attempt_at is not None and "trước lệnh DATA" in dropped.last_error
    assert handler.accepted == ["b@example.vn"]
    later = dispatch_once(engine, settings, now=lambda: utcnow() + timedelta(minutes=6))
    assert (later.sent, later.uncertain) == (1, 0)
    assert handler.accepted == ["b@example.vn", "a@example.vn"]


def test_an_uncertain_form_is_sent_once_more_after_the_grace_period(engine, tmp_path, smtp):
    """Cut after DATA: kept for 30 minutes, then resent once with its Message-ID; a second cut waits for a person."""
    settings = settings_for(tmp_path, smtp.port)
    seed(engine, settings, "a", "b", "c")
    smtp.handler.drop_after = 1  # the second message's DATA is cut
    first = dispatch_once(engine, settings)
    assert (first.sent, first.uncertain) == (2, 1)
    [cut] = [row for row in rows(engine).values() if row.state is OutboxState.uncertain]
    assert {received.rcpt_tos[0] for received in smtp.received} == {"a@example.vn", "b@example.vn", "c@example.vn"} - {
        cut.recipient
    }

    assert (dispatch_once(engine, settings).resent, len(smtp.received)) == (0, 2)  # within the grace period
    after_grace = utcnow() + timedelta(minutes=31)
    again = dispatch_once(engine, settings, now=lambda: after_grace)
    assert (again.resent, again.sent) == (1, 1)
    resent = smtp.received[-1]
    assert resent.rcpt_tos == [cut.recipient] and resent.message["Message-ID"] == cut.message_id
    row = rows(engine)[cut.recipient]
    assert row.state is OutboxState.sent and row.resent_at == after_grace
    with Session(engine) as session:
        assert (queue_sizes(session).outbox_uncertain, queue_sizes(session).outbox_resent) == (0, 1)
        survey = session.get(Survey, row.survey_id)
        assert survey is not None and survey.sent_at is not None

    assert dispatch_once(engine, settings, now=lambda: after_grace + timedelta(days=1)).resent == 0
    assert len(smtp.received) == 3


def test_a_resent_form_cut_again_is_not_resent_a_third_time(engine, tmp_path, smtp):
    settings = settings_for(tmp_path, smtp.port, resend_uncertain_after_minutes=0)
    seed(engine, settings, "a")
    smtp.handler.drop_after = 0
    assert dispatch_once(engine, settings).uncertain == 1
    smtp.handler.drop_after = 0
    resent = dispatch_once(engine, settings)
    assert (resent.resent, resent.uncertain) == (1, 1)
    assert dispatch_once(engine, settings).resent == 0
    [row] = rows(engine).values()
    assert row.state is OutboxState.uncertain and row.resent_at is not None
    with Session(engine) as session:
        assert (queue_sizes(session).outbox_uncertain, queue_sizes(session).outbox_resent) == (1, 1)
    assert smtp.received == []


def test_no_resend_when_switched_off_or_when_the_survey_has_a_reply(engine, tmp_path, smtp):
    settings = settings_for(tmp_path, smtp.port, resend_uncertain=False, resend_uncertain_after_minutes=0)
    for name in "ab":
        seed(engine, settings, name)
        smtp.handler.drop_after = 0
        assert dispatch_once(engine, settings).uncertain == 1
    assert [row.state for row in rows(engine).values()] == [OutboxState.uncertain] * 2
    assert dispatch_once(engine, settings).resent == 0

    with Session(engine) as session:
        replied = session.exec(
            select(Survey).join(OutboxMessage).where(col(OutboxMessage.recipient) == "a@example.vn")
        ).one()
        lifecycle.responded(session, replied, now=utcnow())
        session.commit()
    switched_on = settings_for(tmp_path, smtp.port, resend_uncertain_after_minutes=0)
    report = dispatch_once(engine, switched_on)
    assert (report.resent, report.sent) == (1, 1)
    assert [received.rcpt_tos for received in smtp.received] == [["b@example.vn"]]
    assert rows(engine)["a@example.vn"].state is OutboxState.uncertain


def test_a_refused_envelope_sender_stops_the_run_and_moves_no_survey_on(engine, tmp_path):
    """553 to MAIL FROM (a VERP address the login may not use): nothing is failed, the error is reported."""
    port = free_port()
    controller = Controller(RefusesTheSender(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(tmp_path, port)
        seed(engine, settings, "a", "b")
        report = dispatch_once(engine, settings)
    finally:
        controller.stop()
    assert (report.sent, report.failed, report.stopped) == (0, 0, True)
    assert "từ chối địa chỉ gửi phieukhaosat+" in report.errors[0] and "553" in report.errors[0]
    assert [row.state for row in rows(engine).values()] == [OutboxState.pending] * 2
    with Session(engine) as session:
        assert {survey.channel for survey in session.exec(select(Survey)).all()} == {"email"}
