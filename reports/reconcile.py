"""A round's reconciliation from the rows, per unit: where every dossier stands, and the rows that contradict it.

Each dossier of a round falls in exactly one of these categories, read from its survey's row
(the statuses of models.py, changed only by survey/lifecycle.py):

- **sent** (Đã gửi): the form reached the applicant — an invitation delivered (``sent_at``)
  or a reply received (a form handed out at the counter); the reports' and counters' ``sent``;
- **pending** (Chờ gửi): no survey yet, or a survey in status ``pending`` (waiting in the
  outbox, at the printer, or for its next channel);
- **failed** (Thất bại): a survey in status ``failed`` (every channel failed);

and each survey sent in exactly one of:

- **returned** (Trả lời): a counted reply (``responded``, status ``responded``);
- **outstanding** (Chưa trả lời): status ``sent`` — delivered, no reply counted yet.

So per unit: dossiers = sent + pending + failed, and sent = returned + outstanding. Rows that
agree with themselves always reconcile; ``contradictions`` and ``reply_faults`` list each row
that does not (a survey both responded and failed, a "sent" survey without a date, a survey
of another unit or round than its dossier, a returned survey with no counted reply or two,
a reply whose survey is gone), so a broken equation always comes with its cause.

A round is counted in two passes, ``survey_tallies`` and ``dossier_tallies``, summed in SQL;
with ``ReplyTally`` over the counted replies they say whether any row is at fault, and only
then are those rows read (``contradictions``, ``reply_faults``) to be named.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from ..language import N_, day_text, tr
from ..models import Dossier, Response, Survey, SurveyStatus
from ..survey.codes import display_code
from ..survey.counts import DOSSIERS, CountKey, Counts, RoundDays, count_if, survey_figure_columns

Names = dict[int, tuple[str, str]]  # id → (code, name)
STATUS_NAMES = {"pending": N_("chờ gửi"), "sent": N_("đã gửi"), "failed": N_("thất bại"), "responded": N_("đã trả lời")}


@dataclass(frozen=True)
class Problem:
    """Something that does not reconcile: the unit's code ("" when none can be named), the check
    (``audit.CHECKS``), the sentence a person reads, and what was found, for scripts."""

    unit: str
    check: str
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ledger:
    """A unit's dossiers by category (see the module docstring)."""

    dossiers: int = 0
    sent: int = 0
    pending: int = 0
    failed: int = 0
    returned: int = 0
    outstanding: int = 0


class SurveyRow(NamedTuple):
    code: str
    dossier: str
    unit_id: int
    dossier_unit_id: int
    status: str
    responded: bool
    sent_at: datetime | None
    received_on: date


class SurveyTally(NamedTuple):
    """A round's surveys of one unit, procedure and channel, as the survey pass counts them."""

    unit_id: int
    procedure_id: int | None  # None: the survey's dossier row is gone
    channel: str
    counts: Counts  # surveys, sent, returned, failed: the counters' figures (survey/counts.py)
    pending: int
    outstanding: int
    contradicting: int  # rows that ``contradictions`` lists


class DossierTally(NamedTuple):
    """A round's dossiers of one unit and procedure, and how many of them have no survey."""

    unit_id: int
    procedure_id: int
    dossiers: int
    without_survey: int


@dataclass
class ReplyTally:
    """A round's counted replies, seen one by one in survey order: enough to know whether any survey
    has a counted reply without being returned, or more than one, or none while returned — what
    ``reply_faults`` names — without holding the replies."""

    counted: int = 0
    on_returned: int = 0  # the first reply of a survey counted as returned
    stray: int = 0  # a reply of a survey not returned, or a survey's second one
    last_survey: int | None = None

    def see(self, survey_id: int, returned: bool) -> None:
        self.counted += 1
        if returned and survey_id != self.last_survey:
            self.on_returned += 1
        else:
            self.stray += 1
        self.last_survey = survey_id

    def agrees(self, returned: int) -> bool:
        """Whether each of the round's ``returned`` surveys has one counted reply, and no other survey any."""
        return self.stray == 0 and self.on_returned == returned


# --- pure -----------------------------------------------------------------------------------


def ledger_problems(unit: str, ledger: Ledger) -> list[Problem]:
    """The unit's two equations, each that fails one problem."""
    problems = []
    parts = ledger.sent + ledger.pending + ledger.failed
    if ledger.dossiers != parts:
        problems.append(
            Problem(
                unit,
                "dossiers",
                tr(
                    "{unit}: Hồ sơ {dossiers} ≠ Đã gửi {sent} + Chờ gửi {pending} + Thất bại {failed} = {parts}",
                    unit=unit,
                    dossiers=ledger.dossiers,
                    sent=ledger.sent,
                    pending=ledger.pending,
                    failed=ledger.failed,
                    parts=parts,
                ),
                {"found": ledger.dossiers, "expected": parts},
            )
        )
    answered = ledger.returned + ledger.outstanding
    if ledger.sent != answered:
        problems.append(
            Problem(
                unit,
                "sent",
                tr(
                    "{unit}: Đã gửi {sent} ≠ Trả lời {returned} + Chưa trả lời {outstanding} = {answered}",
                    unit=unit,
                    sent=ledger.sent,
                    returned=ledger.returned,
                    outstanding=ledger.outstanding,
                    answered=answered,
                ),
                {"found": ledger.sent, "expected": answered},
            )
        )
    return problems


def survey_faults(row: SurveyRow, days: RoundDays, round_name: str, units: Names) -> dict[str, str]:
    """What is wrong with one survey's row: fault key → the sentence a person reads."""
    status = tr(STATUS_NAMES[row.status]) if row.status in STATUS_NAMES else row.status
    faults = {}
    if row.responded and row.status == SurveyStatus.failed:
        faults["responded_and_failed"] = tr("được tính là đã trả lời mà vẫn ở trạng thái “thất bại”")
    elif row.responded and row.status != SurveyStatus.responded:
        faults["responded_not_in_status"] = tr("được tính là đã trả lời nhưng trạng thái là “{status}”", status=status)
    if not row.responded and row.status == SurveyStatus.responded:
        faults["status_without_reply"] = tr("trạng thái “đã trả lời” nhưng không được tính là đã trả lời")
    if row.status == SurveyStatus.sent and row.sent_at is None:
        faults["sent_without_date"] = tr("trạng thái “đã gửi” nhưng không có ngày gửi")
    if row.status in (SurveyStatus.pending, SurveyStatus.failed) and row.sent_at is not None:
        faults["dated_but_not_sent"] = tr("có ngày gửi (tính vào Đã gửi) nhưng trạng thái là “{status}”", status=status)
    if row.unit_id != row.dossier_unit_id:
        faults["unit_differs"] = tr("hồ sơ thuộc đơn vị {unit}", unit=units[row.dossier_unit_id][0])
    if not days.contains(row.received_on):
        faults["round_differs"] = tr(
            "hồ sơ nhận ngày {day}, không thuộc đợt {round}", day=day_text(row.received_on), round=round_name
        )
    return faults


def survey_problem(row: SurveyRow, faults: dict[str, str], units: Names) -> Problem:
    unit = units[row.unit_id][0]
    code = display_code(row.code)
    return Problem(
        unit,
        "survey",
        tr(
            "{unit}: phiếu {code} (hồ sơ {dossier}) {faults}",
            unit=unit,
            code=code,
            dossier=row.dossier,
            faults="; ".join(faults.values()),
        ),
        {"survey": code, "dossier": row.dossier, "status": row.status, "faults": list(faults)},
    )


def reply_fault(responded: bool, counted: int) -> tuple[str, str] | None:
    """(fault key, sentence) when a survey's returned flag and its counted replies disagree."""
    if responded and counted == 0:
        return "returned_without_reply", tr("được tính là đã trả lời nhưng không có phiếu trả lời nào được tính")
    if counted > 1:
        return "several_counted", tr("có {counted} phiếu trả lời cùng được tính (chỉ được một)", counted=counted)
    if not responded and counted:
        return "reply_not_returned", tr("có phiếu trả lời được tính nhưng không được tính là đã trả lời")
    return None


def recounted(round_id: int, dossiers: list[DossierTally], surveys: list[SurveyTally]) -> dict[CountKey, Counts]:
    """The round's figures from the rows, zeros left out: what ``survey.counts.recount`` finds, from the two passes."""
    found = {
        CountKey(round_id, tally.unit_id, tally.procedure_id, DOSSIERS): Counts(dossiers=tally.dossiers)
        for tally in dossiers
    }
    for tally in surveys:
        if tally.procedure_id is not None:  # a survey counts under its dossier's procedure
            found[CountKey(round_id, tally.unit_id, tally.procedure_id, tally.channel)] = tally.counts
    return found


def waiting(dossiers: list[DossierTally], surveys: list[SurveyTally]) -> dict[int, tuple[int, int]]:
    """unit id → (pending, outstanding): dossiers of the round without a survey and surveys in
    status pending; surveys in status sent."""
    pending: Counter[int] = Counter()
    outstanding: Counter[int] = Counter()
    for dossier in dossiers:
        pending[dossier.unit_id] += dossier.without_survey
    for survey in surveys:
        pending[survey.unit_id] += survey.pending
        outstanding[survey.unit_id] += survey.outstanding
    return {unit_id: (pending[unit_id], outstanding[unit_id]) for unit_id in pending.keys() | outstanding.keys()}


# --- database -------------------------------------------------------------------------------


def dossier_tallies(session: Session, days: RoundDays) -> list[DossierTally]:
    """The one pass over the round's dossiers (the days' index, and each dossier's survey looked up)."""
    query = (
        sa.select(col(Dossier.unit_id), col(Dossier.procedure_id), sa.func.count(), count_if(col(Survey.id).is_(None)))
        .select_from(Dossier)
        .outerjoin(Survey, col(Survey.dossier_id) == col(Dossier.id))  # a dossier has at most one survey
        .where(days.condition(col(Dossier.received_on)))
        .group_by(col(Dossier.unit_id), col(Dossier.procedure_id))
    )
    return [DossierTally(*(int(value) for value in row)) for row in session.execute(query)]


def _contradicting(days: RoundDays) -> sa.ColumnElement[bool]:
    """A survey row that contradicts itself or its dossier (``survey_faults`` says how)."""
    status, responded, sent_at = col(Survey.status), col(Survey.responded), col(Survey.sent_at)
    is_responded = status == SurveyStatus.responded
    return sa.or_(
        sa.and_(responded.is_(True), ~is_responded),
        sa.and_(responded.is_(False), is_responded),
        sa.and_(status == SurveyStatus.sent, sent_at.is_(None)),
        sa.and_(status.in_([SurveyStatus.pending, SurveyStatus.failed]), sent_at.is_not(None)),
        col(Survey.unit_id) != col(Dossier.unit_id),
        ~days.condition(col(Dossier.received_on)),
    )


def survey_tallies(session: Session, round_id: int, days: RoundDays) -> list[SurveyTally]:
    """The one pass over the round's surveys, each joined to its dossier: the counters' figures, the
    ledger's pending and outstanding, and how many rows contradict themselves, per unit, procedure
    and channel. (A survey whose dossier row is gone still counts as pending or outstanding, under
    no procedure, as it always has.)"""
    status = col(Survey.status)
    query = (
        sa.select(
            col(Survey.unit_id),
            col(Dossier.procedure_id),
            col(Survey.channel),
            *survey_figure_columns(),
            count_if(status == SurveyStatus.pending),
            count_if(status == SurveyStatus.sent),
            count_if(_contradicting(days)),
        )
        .select_from(Survey)
        .outerjoin(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .where(col(Survey.round_id) == round_id)
        .group_by(col(Survey.unit_id), col(Dossier.procedure_id), col(Survey.channel))
    )
    tallies = []
    for row in session.execute(query):
        unit_id, procedure_id, channel, *numbers = row
        made, sent, returned, failed, pending, outstanding, contradicting = (int(number) for number in numbers)
        counts = Counts(surveys=made, sent=sent, returned=returned, failed=failed)
        tallies.append(SurveyTally(unit_id, procedure_id, str(channel), counts, pending, outstanding, contradicting))
    return tallies


def contradictions(session: Session, round_id: int, days: RoundDays) -> list[SurveyRow]:
    """The round's surveys whose row contradicts itself or its dossier (``survey_faults``): read only
    when the survey pass found some."""
    query = (
        sa.select(
            col(Survey.code),
            col(Dossier.code),
            col(Survey.unit_id),
            col(Dossier.unit_id),
            col(Survey.status),
            col(Survey.responded),
            col(Survey.sent_at),
            col(Dossier.received_on),
        )
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .where(col(Survey.round_id) == round_id, _contradicting(days))
        .order_by(col(Survey.code))
    )
    return [
        SurveyRow(code, dossier, unit_id, dossier_unit_id, str(status), bool(flag), sent, received)
        for code, dossier, unit_id, dossier_unit_id, status, flag, sent, received in session.execute(query)
    ]


def reply_faults(session: Session, round_id: int) -> list[tuple[str, int, bool, int]]:
    """(survey code, unit id, returned flag, counted replies) of the round's surveys where the two disagree.

    The surveys are grouped by id and flag alone, which the counting index holds: the survey
    rows are read only for those that disagree.
    """
    counted = sa.func.count(col(Response.id)).label("counted")
    responded = col(Survey.responded)
    disagree = (
        sa.select(col(Survey.id).label("survey_id"), counted)
        .select_from(Survey)
        .outerjoin(Response, sa.and_(col(Response.survey_id) == col(Survey.id), col(Response.counted).is_(True)))
        .where(col(Survey.round_id) == round_id)
        .group_by(col(Survey.id), responded)
        .having(counted != sa.case((responded.is_(True), 1), else_=0))
        .subquery()
    )
    query = (
        sa.select(col(Survey.code), col(Survey.unit_id), responded, disagree.c.counted)
        .join(disagree, disagree.c.survey_id == col(Survey.id))
        .order_by(col(Survey.code))
    )
    return [(code, unit_id, bool(flag), int(count)) for code, unit_id, flag, count in session.execute(query)]


def reply_problems(session: Session, round_id: int, units: Names) -> list[Problem]:
    problems = []
    for code, unit_id, responded, counted in reply_faults(session, round_id):
        fault = reply_fault(responded, counted)
        if fault is not None:
            unit, shown = units[unit_id][0], display_code(code)
            problems.append(
                Problem(
                    unit,
                    "reply",
                    tr("{unit}: phiếu {code} {fault}", unit=unit, code=shown, fault=fault[1]),
                    {"survey": shown, "fault": fault[0]},
                )
            )
    return problems


def replies_without_survey(session: Session) -> list[Problem]:
    """Replies whose survey row is gone (possible only where foreign keys were not enforced)."""
    query = (
        sa.select(col(Response.id), col(Response.survey_id), col(Response.counted))
        .select_from(Response)
        .outerjoin(Survey, col(Survey.id) == col(Response.survey_id))
        .where(col(Survey.id).is_(None))
        .order_by(col(Response.id))
    )
    return [
        Problem(
            "",
            "reply",
            tr(
                "phiếu trả lời số {response} thuộc phiếu khảo sát số {survey}, không còn trong cơ sở dữ liệu",
                response=response_id,
                survey=survey_id,
            ),
            {"response": response_id, "survey_id": survey_id, "counted": bool(counted), "fault": "no_survey"},
        )
        for response_id, survey_id, counted in session.execute(query)
    ]
