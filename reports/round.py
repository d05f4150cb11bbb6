"""The round report (MISSION.md P7, P8): the round's return rates and its satisfaction scores.

Rates are ``unit_rates`` for the round. Satisfaction is computed from the answers of the
counted responses of the round's surveys (``Response.counted``), per handling unit, per
procedure and for the whole round, with the questionnaire's factors (``reports.satisfaction``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import Answer, Dossier, Procedure, Response, Round, Survey, Unit
from ..settings import RoundSettings, Settings
from ..survey.questionnaire import load_questionnaire
from ..survey.rounds import Period, periods_around
from .rates import RatesReport, resolve_round, unit_rates
from .satisfaction import Answers, GroupScore, Scheme, scheme_of, score_group, score_groups
from .status import days_left

WHOLE_ROUND = "Toàn đợt"


@dataclass(frozen=True)
class Counted:
    """One counted response and where it belongs."""

    response_id: int
    unit: tuple[str, str]  # (code, name)
    procedure: tuple[str, str]


@dataclass(frozen=True)
class RoundReport:
    organization: str
    generated_at: datetime  # aware UTC
    today: date  # in the organisation's zone
    rates: RatesReport
    days_left: int
    scheme: Scheme
    questions: dict[str, str]  # rated question code → its text
    by_unit: list[GroupScore]
    by_procedure: list[GroupScore]
    overall: GroupScore

    @property
    def period(self) -> Period:
        return self.rates.round


# --- pure -----------------------------------------------------------------------------------


def latest_started(today: date, rounds: list[RoundSettings]) -> Period:
    """The last round that has started by ``today`` (the one in progress, or the one just closed)."""
    periods = periods_around(today, rounds, years_after=0)
    return max((p for p in periods if p.starts_on <= today), key=lambda p: p.starts_on)


def round_ending_on(day: date, rounds: list[RoundSettings]) -> Period | None:
    """The round whose deadline is ``day``, if any: its report is due."""
    return next((p for p in periods_around(day, rounds, years_after=0) if p.ends_on == day), None)


def group_answers(
    counted: Iterable[Counted], answers: Mapping[int, Answers], by: str
) -> dict[tuple[str, str], list[Answers]]:
    """The answers of each response under its unit (``by="unit"``) or procedure."""
    grouped: dict[tuple[str, str], list[Answers]] = defaultdict(list)
    for response in counted:
        grouped[getattr(response, by)].append(answers.get(response.response_id, {}))
    return dict(grouped)


# --- database -------------------------------------------------------------------------------


def counted_responses(session: Session, round_name: str) -> list[Counted]:
    query = (
        sa.select(col(Response.id), col(Unit.code), col(Unit.name), col(Procedure.code), col(Procedure.name))
        .join(Survey, col(Survey.id) == col(Response.survey_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Unit, col(Unit.id) == col(Survey.unit_id))
        .join(Procedure, col(Procedure.id) == col(Dossier.procedure_id))
        .where(col(Round.name) == round_name, col(Response.counted).is_(True))
        .order_by(col(Response.id))
    )
    return [
        Counted(response_id, (unit_code, unit_name), (procedure_code, procedure_name))
        for response_id, unit_code, unit_name, procedure_code, procedure_name in session.execute(query)
    ]


def answers_of(session: Session, round_name: str, questions: Sequence[str]) -> dict[int, dict[str, str | None]]:
    """response id → {question: value} for the rated questions of the round's counted responses."""
    query = (
        select(Answer.response_id, Answer.question, Answer.value)
        .join(Response, col(Response.id) == col(Answer.response_id))
        .join(Survey, col(Survey.id) == col(Response.survey_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
        .where(col(Round.name) == round_name, col(Response.counted).is_(True), col(Answer.question).in_(questions))
    )
    answers: dict[int, dict[str, str | None]] = defaultdict(dict)
    for response_id, question, value in session.exec(query):
        answers[response_id][question] = value
    return dict(answers)


def build_round_report(session: Session, settings: Settings, round_name: str | None, now: datetime) -> RoundReport:
    """The round report of ``round_name`` (default: the last round that has started) as of ``now``."""
    today = now.astimezone(settings.organization.zone).date()
    name = round_name or latest_started(today, settings.rounds).name
    rates = unit_rates(session, settings, round_name=resolve_round(settings, name, today).name, today=today)
    questionnaire = load_questionnaire(settings.survey.questionnaire)
    scheme = scheme_of(questionnaire)
    counted = counted_responses(session, rates.round.name)
    answers = answers_of(session, rates.round.name, scheme.rated)
    return RoundReport(
        organization=settings.organization.name,
        generated_at=now,
        today=today,
        rates=rates,
        days_left=days_left(rates.round, today),
        scheme=scheme,
        questions={code: questionnaire.question(code).text for code in scheme.rated},
        by_unit=score_groups(group_answers(counted, answers, "unit"), scheme),
        by_procedure=score_groups(group_answers(counted, answers, "procedure"), scheme),
        overall=score_group("", WHOLE_ROUND, [answers.get(c.response_id, {}) for c in counted], scheme),
    )
