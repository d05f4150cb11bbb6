"""The audit's single passes (surveys, dossiers, counted replies) find every fault the row-by-row checks named:
each kind of contradicting survey row, each kind of reply fault, a survey whose dossier is gone."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from khaosat.models import Dossier, Response, Round, Survey, SurveyStatus, utcnow
from khaosat.reports.raw_files import CountedReply, RawCheck, counted_replies
from khaosat.reports.reconcile import (
    DossierTally,
    ReplyTally,
    SurveyTally,
    dossier_tallies,
    recounted,
    survey_tallies,
    waiting,
)
from khaosat.survey.counts import DOSSIERS, CountKey, Counts, rebuild_counts, recount, round_days

from .test_audit import audit, config_file, insert_breaking_foreign_keys, problems_of  # noqa: F401

# --- pure -----------------------------------------------------------------------------------


def tally_of(replies: list[tuple[int, bool]]) -> ReplyTally:
    tally = ReplyTally()
    for survey_id, returned in replies:
        tally.see(survey_id, returned)
    return tally


def test_replies_agree_only_when_each_returned_survey_has_exactly_one():
    """Seen in survey order: a second reply, a reply of a survey not returned, a returned survey without one."""
    assert tally_of([(1, True), (2, True)]).agrees(2)
    assert tally_of([]).agrees(0)
    assert not tally_of([(1, True), (1, True)]).agrees(1)
    assert not tally_of([(1, True), (2, False)]).agrees(1)
    assert not tally_of([(1, True)]).agrees(2)
    masked = tally_of([(1, True), (1, True)])  # two replies for one survey, none for the other: as many as returned
    assert masked.counted == 2 and not masked.agrees(2)


def test_a_survey_without_its_dossier_waits_but_is_not_recounted():
    """Pending and outstanding come from the survey rows alone; the recount joins each survey to its dossier."""
    dossiers = [DossierTally(1, 7, dossiers=3, without_survey=1)]
    surveys = [
        SurveyTally(1, 7, "email", Counts(surveys=2, sent=1, returned=1), 1, 0, 0),
        SurveyTally(1, None, "email", Counts(surveys=1, sent=1), 0, 1, 0),
    ]
    assert recounted(4, dossiers, surveys) == {
        CountKey(4, 1, 7, DOSSIERS): Counts(dossiers=3),
        CountKey(4, 1, 7, "email"): Counts(surveys=2, sent=1, returned=1),
    }
    assert waiting(dossiers, surveys) == {1: (2, 1)}


def test_a_raw_file_shared_by_replies_is_looked_up_once(tmp_path):
    """A scanned stack: many replies, one archived file."""
    looked_up: list[str] = []

    def raw_path(sha256: str) -> str:
        looked_up.append(sha256)
        return str(tmp_path / sha256)

    check = RawCheck(raw_path, {1: ("QLCN", "Phòng QLCN")}, rehash=False)
    stack = "a" * 64
    problems = [check.problem(CountedReply(n, 1, n, f"ABCD234{n}", 1, True, 9, stack)) for n in range(3)]
    assert looked_up == [stack]
    assert [problem.facts["fault"] for problem in problems if problem] == ["missing"] * 3


# --- the command on both databases ----------------------------------------------------------


def survey_of(session: Session, dossier_code: str) -> Survey:
    return session.exec(
        select(Survey).join(Dossier, col(Dossier.id) == col(Survey.dossier_id)).where(Dossier.code == dossier_code)
    ).one()


def add_counted_reply(session: Session, survey: Survey) -> None:
    """Another counted reply to ``survey``, from the raw message of its first one."""
    first = session.exec(select(Response).where(Response.survey_id == survey.id)).first()
    assert first is not None
    session.execute(
        sa.insert(Response).values(
            survey_id=survey.id, inbound_id=first.inbound_id, answers_hash="1" * 64, method="manual",
            counted=True, received_at=utcnow(),
        )
    )  # fmt: skip


def uncount_replies(session: Session, survey: Survey) -> None:
    session.execute(sa.update(Response).where(col(Response.survey_id) == survey.id).values(counted=False))


def reply_faults_found(config_file) -> set[tuple[str, str, str]]:  # noqa: F811
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 1
    return {(p["unit"], p["survey"], p["fault"]) for p in problems_of(result) if p["check"] == "reply"}


def test_the_passes_count_what_the_recount_counts(config_file, engine):  # noqa: F811
    """The audit's two passes and ``survey.counts.recount`` (which rebuilds the counters) agree, round by round."""
    with Session(engine) as session:
        rounds = session.exec(select(Round.id)).all()
        assert len(rounds) == 2
        for round_id in rounds:
            assert round_id is not None
            days = round_days(session, round_id)
            passes = recounted(round_id, dossier_tallies(session, days), survey_tallies(session, round_id, days))
            assert passes == recount(session, round_id) and passes


def test_each_kind_of_reply_fault_is_named(config_file, engine):  # noqa: F811
    """Two counted replies, a returned survey whose reply is not counted, a counted reply of a survey not returned."""
    with Session(engine) as session:
        twice, uncounted, unreturned = (
            survey_of(session, code) for code in ("QLCN-20260302-1", "KHTC-20261105-0", "KHTC-20261105-1")
        )
        add_counted_reply(session, twice)
        uncount_replies(session, uncounted)
        session.execute(
            sa.update(Survey)
            .where(col(Survey.id) == unreturned.id)
            .values(responded=False, status=SurveyStatus.sent, sent_at=utcnow())
        )
        session.commit()
        codes = [survey.code for survey in (twice, uncounted, unreturned)]
        rebuild_counts(session)
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    assert reply_faults_found(config_file) == {
        ("QLCN", shown[0], "several_counted"),
        ("KHTC", shown[1], "returned_without_reply"),
        ("KHTC", shown[2], "reply_not_returned"),
    }


def test_a_returned_survey_without_a_counted_reply_alone_is_named(config_file, engine):  # noqa: F811
    """No reply of the round is out of place: only the number of them gives it away."""
    with Session(engine) as session:
        survey = survey_of(session, "QLCN-20260302-1")
        uncount_replies(session, survey)
        session.commit()
        code = survey.code
    assert reply_faults_found(config_file) == {("QLCN", f"{code[:4]}-{code[4:]}", "returned_without_reply")}


def test_a_second_reply_is_found_though_another_survey_lacks_one(config_file, engine):  # noqa: F811
    """As many counted replies as returned surveys, yet one survey has two and another none: both named."""
    with Session(engine) as session:
        twice, without = survey_of(session, "KHTC-20261105-0"), survey_of(session, "KHTC-20261105-1")
        add_counted_reply(session, twice)
        uncount_replies(session, without)
        session.commit()
        shown = {f"{survey.code[:4]}-{survey.code[4:]}" for survey in (twice, without)}
    assert {(unit, fault) for unit, _, fault in reply_faults_found(config_file)} == {
        ("KHTC", "several_counted"),
        ("KHTC", "returned_without_reply"),
    }
    assert {code for _, code, _ in reply_faults_found(config_file)} == shown


def test_counted_replies_stream_by_survey(config_file, engine):  # noqa: F811
    """A reply recorded after the others still comes next to its survey's first one."""
    with Session(engine) as session:
        first = survey_of(session, "QLCN-20260302-1")
        add_counted_reply(session, first)
        session.commit()
        surveys, first_id = [reply.survey_id for reply in counted_replies(session)], first.id
    assert len(surveys) == 4 and surveys == sorted(surveys) and surveys[:2] == [first_id, first_id]


def test_every_kind_of_contradicting_row_is_named(config_file, engine):  # noqa: F811
    """Returned in status but not counted, sent without a date, dated but failed, a dossier moved to another round."""
    with Session(engine) as session:
        changes = {
            "QLCN-20260302-0": {"status": SurveyStatus.responded},  # sent → "responded", no reply counted
            "QLCN-20260302-4": {"status": SurveyStatus.sent},  # pending → "sent" without a date
            "QLCN-20260302-3": {"sent_at": utcnow()},  # failed, yet dated
        }
        for code, values in changes.items():
            session.execute(sa.update(Survey).where(col(Survey.id) == survey_of(session, code).id).values(**values))
        session.execute(
            sa.update(Dossier).where(col(Dossier.code) == "KHTC-20261105-1").values(received_on=date(2026, 3, 3))
        )
        session.commit()
        rebuild_counts(session)
    result = audit(config_file, "--format", "json")
    assert result.exit_code == 1
    faults = {p["dossier"]: p["faults"] for p in problems_of(result) if p["check"] == "survey"}
    assert faults == {
        "QLCN-20260302-0": ["status_without_reply"],
        "QLCN-20260302-4": ["sent_without_date"],
        "QLCN-20260302-3": ["dated_but_not_sent"],
        "KHTC-20261105-1": ["round_differs"],
    }


def test_a_survey_whose_dossier_is_gone_breaks_sent_and_the_counters(config_file, engine):  # noqa: F811
    """Its dossier deleted with foreign keys off: still outstanding, no longer recounted as sent."""
    with Session(engine) as session:
        orphan = survey_of(session, "QLCN-20260302-0")
    insert_breaking_foreign_keys(engine, sa.delete(Dossier).where(col(Dossier.id) == orphan.dossier_id))
    result = audit(config_file, "--round", "2026-1", "--format", "json")
    assert result.exit_code == 1
    found = {(p["unit"], p["check"], p.get("figure", "")) for p in problems_of(result)}
    assert found == {
        ("QLCN", "sent", ""),
        ("QLCN", "counter", "dossiers"),
        ("QLCN", "counter", "surveys"),
        ("QLCN", "counter", "sent"),
    }
