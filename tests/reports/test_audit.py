"""`khaosat audit`: per unit dossiers = sent + pending + failed and sent = returned + outstanding, the counters,
the rows' own consistency and every counted reply's raw file; exit 1 naming what does not reconcile."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
import sqlalchemy as sa
from rich.console import Console
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.intake.archive import archive_files, archive_path, archive_raw
from khaosat.intake.run import intake_once
from khaosat.models import InboundMessage, Response, Round, RoundCount, Survey, SurveyStatus, Unit, utcnow
from khaosat.reports.audit import round_audit
from khaosat.reports.audit_view import audit_table, problem_lines, unit_names
from khaosat.reports.raw_files import CountedReply, raw_problems
from khaosat.reports.reconcile import (
    Ledger,
    Problem,
    SurveyRow,
    ledger_problems,
    reply_fault,
    survey_faults,
)
from khaosat.survey.counts import DOSSIERS, CountKey, Counts, RoundDays, rebuild_counts

from ..intake.test_loop import build_replies, world  # noqa: F401
from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

UNITS = {1: ("QLCN", "Phòng QLCN"), 2: ("KHTC", "Phòng KHTC")}
PROCEDURES = {7: "1.004"}
ROUND_ONE = RoundDays(None, date(2026, 10, 31))


def key(unit_id: int, channel: str = "email") -> CountKey:
    return CountKey(1, unit_id, 7, channel)


# --- pure -----------------------------------------------------------------------------------


def test_agreeing_figures_reconcile_into_a_ledger():
    """4 dossiers: 2 sent (1 returned, 1 outstanding), 1 pending (no survey), 1 failed."""
    figures = {key(1, DOSSIERS): Counts(dossiers=4), key(1): Counts(surveys=3, sent=2, returned=1, failed=1)}
    audited = round_audit("2026-1", figures, dict(figures), {1: (1, 1)}, UNITS, PROCEDURES)
    assert audited.ok
    [unit] = audited.units
    assert (unit.unit, unit.ledger) == (
        "QLCN",
        Ledger(dossiers=4, sent=2, pending=1, failed=1, returned=1, outstanding=1),
    )


def test_a_counter_difference_names_unit_figure_procedure_and_channel():
    """Each figure of each counter that differs is one problem; a counter missing on one side counts as zeros."""
    recounted = {key(1, DOSSIERS): Counts(dossiers=3), key(1): Counts(surveys=3, sent=2)}
    counters = {key(1, DOSSIERS): Counts(dossiers=3), key(1): Counts(surveys=3, sent=3), key(2): Counts(surveys=1)}
    audited = round_audit("2026-1", counters, recounted, {1: (1, 2)}, UNITS, PROCEDURES)
    assert [(p.unit, p.check, p.facts["figure"], p.facts["found"], p.facts["expected"]) for p in audited.problems] == [
        ("KHTC", "counter", "surveys", 1, 0),
        ("QLCN", "counter", "sent", 3, 2),
    ]
    assert audited.problems[1].message == "QLCN: Đã gửi — bộ đếm 3, đếm lại từ dữ liệu 2 (thủ tục 1.004, kênh email)"


def test_each_equation_that_fails_is_one_problem():
    assert ledger_problems("QLCN", Ledger(5, 3, 1, 1, 2, 1)) == []
    [dossiers, sent] = ledger_problems(
        "QLCN", Ledger(dossiers=5, sent=3, pending=0, failed=1, returned=2, outstanding=2)
    )
    assert dossiers == Problem(
        "QLCN", "dossiers", "QLCN: Hồ sơ 5 ≠ Đã gửi 3 + Chờ gửi 0 + Thất bại 1 = 4", {"found": 5, "expected": 4}
    )
    assert (sent.check, sent.facts) == ("sent", {"found": 3, "expected": 4})


def survey_row(**changes) -> SurveyRow:
    row = SurveyRow("ABCD2345", "HS-1", 1, 1, "sent", False, utcnow(), date(2026, 3, 2))
    return row._replace(**changes)


def test_a_survey_row_contradicting_itself_or_its_dossier_is_explained():
    assert survey_faults(survey_row(), ROUND_ONE, "2026-1", UNITS) == {}
    assert list(survey_faults(survey_row(status="failed", responded=True), ROUND_ONE, "2026-1", UNITS)) == [
        "responded_and_failed",
        "dated_but_not_sent",
    ]
    assert list(survey_faults(survey_row(sent_at=None), ROUND_ONE, "2026-1", UNITS)) == ["sent_without_date"]
    assert list(survey_faults(survey_row(status="responded"), ROUND_ONE, "2026-1", UNITS)) == ["status_without_reply"]
    moved = survey_faults(survey_row(dossier_unit_id=2, received_on=date(2026, 11, 5)), ROUND_ONE, "2026-1", UNITS)
    assert moved == {
        "unit_differs": "hồ sơ thuộc đơn vị KHTC",
        "round_differs": "hồ sơ nhận ngày 05/11/2026, không thuộc đợt 2026-1",
    }


def test_returned_exactly_when_one_reply_counts():
    assert reply_fault(True, 1) is None and reply_fault(False, 0) is None
    assert [reply_fault(*case)[0] for case in ((True, 0), (True, 2), (False, 1))] == [  # type: ignore[index]
        "returned_without_reply",
        "several_counted",
        "reply_not_returned",
    ]


def test_a_counted_reply_needs_its_raw_file_intact(tmp_path):
    """Present and unchanged: no problem; missing, altered, or never recorded: one problem naming the file."""
    intact, _ = archive_raw(b"intact", tmp_path)
    missing = hashlib.sha256(b"deleted").hexdigest()
    altered, altered_path = archive_raw(b"original", tmp_path)
    altered_path.write_bytes(b"edited")
    replies = [
        CountedReply(1, 1, 21, "ABCD2345", 1, True, 10, intact),
        CountedReply(2, 1, 22, "ABCD2346", 1, True, 11, missing),
        CountedReply(3, 1, 23, "ABCD2347", 2, True, 12, altered),
        CountedReply(4, 1, 24, "ABCD2348", 2, True, None, None),
        CountedReply(5, 1, 25, "ABCD2349", 2, True, 13, None),
    ]
    problems = raw_problems(replies, archive_files(tmp_path), UNITS, rehash=True)
    assert [(p.unit, p.facts["response"], p.facts["fault"]) for p in problems] == [
        ("QLCN", 2, "missing"),
        ("KHTC", 3, "altered"),
        ("KHTC", 4, "no-raw"),
        ("KHTC", 5, "no-inbound"),
    ]
    assert str(archive_path(missing, tmp_path)) in problems[0].message
    assert problems[1].facts["found"] == hashlib.sha256(b"edited").hexdigest()
    looked_up = raw_problems(replies, archive_files(tmp_path), UNITS, rehash=False)
    assert [p.facts["fault"] for p in looked_up] == ["missing", "no-raw", "no-inbound"]  # an edit needs --hashes


def test_the_table_fits_80_columns_and_caps_each_kind_of_problem():
    figures = {key(1, DOSSIERS): Counts(dossiers=123456), key(1): Counts(surveys=1, sent=1, returned=1)}
    units = {1: ("QLCN", "Phòng Quản lý chuyên ngành và Chi cục Tiêu chuẩn Đo lường Chất lượng")}
    audited = round_audit("2026-1", figures, {**figures, key(1): Counts(surveys=1, sent=2)}, {}, units, PROCEDURES)
    console = Console(width=80, record=True, color_system=None)
    console.print(audit_table(audited, 80))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "123456" in text and "1 ≠ 2" in text and "✗" in text and "QLCN" in text
    many = [Problem("QLCN", "raw", f"QLCN: thiếu tệp {n}") for n in range(23)]
    lines = problem_lines(many)
    assert len(lines) == 21 and "thiếu tệp 19" in lines[19] and "3 vấn đề khác" in lines[20]


def test_names_that_find_no_room_in_the_table_are_listed_under_it_whole():
    name = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ, Thông tin - Thống kê, Đo lường - Thử nghiệm"
    figures = {key(1, DOSSIERS): Counts(dossiers=1234567), key(1): Counts(surveys=1234567, sent=1234567)}
    audited = round_audit("2026-1", figures, figures, {}, {1: ("TTUDTBKHCN", name)}, PROCEDURES)
    narrow = Console(width=80, record=True, color_system=None)
    narrow.print(audit_table(audited, 80))
    text = narrow.export_text()
    assert "Đơn vị" not in text and "1234567" in text and "TTUDTBKHCN" in text
    assert unit_names(audited, 80) == [f"  TTUDTBKHCN: {name}"]
    wide = Console(width=200, record=True, color_system=None)
    wide.print(audit_table(audited, 200))
    assert name in wide.export_text() and unit_names(audited, 200) == []


# --- the command on both databases ----------------------------------------------------------


def archive_replies(session: Session, storage_dir) -> None:
    """Give every reply the raw message it was read from, archived as the intake archives it."""
    for response in session.exec(select(Response)).all():
        sha256, _ = archive_raw(f"raw reply {response.id}".encode(), storage_dir)
        inbound = InboundMessage(source="scan", sha256=sha256, name=f"{response.id}.pdf", received_at=utcnow())
        session.add(inbound)
        session.flush()
        response.inbound_id = inbound.id
        session.add(response)
    session.commit()


@pytest.fixture
def config_file(tmp_path, engine, database_url):
    settings = make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})
    with Session(engine, expire_on_commit=False) as session:
        dossiers_in_states(
            session, settings, "QLCN", date(2026, 3, 2), ["sent", "returned", "none", "failed", "pending"]
        )
        dossiers_in_states(session, settings, "KHTC", date(2026, 11, 5), ["returned", "counter"])
        archive_replies(session, settings.storage.dir)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dispatch]\nchannels = ["email"]\n',
        encoding="utf-8",
    )
    return path


def audit(config_file, *args):
    return CliRunner().invoke(app, ["audit", "--config", str(config_file), *args], catch_exceptions=False)


def problems_of(result) -> list[dict]:
    report = json.loads(result.stdout)
    return [problem for audited in report["rounds"] for problem in audited["problems"]] + report["problems"]


def test_audit_reconciles_every_state(config_file):
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and [r["round"] for r in report["rounds"]] == ["2026-1", "2026-2"]
    assert [r["replies_checked"] for r in report["rounds"]] == [1, 2]
    [qlcn] = report["rounds"][0]["units"]
    assert qlcn["ledger"] == {"dossiers": 5, "sent": 2, "pending": 2, "failed": 1, "returned": 1, "outstanding": 1}
    assert qlcn["counters"] == qlcn["recount"] == {"dossiers": 5, "surveys": 4, "sent": 2, "returned": 1, "failed": 1}
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
    [problem] = problems_of(result)
    assert (problem["unit"], problem["check"], problem["figure"], problem["found"], problem["expected"]) == (
        "QLCN", "counter", "returned", 2, 1,
    )  # fmt: skip
    table = audit(config_file, "--round", "2026-1")
    assert table.exit_code == 1 and "2 ≠ 1" in table.stdout
    assert "QLCN: Trả lời — bộ đếm 2, đếm lại từ dữ liệu 1" in table.stdout
    with Session(engine) as session:
        rebuild_counts(session)
    assert audit(config_file).exit_code == 0


def test_a_survey_both_responded_and_failed(config_file, engine):
    """Counted in sent and in failed: the survey named, the dossiers equation broken, exit 1."""
    with Session(engine) as session:
        session.execute(sa.update(Survey).where(col(Survey.responded).is_(True)).values(status=SurveyStatus.failed))
        session.commit()
        rebuild_counts(session)
    result = audit(config_file, "--round", "2026-1", "--format", "json")
    assert result.exit_code == 1
    found = {(p["check"], p["unit"]): p for p in problems_of(result)}
    assert set(found) == {("survey", "QLCN"), ("dossiers", "QLCN")}
    assert found["survey", "QLCN"]["faults"] == ["responded_and_failed", "dated_but_not_sent"]
    assert (found["dossiers", "QLCN"]["found"], found["dossiers", "QLCN"]["expected"]) == (5, 6)


def test_surveys_of_another_unit_are_named_and_break_the_equations(config_file, engine):
    """Rows that say KHTC sent forms for QLCN's dossiers: each survey named, both units' dossiers off."""
    with Session(engine) as session:
        khtc = session.exec(select(Unit.id).where(Unit.code == "KHTC")).one()
        round_id = session.exec(select(Round.id).where(Round.name == "2026-1")).one()
        session.execute(sa.update(Survey).where(col(Survey.round_id) == round_id).values(unit_id=khtc))
        session.commit()
        rebuild_counts(session)
    result = audit(config_file, "--round", "2026-1", "--format", "json")
    assert result.exit_code == 1
    problems = problems_of(result)
    assert [(p["unit"], p["check"]) for p in problems] == [
        ("KHTC", "dossiers"), *[("KHTC", "survey")] * 4, ("QLCN", "dossiers"),
    ]  # fmt: skip
    assert all(p["faults"] == ["unit_differs"] for p in problems if p["check"] == "survey")
    assert (problems[0]["found"], problems[0]["expected"]) == (0, 4)


def test_a_reply_without_its_survey_or_its_raw_message(config_file, engine):
    """A reply whose survey row is gone (foreign keys off) and a counted reply with no raw message: both named."""
    with Session(engine) as session:
        response = session.exec(select(Response).order_by(col(Response.id))).first()
        assert response is not None
        response.inbound_id, response_id = None, response.id
        session.add(response)
        session.commit()
    orphan = {"survey_id": 999_999, "answers_hash": "0" * 64, "method": "manual", "received_at": utcnow()}
    insert_breaking_foreign_keys(engine, sa.insert(Response).values(**orphan))
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [orphaned] = report["problems"]
    assert (orphaned["check"], orphaned["survey_id"], orphaned["fault"]) == ("reply", 999_999, "no_survey")
    [raw] = report["rounds"][0]["problems"]
    assert (raw["unit"], raw["check"], raw["fault"], raw["response"]) == ("QLCN", "raw", "no-raw", response_id)


def insert_breaking_foreign_keys(engine, statement) -> None:
    """Run one INSERT that breaks a foreign key, as a database restored carelessly would hold."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET session_replication_role = replica")  # no foreign key triggers
            connection.execute(statement)
            connection.exec_driver_sql("SET session_replication_role = DEFAULT")
            connection.commit()
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # before any transaction, or it is ignored
            connection.execute(statement)
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")


def test_an_unknown_round_is_explained(config_file):
    result = audit(config_file, "--round", "2026-9")
    assert result.exit_code == 1 and "2026-9" in result.stderr


def test_the_whole_loop_reconciles_until_a_raw_file_is_deleted(
    engine,
    world,  # noqa: F811
    dovecot: Dovecot,  # noqa: F811
    imap_user: User,  # noqa: F811
    tmp_path,
    database_url,
):
    """Import, dispatch, every kind of reply taken in (duplicates, bounces, review): exit 0; one archived
    reply deleted: exit 1, its file named."""
    settings, sent = world
    messages, _ = build_replies(settings, sent)
    dovecot.append_many(imap_user, "INBOX", messages)
    assert not intake_once(engine, settings).errors
    path = tmp_path / "audit.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "{settings.storage.dir}"\n', encoding="utf-8"
    )
    result = audit(path, "--format", "json")
    assert result.exit_code == 0, result.output
    [audited] = json.loads(result.stdout)["rounds"]
    assert audited["replies_checked"] == 5 and audited["units"][0]["ledger"]["returned"] == 5
    rehashed = audit(path, "--hashes")  # every archived reply read again: intact
    assert rehashed.exit_code == 0 and "đúng mã SHA-256" in rehashed.stdout.replace("\n", " ")
    with Session(engine) as session:
        sha256 = session.exec(
            select(InboundMessage.sha256).join(Response, col(Response.inbound_id) == col(InboundMessage.id))
        ).first()
    assert sha256 is not None
    deleted = archive_path(sha256, settings.storage.dir)
    deleted.unlink()
    table = audit(path)
    assert table.exit_code == 1
    assert str(deleted) in table.stdout.replace("\n", "") and "thiếu tệp gốc" in table.stdout
    assert {problem["fault"] for problem in problems_of(audit(path, "--format", "json"))} == {"missing"}
