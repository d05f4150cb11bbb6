"""Finding the survey a page is about, and what it already holds. Reads only.

A survey is opened by its web token (the link in the invitation), by its printed code (typed
at ``/ma``, in the QR's address, at a kiosk) or, at a kiosk only, by its dossier's code. It
opens while its round is open; an unknown token, a closed round and an unknown code are all
``None``, so every page answers them alike.

Only the token, which only the applicant's mailbox holds, shows the answers already given;
the printed code, which passes through other hands, shows only that the survey was answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from ..models import Answer, Dossier, Response, Survey
from ..review.answers import questionnaire_for
from ..settings import Settings
from ..survey.codes import normalise_code, parse_qr_payload
from ..survey.personal import PersonalForm, personal_forms
from ..survey.questionnaire import Questionnaire
from ..survey.responses import counted_response

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Current:
    """The reply that counts now: how it came, when, and (through the token only) its answers."""

    response_id: int
    method: str
    received_at: datetime
    answers: dict[str, str | None]
    comment: str


@dataclass(frozen=True)
class SurveyPage:
    """What a page about one survey shows: its form's facts, its questionnaire, its counted reply."""

    form: PersonalForm
    questionnaire: Questionnaire
    current: Current | None

    @property
    def base(self) -> str:
        """The version a posted form was made from ("" before any reply): part of what makes a post unique."""
        return str(self.current.response_id) if self.current else ""


def by_token(session: Session, token: str, today: date) -> PersonalForm | None:
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return _open(session, col(Survey.token) == token, today)


def by_code(session: Session, text: str, today: date) -> PersonalForm | None:
    """The survey of a printed code, typed in any way, or of a form's QR payload or address."""
    code = normalise_code(text) if len(text) <= 32 else None
    if code is None:
        payload = parse_qr_payload(text)
        code = payload[1] if payload else None
    return _open(session, col(Survey.code) == code, today) if code else None


def by_dossier(session: Session, text: str, today: date) -> PersonalForm | None:
    """The survey of a dossier code, as on the receipt (kiosks only: dossier codes can be guessed)."""
    code = text.strip()
    return _open(session, col(Dossier.code) == code, today) if 0 < len(code) <= 64 else None


def _open(session: Session, where: object, today: date) -> PersonalForm | None:
    row = session.execute(personal_forms().where(where)).first()  # type: ignore[arg-type]
    if row is None:
        return None
    form = PersonalForm(*row)
    return form if form.round.ends_on >= today else None


class Questionnaires:
    """The questionnaire of each form version, read once: a version's questionnaire never changes
    (``survey.render.ensure_layout`` refuses another one under the same version)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.known: dict[str, Questionnaire] = {}

    def of(self, session: Session, version: str) -> Questionnaire:
        if version not in self.known:
            self.known[version] = questionnaire_for(session, self.settings, version)
        return self.known[version]


def survey_page(
    session: Session, questionnaires: Questionnaires, form: PersonalForm, *, with_answers: bool
) -> SurveyPage:
    questionnaire = questionnaires.of(session, form.survey.form_version)
    assert form.survey.id is not None
    response = counted_response(session, form.survey.id)
    return SurveyPage(form, questionnaire, _current(session, response, with_answers) if response else None)


def _current(session: Session, response: Response, with_answers: bool) -> Current:
    assert response.id is not None
    answers: dict[str, str | None] = {}
    if with_answers:
        rows = session.exec(select(Answer).where(col(Answer.response_id) == response.id)).all()
        answers = {row.question: row.value for row in rows if not row.uncertain}
    comment = response.comment if with_answers else ""
    return Current(response.id, response.method.value, response.received_at, answers, comment)
