"""The review queue: assign, enter answers, keep one of two replies, reject; audited; on both backends."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.errors import KhaosatError
from khaosat.models import Answer, AuditEntry, Response, ResponseMethod, ReviewItem, ReviewKind, ReviewState, Survey
from khaosat.reports.rates import unit_rates
from khaosat.review import service as review
from khaosat.review.decisions import Assign, Keep, Reject, SetAnswers
from khaosat.review.queue import add_review
from khaosat.survey.codes import display_code
from khaosat.survey.responses import ReadAnswers, record_answers

from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

RECEIVED = date(2026, 3, 2)
READ = {"B1_1": "4", "B1_2": None, "D1": "5"}
EVIDENCE = {"raw": "/srv/khaosat/archive/ab/abcd.eml", "file": "/srv/khaosat/evidence/7/scan.pdf", "crops": {}}


@pytest.fixture
def config(tmp_path, database_url):
    return make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})


@pytest.fixture
def surveys(engine, config):
    """Two surveys sent in round 2026-1, no reply yet."""
    with Session(engine, expire_on_commit=False) as session:
        return dossiers_in_states(session, config, "QLCN", RECEIVED, ["sent", "sent"])


def details(answers=READ, uncertain=None, method="omr"):
    return {
        "code": None,
        "form_version": "1",
        "answers": answers,
        "uncertain": uncertain or {},
        "method": method,
        "subject": "Phiếu khảo sát",
        "sender": "nguoinop@example.vn",
    }


def add_item(engine, kind, **values):
    with Session(engine) as session:
        item = add_review(session, kind, "Không đọc được mã phiếu", source_file="scan.pdf", evidence=EVIDENCE, **values)
        session.commit()
        return item.id


def returned(engine, config):
    with Session(engine) as session:
        return unit_rates(session, config, round_name="2026-1").total.returned


def audit_of(session, item_id):
    return session.exec(select(AuditEntry).where(AuditEntry.target == f"review:{item_id}")).all()


def test_assign_unmatched_counts_once(engine, config, surveys):
    """An unmatched form assigned to its survey is recorded as read, counted once, and audited."""
    first = add_item(engine, "unmatched", details=details())
    again = add_item(engine, "unmatched", details=details())  # the same form, forwarded twice
    code = display_code(surveys[0].code)
    with Session(engine) as session:
        response = review.resolve(
            session, first, Assign(code.lower()), actor="Nguyễn Thị Thu", settings=config
        ).response
        review.resolve(session, again, Assign(code), actor="Nguyễn Thị Thu", settings=config)
        session.commit()
        assert (response.method, response.matched_by, response.counted) == (ResponseMethod.omr, "manual", True)
        stored = session.exec(select(Answer).where(Answer.response_id == response.id)).all()
        assert {a.question: a.value for a in stored} == READ
        assert session.get(Survey, surveys[0].id).responded
        item = session.get(ReviewItem, first)
        assert (item.state, item.resolved_by, item.survey_id) == (ReviewState.resolved, "Nguyễn Thị Thu", surveys[0].id)
        assert item.resolved_at is not None
        (entry,) = audit_of(session, first)
        assert (entry.actor, entry.action) == ("Nguyễn Thị Thu", "review.assign")
        assert json.loads(entry.details)["after"]["survey"] == code
        assert len(session.exec(select(Response)).all()) == 2
    assert returned(engine, config) == 1


def test_resolving_twice_is_refused(engine, config, surveys):
    item_id = add_item(engine, "unmatched", details=details())
    with Session(engine) as session:
        review.resolve(session, item_id, Assign(surveys[0].code), actor="thu", settings=config)
        session.commit()
    with Session(engine) as session, pytest.raises(KhaosatError, match="đã được xử lý"):
        review.resolve(session, item_id, Reject("nhầm"), actor="lan", settings=config)
    with Session(engine) as session, pytest.raises(KhaosatError, match="không có mục"):
        review.resolve(session, 999, Reject("nhầm"), actor="lan", settings=config)


@pytest.mark.parametrize(
    ("code", "message"), [("ABCD-EFGH", "không hợp lệ"), ("0000-0000", "không có phiếu khảo sát mã 0000-0000")]
)
def test_bad_survey_code_is_refused(engine, config, surveys, code, message):
    item_id = add_item(engine, "unmatched", details=details())
    with Session(engine) as session, pytest.raises(KhaosatError, match=message):
        review.resolve(session, item_id, Assign(code), actor="thu", settings=config)


def uncertain_reply(engine, survey):
    """A reply stored with B1_2 unread (a double mark), and its review item."""
    with Session(engine) as session:
        read = ReadAnswers(answers=READ, method=ResponseMethod.omr, uncertain={"B1_2": "hai ô được đánh dấu"})
        response = record_answers(session, session.get(Survey, survey.id), read, matched_by="qr").response
        item = add_review(
            session,
            "uncertain",
            "Cần xem lại câu B1_2",
            survey_id=survey.id,
            response_id=response.id,
            evidence=EVIDENCE,
            details=details(uncertain={"B1_2": "x"}),
        )
        session.commit()
        return item.id, response.id


def test_set_answers_fills_the_uncertain_ones(engine, config, surveys):
    item_id, response_id = uncertain_reply(engine, surveys[0])
    with Session(engine) as session:
        review.resolve(session, item_id, SetAnswers({"B1_2": "3", "D1": "4"}), actor="thu", settings=config)
        session.commit()
        answers = {
            a.question: (a.value, a.uncertain)
            for a in session.exec(select(Answer).where(Answer.response_id == response_id))
        }
        assert answers == {"B1_1": ("4", False), "B1_2": ("3", False), "D1": ("4", False)}
        (entry,) = audit_of(session, item_id)
        assert json.loads(entry.details)["before"] == {"B1_2": "?", "D1": "5"}
        assert session.get(ReviewItem, item_id).state == ReviewState.resolved


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"B1_2": "7"}, "“7” không phải lựa chọn hợp lệ"),
        ({"B1_2": "3", "Z9": "1"}, "câu hỏi “Z9” không có"),
        ({"D1": "4"}, "còn câu chưa xác định: B1_2"),
    ],
)
def test_invalid_answers_are_refused(engine, config, surveys, answers, message):
    item_id, _ = uncertain_reply(engine, surveys[0])
    with Session(engine) as session, pytest.raises(KhaosatError, match=message):
        review.resolve(session, item_id, SetAnswers(answers), actor="thu", settings=config)
    with Session(engine) as session:
        assert session.get(ReviewItem, item_id).state == ReviewState.open


def test_blank_answer_and_option_case(engine, config, surveys):
    """ "" is a blank decided by a person; option values match without regard to case."""
    item_id, response_id = uncertain_reply(engine, surveys[0])
    with Session(engine) as session:
        review.resolve(session, item_id, SetAnswers({"B1_2": "", "B2_1": "NA"}), actor="thu", settings=config)
        session.commit()
        rows = {a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == response_id))}
    assert (rows["B1_2"], rows["B2_1"]) == (None, "na")


def test_reject_takes_the_reply_out_of_the_count(engine, config, surveys):
    """A rejected reply is kept but no longer counts; the survey waits for a reply again."""
    item_id, response_id = uncertain_reply(engine, surveys[0])
    assert returned(engine, config) == 1
    with Session(engine) as session:
        review.resolve(session, item_id, Reject("Trang trắng, không phải phiếu trả lời"), actor="thu", settings=config)
        session.commit()
        assert session.get(Response, response_id).counted is False
        assert session.get(Survey, surveys[0].id).responded is False
        assert session.get(ReviewItem, item_id).state == ReviewState.rejected
        (entry,) = audit_of(session, item_id)
        assert json.loads(entry.details)["reason"].startswith("Trang trắng")
    assert returned(engine, config) == 0


def test_unread_attachment_gets_manual_answers(engine, config, surveys):
    """A file nothing could be read from: a person enters its answers for the survey it belongs to."""
    item_id = add_item(engine, ReviewKind.attachment)
    with Session(engine) as session:
        decision = Assign(surveys[1].code, {"D1": "2", "E1": "Chờ lâu quá"})
        response = review.resolve(session, item_id, decision, actor="thu", settings=config).response
        session.commit()
        assert (response.method, response.comment, response.counted) == (ResponseMethod.manual, "Chờ lâu quá", True)
    assert returned(engine, config) == 1


def test_assign_leaves_unread_answers_for_review(engine, config, surveys):
    """An unmatched form with an unread answer: assigned, it opens an uncertain item for that answer."""
    item_id = add_item(engine, "unmatched", details=details(uncertain={"B1_2": "mờ"}))
    with Session(engine) as session:
        response = review.resolve(session, item_id, Assign(surveys[0].code), actor="thu", settings=config).response
        session.commit()
        follow = session.exec(select(ReviewItem).where(col(ReviewItem.state) == ReviewState.open)).all()
        assert [(i.kind, i.response_id) for i in follow] == [("uncertain", response.id)]


def test_conflict_keep_second(engine, config, surveys):
    with Session(engine) as session:
        survey = session.get(Survey, surveys[0].id)
        first = record_answers(session, survey, ReadAnswers({"D1": "5"}, ResponseMethod.omr), matched_by="qr").response
        second = record_answers(session, survey, ReadAnswers({"D1": "1"}, ResponseMethod.omr), matched_by="qr").response
        item = add_review(session, "conflict", "Khác", survey_id=survey.id, response_id=second.id)
        session.commit()
        review.resolve(session, item.id, Keep("second"), actor="thu", settings=config)
        session.commit()
        assert (session.get(Response, first.id).counted, session.get(Response, second.id).counted) == (False, True)
    assert returned(engine, config) == 1


@pytest.fixture
def config_file(tmp_path, database_url, engine):
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_cli_list_show_resolve(engine, config_file, surveys):
    item_id = add_item(engine, "unmatched", details=details())
    listed = invoke("review", "list", "--format", "json", "--config", config_file)
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert {"id", "kind", "reason", "state", "survey", "source_file", "evidence", "details", "created_at"} <= set(row)
    assert (row["id"], row["kind"], row["evidence"]["raw"]) == (item_id, "unmatched", EVIDENCE["raw"])
    shown = invoke("review", "show", item_id, "--config", config_file)
    assert shown.exit_code == 0 and EVIDENCE["raw"] in shown.stdout and EVIDENCE["file"] in shown.stdout
    code = display_code(surveys[0].code)
    resolved = invoke(
        "review", "resolve", item_id, "--survey", code, "--answer", "B1_2=3", "--by", "Lan", "--config", config_file
    )
    assert resolved.exit_code == 0, resolved.output
    assert "được tính" in resolved.stdout
    again = invoke("review", "resolve", item_id, "--reject", "nhầm", "--config", config_file)
    assert again.exit_code == 1 and "đã được xử lý" in again.output
    assert json.loads(invoke("review", "list", "--format", "json", "--config", config_file).stdout) == []
    everything = json.loads(invoke("review", "list", "--all", "--format", "json", "--config", config_file).stdout)
    assert [(r["state"], r["survey"], r["resolved_by"]) for r in everything] == [("resolved", code, "Lan")]


def test_cli_bad_usage(engine, config_file, surveys):
    item_id = add_item(engine, "unmatched", details=details())
    assert invoke("review", "resolve", item_id, "--config", config_file).exit_code == 2
    assert invoke("review", "resolve", item_id, "--answer", "B1_2", "--config", config_file).exit_code == 2
    both = invoke("review", "resolve", item_id, "--reject", "x", "--survey", "ABCD", "--config", config_file)
    assert both.exit_code == 2
    bad = invoke("review", "resolve", item_id, "--survey", surveys[0].code, "--answer", "D1=9", "--config", config_file)
    assert bad.exit_code == 1 and "không phải lựa chọn hợp lệ" in bad.output
