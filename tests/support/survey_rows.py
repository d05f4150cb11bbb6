"""Surveys in every state, made by the functions dispatch and intake use (for report and review tests)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from khaosat.mailer.outbox import mark_failed, mark_sent
from khaosat.models import Dossier, ResponseMethod, Survey, utcnow
from khaosat.settings import Settings
from khaosat.survey.responses import ReadAnswers, record_answers
from khaosat.survey.surveys import add_outbox, ensure_survey

from .factories import add_dossier

FORM_VERSION = "1"


def survey_of(session: Session, settings: Settings, dossier: Dossier) -> Survey:
    survey = ensure_survey(session, dossier, settings=settings, form_version=FORM_VERSION)
    session.commit()
    return survey


def send(session: Session, settings: Settings, survey: Survey, dossier: Dossier) -> None:
    row = add_outbox(session, survey, dossier, settings)
    session.flush()
    mark_sent(session, row, now=utcnow())


def fail(session: Session, settings: Settings, survey: Survey, dossier: Dossier) -> None:
    """Every channel fails (the settings offer email only)."""
    row = add_outbox(session, survey, dossier, settings)
    session.flush()
    assert mark_failed(session, row, "550 5.1.1 no such user", settings) is None


def reply(session: Session, survey: Survey, answers: dict[str, str | None] | None = None) -> None:
    read = ReadAnswers(answers=answers or {"D1": "5"}, method=ResponseMethod.acroform)
    record_answers(session, survey, read, matched_by="field")
    session.commit()


def dossiers_in_states(
    session: Session, settings: Settings, unit: str, received_on: date, states: list[str], *, prefix: str = ""
) -> list[Survey | None]:
    """One dossier of ``unit`` per state: none (no survey yet), pending, sent, returned,
    failed, or counter (a reply to a form never recorded as sent, e.g. handed out at the counter)."""
    surveys: list[Survey | None] = []
    for number, state in enumerate(states):
        dossier = add_dossier(
            session, f"{prefix or unit}-{received_on:%Y%m%d}-{number}", received_on=received_on, unit=unit,
            unit_name=f"Phòng {unit}", email=f"nguoinop{number}@example.vn",
        )  # fmt: skip
        if state == "none":
            surveys.append(None)
            continue
        survey = survey_of(session, settings, dossier)
        if state in ("sent", "returned"):
            send(session, settings, survey, dossier)
        if state == "failed":
            fail(session, settings, survey, dossier)
        if state in ("returned", "counter"):
            reply(session, survey)
        surveys.append(survey)
    return surveys
