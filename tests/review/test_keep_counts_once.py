"""Keep first/second makes the chosen reply the survey's one counted reply, whatever else arrived; on both backends.

After every reply and every decision the survey has exactly one counted reply, is returned,
and the counters equal both recounts from the rows (``survey.counts.recount`` and the
audit's own passes, reports/reconcile.py), with no reply fault the audit would report.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import product

import pytest
from sqlmodel import Session, col, select

from khaosat.models import AuditEntry, Response, ResponseMethod, ReviewItem, ReviewKind, ReviewState, Round, Survey
from khaosat.reports.reconcile import dossier_tallies, recounted, reply_faults, survey_tallies
from khaosat.review import service as review
from khaosat.review.decisions import Keep, Reject
from khaosat.review.queue import add_review
from khaosat.survey.counts import Counts, recount, round_days, stored
from khaosat.survey.responses import ReadAnswers, record_answers

from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

RECEIVED = date(2026, 3, 2)
PAPER = [{"D1": "5"}, {"D1": "3"}, {"D1": "1"}]  # three different paper replies to one survey
DECISIONS = list(product(("first", "second"), repeat=2))  # (Keep for the one resolved first, for the other)


def settings_for(tmp_path, database_url, *, keep_first=True):
    return make_settings(
        tmp_path,
        database={"url": database_url},
        dispatch={"channels": ["email"]},
        intake={"keep_first_response": keep_first},
    )


def sent_surveys(engine, config, count: int) -> list[int]:
    with Session(engine, expire_on_commit=False) as session:
        return [survey.id for survey in dossiers_in_states(session, config, "QLCN", RECEIVED, ["sent"] * count)]


def reply(engine, config, survey_id: int, answers, method=ResponseMethod.omr, *, revision=False) -> Response:
    """One reply recorded as the intake (or, with ``revision``, the web form) records it; a conflict opens its item."""
    with Session(engine, expire_on_commit=False) as session:
        response = record_answers(
            session,
            session.get(Survey, survey_id),
            ReadAnswers(answers, method),
            matched_by="token" if revision else "qr",
            keep_first=config.intake.keep_first_response,
            revision=revision,
        ).response
        if response.conflicting:
            add_review(session, ReviewKind.conflict, "Khác", survey_id=survey_id, response_id=response.id)
        session.commit()
        return response


def conflicts(engine, survey_id: int) -> list[int]:
    """The survey's open conflict items, oldest first."""
    with Session(engine) as session:
        query = select(col(ReviewItem.id)).where(
            col(ReviewItem.survey_id) == survey_id,
            col(ReviewItem.kind) == ReviewKind.conflict,
            col(ReviewItem.state) == ReviewState.open,
        )
        return list(session.exec(query.order_by(col(ReviewItem.id))).all())


def keep(engine, config, item_id: int, which: str) -> int:
    """Resolve the conflict item with Keep(which); the id of the response it says counts."""
    with Session(engine) as session:
        chosen = review.resolve(session, item_id, Keep(which), actor="thu", settings=config).response
        session.commit()
        return chosen.id


def counted(engine, survey_id: int) -> list[int]:
    with Session(engine) as session:
        query = select(col(Response.id)).where(col(Response.survey_id) == survey_id, col(Response.counted))
        return list(session.exec(query).all())


def assert_in_step(engine, survey_ids: list[int]) -> None:
    """Each survey returned with one counted reply; the counters equal both recounts; no reply fault."""
    with Session(engine) as session:
        for survey_id in survey_ids:
            assert session.get(Survey, survey_id).responded
            assert len(counted(engine, survey_id)) == 1, survey_id
        (round_id,) = session.exec(select(Round.id)).all()
        days = round_days(session, round_id)
        audited = recounted(round_id, dossier_tallies(session, days), survey_tallies(session, round_id, days))
        kept = stored(session, round_id)
        assert kept == recount(session, round_id) == audited
        assert reply_faults(session, round_id) == []
        assert sum((counts for counts in kept.values()), Counts()).returned == len(survey_ids)


@pytest.mark.parametrize("keep_first", [True, False], ids=["keep-first", "keep-latest"])
@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["in-order", "reversed"])
def test_three_paper_replies_keep_in_every_order(engine, tmp_path, database_url, keep_first, order):
    """Three different paper replies, two conflict items, each Keep in each order: the last chosen counts alone."""
    config = settings_for(tmp_path, database_url, keep_first=keep_first)
    surveys = sent_surveys(engine, config, len(DECISIONS))  # one survey per pair of decisions
    for survey_id in surveys:
        for answers in PAPER:
            reply(engine, config, survey_id, answers)
            assert_in_step(engine, surveys[: surveys.index(survey_id) + 1])
    for survey_id, decisions in zip(surveys, DECISIONS, strict=True):
        items = conflicts(engine, survey_id)
        assert len(items) == 2
        for position, which in zip(order, decisions, strict=True):
            chosen = keep(engine, config, items[position], which)
            assert counted(engine, survey_id) == [chosen]
            assert_in_step(engine, surveys)


@pytest.mark.parametrize("which", ["first", "second"])
def test_keep_after_a_web_revision_counts_one(engine, tmp_path, database_url, which):
    """Paper, a conflicting PDF (open conflict), a web revision, then Keep: the chosen reply alone counts."""
    config = settings_for(tmp_path, database_url)
    (survey_id,) = sent_surveys(engine, config, 1)
    paper = reply(engine, config, survey_id, {"D1": "5"})
    assert_in_step(engine, [survey_id])
    pdf = reply(engine, config, survey_id, {"D1": "2"}, ResponseMethod.acroform)
    assert pdf.conflicting and counted(engine, survey_id) == [paper.id]
    assert_in_step(engine, [survey_id])
    web = reply(engine, config, survey_id, {"D1": "4"}, ResponseMethod.web, revision=True)
    assert counted(engine, survey_id) == [web.id]
    assert_in_step(engine, [survey_id])
    (item_id,) = conflicts(engine, survey_id)
    chosen = keep(engine, config, item_id, which)
    assert chosen == (paper.id if which == "first" else pdf.id)
    assert counted(engine, survey_id) == [chosen]
    assert_in_step(engine, [survey_id])
    with Session(engine) as session:
        (entry,) = session.exec(select(AuditEntry).where(AuditEntry.target == f"review:{item_id}")).all()
        assert json.loads(entry.details)["before"] == {"counted": [web.id]}
        assert json.loads(entry.details)["after"] == {"counted": chosen}


def test_keep_after_the_counted_reply_was_rejected_returns_the_survey(engine, tmp_path, database_url):
    """The counted reply rejected (the survey waits again), then the other one kept: the survey is returned again."""
    config = settings_for(tmp_path, database_url)
    (survey_id,) = sent_surveys(engine, config, 1)
    paper = reply(engine, config, survey_id, {"D1": "5"})
    pdf = reply(engine, config, survey_id, {"D1": "2"}, ResponseMethod.acroform)
    with Session(engine) as session:
        item = add_review(session, ReviewKind.uncertain, "Xem lại", survey_id=survey_id, response_id=paper.id)
        review.resolve(session, item.id, Reject("nhầm phiếu"), actor="thu", settings=config)
        session.commit()
        assert not session.get(Survey, survey_id).responded
    assert counted(engine, survey_id) == []
    (item_id,) = conflicts(engine, survey_id)
    assert keep(engine, config, item_id, "second") == pdf.id
    assert counted(engine, survey_id) == [pdf.id]
    assert_in_step(engine, [survey_id])
    with Session(engine) as session:
        (entry,) = session.exec(select(AuditEntry).where(AuditEntry.target == f"review:{item_id}")).all()
        assert json.loads(entry.details)["before"] == {"counted": []}
