"""`Merge`: a review item's form pages written into the reply its survey counts; returned-blank items. Both backends."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, col, select

from khaosat.errors import KhaosatError
from khaosat.models import Answer, AuditEntry, Response, ResponseMethod, ReviewItem, ReviewState, Survey
from khaosat.review import service as review
from khaosat.review.decisions import Assign, Merge, SetAnswers
from khaosat.review.queue import add_review
from khaosat.review.view import show_item
from khaosat.survey.codes import display_code
from khaosat.survey.responses import ReadAnswers, pages_held, record_answers

from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

PAGE_1 = {"B1_1": "4", "B1_2": "3"}
PAGE_2 = {"D1": "5", "C1": "1"}


@pytest.fixture
def config(tmp_path, database_url):
    return make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})


@pytest.fixture
def survey(engine, config) -> Survey:
    with Session(engine, expire_on_commit=False) as session:
        [row] = dossiers_in_states(session, config, "QLCN", date(2026, 3, 2), ["sent"])
    assert row is not None
    return row


def page_one(engine, survey: Survey) -> int:
    with Session(engine) as session:
        read = ReadAnswers(PAGE_1, ResponseMethod.omr, pages={1: frozenset(PAGE_1)})
        response = record_answers(session, session.get(Survey, survey.id), read, matched_by="qr").response
        session.commit()
        assert response.id is not None
        return response.id


def item(engine, kind: str, answers: dict, *, pages: dict | None = None, **values) -> int:
    details = {"code": None, "form_version": "1", "answers": answers, "uncertain": {}, "method": "omr"}
    if pages is not None:
        details["pages"] = pages
    with Session(engine) as session:
        row = add_review(session, kind, "Trang phiếu", source_file="trang2.jpg", details=details, **values)
        session.commit()
        assert row.id is not None
        return row.id


def counted_answers(engine, survey: Survey) -> tuple[Response, dict[str, str | None]]:
    with Session(engine) as session:
        [reply] = session.exec(select(Response).where(Response.survey_id == survey.id, col(Response.counted))).all()
        return reply, {a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == reply.id))}


def test_a_stray_page_merged_into_its_survey_s_reply(engine, config, survey):
    """Page 2 whose code was not read (unmatched), merged with the survey's code: the reply holds both pages."""
    page_one(engine, survey)
    stray = item(engine, "unmatched", PAGE_2, pages={"2": sorted(PAGE_2)})
    with Session(engine) as session:
        with pytest.raises(KhaosatError, match="--survey"):
            review.resolve(session, stray, Merge(), actor="lan", settings=config)
        session.rollback()
        merged = review.resolve(session, stray, Merge(display_code(survey.code)), actor="lan", settings=config)
        session.commit()
        assert merged.item.state is ReviewState.resolved and merged.item.survey_id == survey.id
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "review.merge")).all()
    reply, answers = counted_answers(engine, survey)
    assert answers == {**PAGE_1, **PAGE_2} and sorted(pages_held(reply)) == [1, 2]
    assert json.loads(entry.details)["pages"] == [2] and json.loads(entry.details)["before"] == {"C1": None, "D1": None}


def test_a_conflict_recorded_before_pages_were_told_apart_is_merged_back(engine, config, survey):
    """The old way: page 2 stored as a second, conflicting reply (no pages); `Merge` puts it in the counted one."""
    with Session(engine) as session:
        row = session.get(Survey, survey.id)
        record_answers(session, row, ReadAnswers(PAGE_1, ResponseMethod.omr), matched_by="qr")
        second = record_answers(session, row, ReadAnswers(PAGE_2, ResponseMethod.omr), matched_by="qr").response
        session.commit()
        assert second.conflicting
        conflict = item(engine, "conflict", PAGE_2, survey_id=survey.id, response_id=second.id)
    with Session(engine) as session:
        review.resolve(session, conflict, Merge(), actor="lan", settings=config)
        session.commit()
    _, answers = counted_answers(engine, survey)
    assert answers == {**PAGE_1, **PAGE_2}


def test_a_blank_form_counts_only_when_a_person_records_it(engine, config, survey):
    blank = item(engine, "blank", {"B1_1": None, "B1_2": None}, pages={"1": ["B1_1", "B1_2"]}, survey_id=survey.id)
    with Session(engine) as session:
        assert show_item(session, blank)["kind"] == "blank"
        assert not session.get(Survey, survey.id).responded
        review.resolve(session, blank, Assign(display_code(survey.code)), actor="lan", settings=config)
        session.commit()
        assert session.get(Survey, survey.id).responded
        assert session.exec(select(ReviewItem).where(col(ReviewItem.state) == ReviewState.open)).all() == []
    reply, answers = counted_answers(engine, survey)
    assert answers == {"B1_1": None, "B1_2": None} and reply.matched_by == "manual"


def test_each_page_s_doubts_are_settled_by_its_own_item(engine, config, survey):
    """Pages returned apart, each with an unread answer: one reply, an item per page, each settled alone."""
    items = []
    with Session(engine) as session:
        row = session.get(Survey, survey.id)
        for number, answers, doubt in ((1, PAGE_1, "B1_2"), (2, PAGE_2, "D1")):
            read = ReadAnswers(
                answers, ResponseMethod.omr, uncertain={doubt: "hai ô"}, pages={number: frozenset(answers)}
            )
            response = record_answers(session, row, read, matched_by="qr").response
            details = {"answers": answers, "uncertain": {doubt: "hai ô"}, "method": "omr"}
            uncertain = add_review(
                session, "uncertain", "?", survey_id=survey.id, response_id=response.id, details=details
            )
            items.append(uncertain.id)
        session.commit()
        review.resolve(session, items[1], SetAnswers({"D1": "4"}), actor="lan", settings=config)
        session.commit()
    reply, answers = counted_answers(engine, survey)
    with Session(engine) as session:
        unread = session.exec(
            select(Answer.question).where(Answer.response_id == reply.id, col(Answer.uncertain))
        ).all()
    assert answers["D1"] == "4" and list(unread) == ["B1_2"]
