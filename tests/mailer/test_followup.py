"""Unit follow-up lists against a real SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from khaosat.mailer.dispatch import dispatch_once
from khaosat.mailer.followup import send_followups
from khaosat.models import Dossier, Survey, utcnow
from khaosat.survey.lifecycle import opted_out

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings
from ..support.smtp_server import free_port

QLCN_HEAD = "truongphong@skhcn.example.gov.vn"
KHTC_HEAD = "ketoan@skhcn.example.gov.vn"


pytestmark = pytest.mark.usefixtures("early_in_round_two")  # the lists go days after the forms


@pytest.fixture
def config(tmp_path, smtp):
    return make_settings(tmp_path, smtp={"port": smtp.port}, report={"unit_heads": {"QLCN": [QLCN_HEAD]}})


def three_days_on() -> datetime:
    return utcnow() + timedelta(days=3)


def dispatched_in_two_units(engine, config) -> None:
    with Session(engine) as session:
        add_dossier(session, "HS-0", received_on=local_today(config), email="a@example.vn", phone="0912345678")
        add_dossier(
            session,
            "HS-KHTC",
            received_on=local_today(config),
            unit="KHTC",
            unit_name="Phòng Kế hoạch - Tài chính",
            email="k@example.vn",
        )
    assert dispatch_once(engine, config).sent == 2


def test_unit_heads_get_their_own_units_outstanding_list(engine, config, smtp):
    dispatched_in_two_units(engine, config)
    smtp.reset()
    report = send_followups(engine, config, now=three_days_on())
    assert (report.sent, report.dossiers, report.units_without_head) == (1, 1, ["KHTC"])
    [message] = [received.message for received in smtp.received]
    assert smtp.received[0].rcpt_tos == [QLCN_HEAD]
    html = message.get_body(("html",)).get_content()
    assert "HS-0" in html and "0912 345 678" in html and "HS-KHTC" not in html  # the national format
    assert "Phòng Quản lý chuyên ngành" in message["Subject"]


def test_a_refused_head_does_not_stop_the_other_units(engine, tmp_path, smtp):
    """KHTC's head is refused at RCPT: the error names the unit and the reason, and QLCN's list still goes."""
    heads = {"KHTC": [KHTC_HEAD], "QLCN": [QLCN_HEAD]}
    config = make_settings(tmp_path, smtp={"port": smtp.port}, report={"unit_heads": heads})
    dispatched_in_two_units(engine, config)
    smtp.reset()
    smtp.handler.rcpt_replies[KHTC_HEAD] = "550 5.1.1 no such user"
    report = send_followups(engine, config, now=three_days_on())
    assert (report.sent, report.dossiers, report.units_without_head) == (1, 1, [])
    [error] = report.errors
    assert error.startswith("KHTC: ") and "550" in error and "no such user" in error
    assert [received.rcpt_tos for received in smtp.received] == [[QLCN_HEAD]]
    assert "HS-0" in smtp.received[0].message.get_body(("html",)).get_content()


def test_server_down_is_one_error_and_nothing_sent(engine, config, smtp, tmp_path):
    """With no SMTP server at all the run stops at the first unit, with one error."""
    dispatched_in_two_units(engine, config)
    heads = {"KHTC": [KHTC_HEAD], "QLCN": [QLCN_HEAD]}
    down = make_settings(tmp_path, smtp={"port": free_port()}, report={"unit_heads": heads})
    report = send_followups(engine, down, now=three_days_on())
    assert report.sent == 0 and len(report.errors) == 1 and "không kết nối được máy chủ SMTP" in report.errors[0]


def test_applicants_who_opted_out_are_left_off_the_list(engine, config, smtp):
    """An opt-out asked for no more reminders: the unit's staff do not phone them either."""
    with Session(engine) as session:
        for code in ("HS-1", "HS-2"):
            add_dossier(session, code, received_on=local_today(config), email=f"{code.lower()}@example.vn")
    assert dispatch_once(engine, config).sent == 2
    with Session(engine) as session:
        survey = session.exec(select(Survey).join(Dossier).where(Dossier.code == "HS-2")).one()
        assert opted_out(session, survey, now=utcnow())
        session.commit()
    smtp.reset()
    report = send_followups(engine, config, now=three_days_on())
    assert (report.sent, report.dossiers) == (1, 1)
    html = smtp.received[0].message.get_body(("html",)).get_content()
    assert "HS-1" in html and "HS-2" not in html


def test_an_address_smtp_cannot_carry_is_contained_to_its_unit(engine, tmp_path, smtp):
    """KHTC's head has an address with diacritics (no SMTPUTF8): KHTC's error is recorded, and QLCN's list,
    after it, still goes on a clean connection."""
    heads = {"KHTC": ["kếtoán@skhcn.example.gov.vn"], "QLCN": [QLCN_HEAD]}
    config = make_settings(tmp_path, smtp={"port": smtp.port}, report={"unit_heads": heads})
    dispatched_in_two_units(engine, config)
    smtp.reset()
    report = send_followups(engine, config, now=three_days_on())
    assert (report.sent, report.dossiers) == (1, 1)
    [error] = report.errors
    assert error.startswith("KHTC: ")
    assert [received.rcpt_tos for received in smtp.received] == [[QLCN_HEAD]]
