"""The personal form of a survey: the rows whose facts it prints, and the PDF of one dossier.

``PersonalForm`` is the one place a survey's ``FormContext`` is made from its dossier,
procedure, unit and round: dispatch (emails and faxes), print batches and ``khaosat form
render`` all go through it. ``personal_forms`` is the query that loads those rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..errors import RenderError
from ..models import Dossier, Procedure, Round, Survey, Unit
from ..settings import Settings
from .render import FormContext, FormRenderer, context_from_settings, ensure_layout
from .surveys import ensure_survey


@dataclass(frozen=True)
class PersonalForm:
    """A survey and the rows its form speaks of."""

    survey: Survey
    dossier: Dossier
    procedure: Procedure
    unit: Unit
    round: Round

    def context(self, settings: Settings) -> FormContext:
        """What the form prints besides the questionnaire."""
        return context_from_settings(
            settings,
            survey_code=self.survey.code,
            dossier_code=self.dossier.code,
            procedure=self.procedure.name,
            unit=self.unit.name,
            round_name=self.round.name,
        )


def personal_forms() -> sa.Select[Survey, Dossier, Procedure, Unit, Round]:
    """Survey, dossier, procedure, unit and round of every survey: ``PersonalForm(*row)``; add a where."""
    return (
        sa.select(Survey, Dossier, Procedure, Unit, Round)
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Procedure, col(Procedure.id) == col(Dossier.procedure_id))
        .join(Unit, col(Unit.id) == col(Dossier.unit_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
    )


def dossier_form(
    session: Session, dossier_code: str, *, settings: Settings, renderer: FormRenderer
) -> tuple[str, bytes]:
    """(survey code, PDF) of the dossier ``dossier_code``; commits the survey it creates."""
    dossier = session.exec(select(Dossier).where(Dossier.code == dossier_code.strip())).first()
    if dossier is None:
        raise RenderError(f"không có hồ sơ mã {dossier_code!r}")
    ensure_layout(session, renderer)
    survey = ensure_survey(session, dossier, settings=settings, form_version=renderer.version)
    session.commit()
    form = PersonalForm(*session.execute(personal_forms().where(col(Survey.id) == survey.id)).one())
    return survey.code, renderer.render(form.context(settings))


def blank_form(settings: Settings, renderer: FormRenderer) -> bytes:
    """A form without survey code, for the counter: the applicant writes the dossier code."""
    return renderer.render(context_from_settings(settings))
