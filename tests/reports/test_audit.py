"""`khaosat audit`: the counters against the rows, per unit; exit 1 naming the unit and figure that differ."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.intake.run import intake_once
from khaosat.models import Round, RoundCount, Survey, Unit
from khaosat.reports.audit import Problem, order_breaks, round_audit
from khaosat.survey.counts import DOSSIERS, CountKey, Counts, rebuild_counts

from ..intake.test_loop import build_replies, world  # noqa: F401
from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

UNITS = {1: ("QLCN", "Phòng QLCN"), 2: ("KHTC", "Phòng KHTC")}
PROCEDURES = {7: "1.004"}


def key(unit_id: int, channel: str = "email") -> CountKey:
    return CountKey(1, unit_id, 7, channel)


def test_agreeing_figures_have_no_problem():
    figures = {key(1, DOSSIERS): Counts(dossiers=3), key(1): Counts(surveys=3, sent=2, returned=1)}
    audited = round_audit("2026-1", figures, dict(figures), UNITS, PROCEDURES)
    assert audited.ok and [(u.unit, u.counters) for u in audited.units] == [("QLCN", Counts(3, 3, 2, 1, 0))]


def test_a_difference_names_unit_figure_procedure_and_channel():
    """Each figure of each counter that differs is one problem; a counter missing on one side counts as zeros."""
    recounted = {key(1, DOSSIERS): Counts(dossiers=3), key(1): Counts(surveys=3, sent=2)}
    counters = {key(1, DOSSIERS): Counts(dossiers=3), key(1): Counts(surveys=3, sent=3), key(2): Counts(surveys=1)}
    audited = round_audit("2026-1", counters, recounted, UNITS, PROCEDURES)
    assert audited.problems == [
        Problem("KHTC", "counter", "surveys", 1, 0, "1.004", "email"),
        Problem("QLCN", "counter", "sent", 3, 2, "1.004", "email"),
    ]
    assert audited.problems[1].message == "QLCN: Đã gửi — bộ đếm 3, đếm lại từ dữ liệu 2 (thủ tục 1.004, kênh email)"


def test_dossiers_sent_returned_in_order():
    """dossiers ≥ sent ≥ returned, per unit, on the recounted figures."""
    assert order_breaks(Counts(dossiers=2, surveys=2, sent=2, returned=2)) == []
    assert order_breaks(Counts(dossiers=1, surveys=2, sent=2, returned=3)) == [("sent", 2, 1), ("returned", 3, 2)]
    audited = round_audit("2026-1", {key(2): Counts(surveys=1, sent=1)}, {key(2): Counts(surveys=1, sent=1)}, UNITS, {})
    assert [problem.message for problem in audited.problems] == ["KHTC: Đã gửi (1) nhiều hơn Hồ sơ (0)"]


@pytest.fixture
def config_file(tmp_path, engine, database_url):
    settings = make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})
    with Session(engine, expire_on_commit=False) as session:
        dossiers_in_states(session, settings, "QLCN", date(2026, 3, 2), ["sent", "returned", "none", "failed"])
        dossiers_in_states(session, settings, "KHTC", date(2026, 11, 5), ["returned", "counter"])
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[dispatch]\nchannels = ["email"]\n', encoding="utf-8")
    return path


def audit(config_file, *args):
    return CliRunner().invoke(app, ["audit", "--config", str(config_file), *args], catch_exceptions=False)


def test_audit_agrees_after_every_state(config_file):
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and [r["round"] for r in report["rounds"]] == ["2026-1", "2026-2"]
    [qlcn] = report["rounds"][0]["units"]
    assert qlcn["counters"] == qlcn["recount"] == {"dossiers": 4, "surveys": 3, "sent": 2, "returned": 1, "failed": 1}
    table = audit(config_file, "--round", "2026-2")
    assert table.exit_code == 0 and "Đối soát số liệu — đợt 2026-2" in table.stdout and "Khớp" in table.stdout


def test_a_counter_changed_behind_its_back_fails_the_audit(config_file, engine):
    """An UPDATE of one counter: exit 1, the unit and the figure named, in JSON and in the table."""
    with Session(engine) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.code == "QLCN")).one()
        session.execute(
            sa.update(RoundCount)
            .where(col(RoundCount.unit_id) == unit_id, col(RoundCount.channel) == "email")
            .values(returned=RoundCount.returned + 1)
        )
        session.commit()
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert not report["ok"] and report["rounds"][1]["ok"]
    [problem] = report["rounds"][0]["problems"]
    assert (problem["unit"], problem["check"], problem["figure"], problem["found"], problem["expected"]) == (
        "QLCN", "counter", "returned", 2, 1,
    )  # fmt: skip
    table = audit(config_file, "--round", "2026-1")
    assert table.exit_code == 1 and "2 ≠ 1" in table.stdout
    assert "QLCN: Trả lời — bộ đếm 2, đếm lại từ dữ liệu 1" in table.stdout
    with Session(engine) as session:
        rebuild_counts(session)
    assert audit(config_file).exit_code == 0


def test_surveys_of_another_unit_break_the_order(config_file, engine):
    """Rows that say a unit sent more forms than it had dossiers: the counters agree, the order does not."""
    with Session(engine) as session:
        khtc = session.exec(select(Unit.id).where(Unit.code == "KHTC")).one()
        round_id = session.exec(select(Round.id).where(Round.name == "2026-1")).one()
        session.execute(sa.update(Survey).where(col(Survey.round_id) == round_id).values(unit_id=khtc))
        session.commit()
        rebuild_counts(session)
    result = audit(config_file, "--round", "2026-1", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["rounds"][0]["problems"]
    assert [(p["unit"], p["check"], p["figure"], p["found"], p["expected"]) for p in problems] == [
        ("KHTC", "order", "sent", 2, 0)
    ]


def test_an_unknown_round_is_explained(config_file):
    result = audit(config_file, "--round", "2026-9")
    assert result.exit_code == 1 and "2026-9" in result.stderr


def test_the_whole_loop_reconciles(engine, world, dovecot: Dovecot, imap_user: User, tmp_path, database_url):  # noqa: F811
    """Import, dispatch, every kind of reply taken in (duplicates, bounces, review): the audit exits 0."""
    settings, sent = world
    messages, _ = build_replies(settings, sent)
    dovecot.append_many(imap_user, "INBOX", messages)
    assert not intake_once(engine, settings).errors
    path = tmp_path / "audit.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    result = audit(path, "--format", "json")
    assert result.exit_code == 0, result.output
    [audited] = json.loads(result.stdout)["rounds"]
    assert audited["units"][0]["counters"]["returned"] == 5
