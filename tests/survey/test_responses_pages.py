"""A reply read page by page: a page the counted reply lacks completes it; the same page again is a
duplicate of that page; other answers on a page it holds are a conflict. On both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from khaosat.models import Answer, Response, ResponseMethod, ReviewItem, ReviewKind, ReviewState, Survey, utcnow
from khaosat.survey.responses import Outcome, ReadAnswers, pages_held, record_answers

from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

PAGE_1 = {"B1_1": "4", "B1_2": None}
PAGE_2 = {"D1": "5", "C1": "1"}


def page(number: int, answers: dict[str, str | None], uncertain: dict[str, str] | None = None) -> ReadAnswers:
    return ReadAnswers(
        answers=answers,
        method=ResponseMethod.omr,
        uncertain=uncertain or {},
        pages={number: frozenset(answers)},
    )


@pytest.fixture
def survey_id(engine, tmp_path, database_url) -> int:
    config = make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})
    with Session(engine, expire_on_commit=False) as session:
        [survey] = dossiers_in_states(session, config, "QLCN", date(2026, 3, 2), ["sent"])
    assert survey is not None and survey.id is not None
    return survey.id


def record(engine, survey_id: int, read: ReadAnswers, inbound_file: str = "", **options):
    with Session(engine, expire_on_commit=False) as session:
        recorded = record_answers(
            session, session.get(Survey, survey_id), read, matched_by="qr", source_file=inbound_file, **options
        )
        session.commit()
        return recorded


def stored(engine, survey_id: int) -> tuple[list[Response], dict[str, str | None]]:
    """The survey's responses, and the answers of the one it counts."""
    with Session(engine) as session:
        rows = list(session.exec(select(Response).where(Response.survey_id == survey_id).order_by(col(Response.id))))
        [counted] = [row for row in rows if row.counted]
        answers = {a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == counted.id))}
        return rows, answers


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_a_page_returned_apart_completes_the_reply(engine, survey_id, order):
    """Page 2 after page 1 (or before it): one counted reply holding both pages, no conflict."""
    reads = {1: page(1, PAGE_1), 2: page(2, PAGE_2)}
    first = record(engine, survey_id, reads[order[0]], f"p{order[0]}.jpg")
    second = record(engine, survey_id, reads[order[1]], f"p{order[1]}.jpg")
    assert (first.outcome, second.outcome) == (Outcome.new, Outcome.completed)
    assert second.response.id == first.response.id and second.arrival.id != first.response.id
    rows, answers = stored(engine, survey_id)
    assert answers == {**PAGE_1, **PAGE_2}
    [counted] = [row for row in rows if row.counted]
    assert not any(row.conflicting for row in rows)
    held = pages_held(counted)
    assert sorted(held) == [1, 2] and {held[n]["file"] for n in held} == {"p1.jpg", "p2.jpg"}
    arrival = next(row for row in rows if row.id == second.arrival.id)
    assert (arrival.counted, arrival.duplicate_of) == (False, counted.id)  # its message stays tied to the survey


def test_the_same_page_again_is_a_duplicate_of_that_page(engine, survey_id):
    record(engine, survey_id, page(1, PAGE_1))
    record(engine, survey_id, page(2, PAGE_2))
    again = record(engine, survey_id, page(1, PAGE_1))
    assert again.outcome is Outcome.duplicate and not again.response.counted
    rows, answers = stored(engine, survey_id)
    assert answers == {**PAGE_1, **PAGE_2} and len(rows) == 3


def test_the_same_page_with_other_answers_is_a_conflict_holding_the_whole_form(engine, survey_id):
    """The conflicting reply is the counted one with that page as read again: Keep "second" takes a whole form."""
    record(engine, survey_id, page(1, PAGE_1))
    record(engine, survey_id, page(2, PAGE_2))
    other = record(engine, survey_id, page(1, {"B1_1": "2", "B1_2": None}))
    assert other.outcome is Outcome.conflict
    assert (other.response.conflicting, other.response.counted) == (True, False)
    _, answers = stored(engine, survey_id)
    assert answers == {**PAGE_1, **PAGE_2}  # the first still counts
    with Session(engine) as session:
        alternative = {
            a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == other.response.id))
        }
    assert alternative == {"B1_1": "2", "B1_2": None, **PAGE_2}


@pytest.mark.parametrize("state", [ReviewState.open, ReviewState.resolved])
def test_a_page_that_comes_while_a_conflict_waits_completes_both_versions(engine, survey_id, state):
    """Page 1 twice with other answers (a conflict for a person), then page 2: whichever
    version the person keeps holds page 2; once the conflict is settled, only the counted one."""
    record(engine, survey_id, page(1, PAGE_1))
    other = record(engine, survey_id, page(1, {"B1_1": "2", "B1_2": None}))
    with Session(engine) as session:
        item = ReviewItem(
            kind=ReviewKind.conflict, reason="", state=state, response_id=other.response.id, created_at=utcnow()
        )
        session.add(item)
        session.commit()
    completed = record(engine, survey_id, page(2, PAGE_2), "p2.jpg")
    assert completed.outcome is Outcome.completed
    _, answers = stored(engine, survey_id)
    assert answers == {**PAGE_1, **PAGE_2}
    with Session(engine) as session:
        alternative = session.get(Response, other.response.id)
        held = {a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == alternative.id))}
    if state is ReviewState.open:
        assert held == {"B1_1": "2", "B1_2": None, **PAGE_2} and sorted(pages_held(alternative)) == [1, 2]
    else:
        assert held == {"B1_1": "2", "B1_2": None} and sorted(pages_held(alternative)) == [1]


def test_an_unread_answer_on_a_completing_page_is_the_counted_reply_s_to_settle(engine, survey_id):
    record(engine, survey_id, page(1, PAGE_1))
    second = record(engine, survey_id, page(2, PAGE_2, uncertain={"D1": "hai ô"}))
    assert second.outcome is Outcome.completed and dict(second.uncertain) == {"D1": "hai ô"}
    with Session(engine) as session:
        row = session.exec(
            select(Answer).where(Answer.response_id == second.response.id, Answer.question == "D1")
        ).one()
    assert (row.value, row.uncertain) == (None, True)


def test_a_web_reply_is_a_whole_form_and_a_revision_still_counts_in_place(engine, survey_id):
    """A web reply (no pages) after a paper page counts as a new version; the paper page rules stay apart."""
    record(engine, survey_id, page(1, PAGE_1))
    web = ReadAnswers(answers={**PAGE_1, **PAGE_2, "B1_1": "5"}, method=ResponseMethod.web)
    with Session(engine) as session:
        revised = record_answers(
            session, session.get(Survey, survey_id), web, matched_by="token", revision=True
        ).response
        session.commit()
        assert (revised.counted, revised.pages) == (True, "")
    _, answers = stored(engine, survey_id)
    assert answers["B1_1"] == "5" and answers["D1"] == "5"
