"""The counters move with the rows: after every transition, a rollback and a kill they equal the recount."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from khaosat.dossiers.rows import DossierRecord
from khaosat.dossiers.store import Numbered, store_records
from khaosat.mailer.outbox import mark_failed, mark_sent, queue_new_surveys
from khaosat.models import (
    Channel,
    Dossier,
    OutboxMessage,
    OutboxState,
    ResponseMethod,
    ReviewKind,
    Round,
    RoundCount,
    Survey,
    SurveyStatus,
    Unit,
    utcnow,
)
from khaosat.reports.rates import unit_rates
from khaosat.review import service as review
from khaosat.review.decisions import Keep, Reject
from khaosat.review.queue import add_review
from khaosat.survey import lifecycle
from khaosat.survey.counts import Counts, ensure_dossier_rounds, rebuild_counts, recount, stored, survey_figures
from khaosat.survey.responses import ReadAnswers, record_answers
from khaosat.survey.rounds import period_for
from khaosat.survey.surveys import add_outbox

from ..support.factories import local_today
from ..support.processes import khaosat, write_config
from ..support.settings import make_settings

BOUNCE = "550 5.1.1 no such user"


@pytest.fixture
def config(tmp_path, database_url):
    return make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email", "post"]})


def record(code: str, received_on: date, *, unit: str = "QLCN", procedure: str = "1.004", **contact: str):
    values = {"email": "", "fax": "", "phone": "", "address": "", **contact}
    return DossierRecord(
        code=code,
        procedure_code=procedure,
        procedure_name=f"Thủ tục {procedure}",
        unit_code=unit,
        unit_name=f"Phòng {unit}",
        applicant="Công ty TNHH Ánh Dương",
        received_on=received_on,
        returned_on=None,
        **values,
    )


def store(engine, config, *records: DossierRecord) -> None:
    """Dossiers stored as an import stores them, in one transaction."""
    with Session(engine) as session:
        items = [Numbered(row, item) for row, item in enumerate(records, start=2)]
        store_records(items, session=session, source="xuat.xlsx", rounds=config.rounds)
        session.commit()


def in_step(engine) -> dict[tuple[str, str], Counts]:
    """Assert that every round's counters equal their recount; (round, unit code) → the figures."""
    figures: dict[tuple[str, str], Counts] = {}
    with Session(engine) as session:
        units = {unit.id: unit.code for unit in session.exec(select(Unit)).all()}
        for round_id, name in session.exec(select(Round.id, Round.name)).all():
            assert round_id is not None
            kept = stored(session, round_id)
            assert kept == recount(session, round_id), name
            for key, counts in kept.items():
                where = (name, units[key.unit_id])
                figures[where] = figures.get(where, Counts()) + counts
    return figures


def channels(engine) -> dict[str, Counts]:
    """The current round's figures per survey channel."""
    with Session(engine) as session:
        rows = session.exec(select(RoundCount).where(col(RoundCount.channel) != "")).all()
        return {row.channel: Counts(0, row.surveys, row.sent, row.returned, row.failed) for row in rows}


def queue(engine, config) -> None:
    with Session(engine) as session:
        queue_new_surveys(session, config, form_version="1", today=local_today(config))


def survey_of(session: Session, code: str) -> Survey:
    return session.exec(
        select(Survey).join(Dossier, col(Dossier.id) == col(Survey.dossier_id)).where(Dossier.code == code)
    ).one()


def latest_row(session: Session, code: str) -> OutboxMessage:
    survey = survey_of(session, code)
    return session.exec(
        select(OutboxMessage).where(OutboxMessage.survey_id == survey.id).order_by(col(OutboxMessage.id).desc())
    ).first()


def reply(session: Session, code: str, answers: dict[str, str | None], **options):
    read = ReadAnswers(answers=answers, method=ResponseMethod.acroform)
    response = record_answers(session, survey_of(session, code), read, matched_by="qr", **options).response
    session.commit()
    return response


def test_dispatch_moves_the_counters_with_the_survey(engine, config):
    """Import, queue, sent, a 5xx to the next channel, a bounce after sent, every channel failed, paper sent."""
    today, name = local_today(config), period_for(local_today(config), config.rounds).name
    store(
        engine,
        config,
        record("HS-1", today, email="a@example.vn", address="1 Lê Lợi, Đà Lạt"),
        record("HS-2", today, email="b@example.vn"),
        record("HS-3", today, email="c@example.vn"),
    )
    assert in_step(engine) == {(name, "QLCN"): Counts(dossiers=3)}
    queue(engine, config)
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3)
    with Session(engine) as session:
        mark_sent(session, latest_row(session, "HS-1"), now=utcnow())
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=1)
    with Session(engine) as session:
        assert mark_failed(session, latest_row(session, "HS-2"), BOUNCE, config) is Channel.counter
    assert channels(engine)["counter"] == Counts(surveys=1)
    with Session(engine) as session:  # HS-1's invitation bounced after it left: not sent after all, by post now
        lifecycle.delivery_failed(session, latest_row(session, "HS-1"), "bounce", config)
        session.commit()
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=0)
    with Session(engine) as session:  # the counter was the last channel for HS-2
        assert mark_failed(session, latest_row(session, "HS-2"), "không phát được", config) is None
        mark_sent(session, latest_row(session, "HS-1"), now=utcnow())  # the post form printed and confirmed
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=1, failed=1)
    assert channels(engine) == {
        "email": Counts(surveys=1),
        "post": Counts(surveys=1, sent=1),
        "counter": Counts(surveys=1, failed=1),
    }


def test_replies_and_review_decisions_move_returned(engine, config):
    """A reply, the same again, a conflicting one kept, a reply to a form never sent, replies discarded."""
    today, name = local_today(config), period_for(local_today(config), config.rounds).name
    store(engine, config, *(record(f"HS-{n}", today, email=f"{n}@example.vn") for n in range(3)))
    queue(engine, config)
    with Session(engine, expire_on_commit=False) as session:
        for code in ("HS-0", "HS-1"):
            mark_sent(session, latest_row(session, code), now=utcnow())
        first = reply(session, "HS-0", {"D1": "5"})
        reply(session, "HS-0", {"D1": "5"})  # the same answers again: a duplicate
        second = reply(session, "HS-0", {"D1": "2"})  # different answers: a conflict, the first counts
        assert second.conflicting and not second.counted
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=2, returned=1)
    with Session(engine, expire_on_commit=False) as session:
        item = add_review(session, ReviewKind.conflict, "Hai phiếu khác nhau", survey_id=first.survey_id,
                          response_id=second.id)  # fmt: skip
        review.resolve(session, item.id, Keep("second"), actor="thu", settings=config)
        session.commit()
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=2, returned=1)
    with Session(engine, expire_on_commit=False) as session:
        counter_reply = reply(session, "HS-2", {"D1": "4"})  # handed out at the counter: sent and returned
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=3, returned=2)
    with Session(engine, expire_on_commit=False) as session:
        for response in (counter_reply, second):
            item = add_review(session, ReviewKind.uncertain, "Không phải phiếu", survey_id=response.survey_id,
                              response_id=response.id)  # fmt: skip
            review.resolve(session, item.id, Reject("thư rác"), actor="thu", settings=config)
        session.commit()
    # HS-0 falls back on its first reply; HS-2 has none left, and its form was never recorded as sent.
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=3, surveys=3, sent=2, returned=1)


def test_a_reimport_moves_the_dossier_and_its_survey(engine, config):
    """A new unit, a new procedure, a received date in another round: the dossier and its survey's figures move."""
    today = local_today(config)
    this, earlier = period_for(today, config.rounds), period_for(today - timedelta(days=400), config.rounds)
    store(engine, config, record("HS-1", today, email="a@example.vn"), record("HS-2", today, email="b@example.vn"))
    queue(engine, config)
    with Session(engine) as session:
        mark_sent(session, latest_row(session, "HS-1"), now=utcnow())
        reply(session, "HS-1", {"D1": "5"})
    returned = Counts(dossiers=1, surveys=1, sent=1, returned=1)
    store(engine, config, record("HS-1", today, unit="KHTC", email="a@example.vn"))
    figures = in_step(engine)
    assert (figures[this.name, "KHTC"], figures[this.name, "QLCN"]) == (returned, Counts(dossiers=1, surveys=1))
    store(engine, config, record("HS-1", today, unit="KHTC", procedure="2.001", email="a@example.vn"))
    assert in_step(engine)[this.name, "KHTC"] == returned
    store(engine, config, record("HS-1", earlier.starts_on, unit="KHTC", procedure="2.001", email="a@example.vn"))
    figures = in_step(engine)
    assert figures[earlier.name, "KHTC"] == returned and figures.get((this.name, "KHTC"), Counts()) == Counts()
    with Session(engine) as session:
        survey = survey_of(session, "HS-1")
        assert session.get(Round, survey.round_id).name == earlier.name
        assert session.get(Unit, survey.unit_id).code == "KHTC"
        assert unit_rates(session, config, round_name=this.name).total.dossiers == 1


def test_a_rolled_back_change_leaves_the_counters_as_they_were(engine, config):
    """A status change and a new dossier rolled back (a failure before commit) count nothing, even
    when the same session then commits another change."""
    today, name = local_today(config), period_for(local_today(config), config.rounds).name
    store(engine, config, record("HS-1", today, email="a@example.vn"))
    queue(engine, config)
    before = in_step(engine)
    with Session(engine) as session:
        row = latest_row(session, "HS-1")
        row.state = OutboxState.sent
        lifecycle.sent(session, row, now=utcnow())
        store_records([Numbered(2, record("HS-2", today))], session=session, source="x.xlsx", rounds=config.rounds)
        session.flush()
        session.rollback()
        assert in_step(engine) == before
        mark_sent(session, latest_row(session, "HS-1"), now=utcnow())
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=1, surveys=1, sent=1)


KILLED_MID_TRANSACTION = """
import sys, time
from sqlmodel import Session, select
from khaosat.models import OutboxMessage, make_engine, utcnow
from khaosat.survey import lifecycle
with Session(make_engine(sys.argv[1])) as session:
    row = session.exec(select(OutboxMessage)).first()
    lifecycle.sent(session, row, now=utcnow())
    session.flush()
    print("flushed", flush=True)
    time.sleep(120)
"""


def test_a_process_killed_between_change_and_commit(engine, config, database_url):
    """kill -9 after the status change and its counters are written, before the commit: both are gone."""
    store(engine, config, record("HS-1", local_today(config), email="a@example.vn"))
    queue(engine, config)
    before = in_step(engine)
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_MID_TRANSACTION), database_url], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "flushed"
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert in_step(engine) == before
    with Session(engine) as session:
        assert survey_of(session, "HS-1").status is SurveyStatus.pending


def test_a_dispatcher_killed_mid_run_leaves_the_counters_in_step(engine, config, database_url, tmp_path, smtp):
    """kill -9 of `khaosat dispatch` while it sends; a new run sends the rest; the counters follow every step."""
    today = local_today(config)
    store(engine, config, *(record(f"HS-{n:02d}", today, email=f"u{n}@example.vn") for n in range(12)))
    smtp.handler.delay = 0.15
    process = khaosat(write_config(tmp_path, database_url, smtp.port), "dispatch", "--once")
    deadline = time.monotonic() + 60
    while len(smtp.received) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    in_step(engine)
    smtp.handler.delay = 0.0
    again = khaosat(write_config(tmp_path, database_url, smtp.port), "dispatch", "--once")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    figures = in_step(engine)[period_for(today, config.rounds).name, "QLCN"]
    assert figures.surveys == 12 and 11 <= figures.sent <= 12  # at most the one in flight is uncertain


def test_rebuild_repairs_and_fills_what_was_stored_without_counters(engine, config):
    """Rows stored with no counters (an older khaosat, bulk inserts) and a counter broken by hand: rebuilt."""
    today = local_today(config)
    store(engine, config, record("HS-1", today, email="a@example.vn"))
    queue(engine, config)
    with Session(engine) as session:
        mark_sent(session, latest_row(session, "HS-1"), now=utcnow())
        session.execute(sa.update(RoundCount).values(sent=RoundCount.sent + 5))
        dossier = session.exec(select(Dossier)).one()
        old = today - timedelta(days=400)
        session.add(Dossier(code="HS-OLD", procedure_id=dossier.procedure_id, unit_id=dossier.unit_id,
                            received_on=old, fingerprint="x", created_at=utcnow(), updated_at=utcnow()))  # fmt: skip
        session.commit()
        ensure_dossier_rounds(session, config.rounds)
        rebuild_counts(session)
    figures = in_step(engine)
    assert figures[period_for(today, config.rounds).name, "QLCN"] == Counts(dossiers=1, surveys=1, sent=1)
    assert figures[period_for(old, config.rounds).name, "QLCN"] == Counts(dossiers=1)


def test_a_round_without_dossiers_has_no_counters(engine, config):
    """Next year's round: no Round row, no counter, no unit in its rates."""
    today = local_today(config)
    store(engine, config, record("HS-1", today, email="a@example.vn"))
    later = period_for(today + timedelta(days=400), config.rounds).name
    with Session(engine) as session:
        assert session.exec(select(Round).where(Round.name == later)).first() is None
        assert unit_rates(session, config, round_name=later).units == []


def test_survey_figures_follow_the_rates_definitions():
    """A reply counts as sent; failed is the status; a survey always counts once."""
    survey = Survey(dossier_id=1, round_id=1, unit_id=1, code="X", token="t", form_version="1", channel=Channel.email)
    assert survey_figures(survey) == Counts(surveys=1)
    survey.responded = True
    assert survey_figures(survey) == Counts(surveys=1, sent=1, returned=1)
    survey.responded, survey.status = False, SurveyStatus.failed
    assert survey_figures(survey) == Counts(surveys=1, failed=1)


def test_a_late_failure_never_takes_back_what_the_survey_has(engine, config):
    """A bounce after the reply was counted changes only its row; a reminder refused on the last channel
    leaves the delivered survey sent. Neither makes a survey both returned (or sent) and failed."""
    today, name = local_today(config), period_for(local_today(config), config.rounds).name
    store(engine, config, record("HS-1", today, email="a@example.vn"), record("HS-2", today, email="b@example.vn"))
    queue(engine, config)
    with Session(engine, expire_on_commit=False) as session:
        for code in ("HS-1", "HS-2"):
            mark_sent(session, latest_row(session, code), now=utcnow())
        reply(session, "HS-1", {"D1": "5"})
        assert lifecycle.delivery_failed(session, latest_row(session, "HS-1"), "bounce", config) is None
        add_outbox(session, survey_of(session, "HS-2"), session.get(Dossier, survey_of(session, "HS-2").dossier_id),
                   config, kind="reminder-1")  # fmt: skip
        session.flush()
        reminder = latest_row(session, "HS-2")
        assert mark_failed(session, reminder, "550 không có người nhận", config) is Channel.counter
        mark_failed(session, latest_row(session, "HS-2"), "không phát được", config)  # the counter: the last channel
        session.commit()
        first, second = survey_of(session, "HS-1"), survey_of(session, "HS-2")
        assert (first.status, first.responded) == (SurveyStatus.responded, True)
        assert (second.status, second.sent_at is not None) == (SurveyStatus.sent, True)
    assert in_step(engine)[name, "QLCN"] == Counts(dossiers=2, surveys=2, sent=2, returned=1)
