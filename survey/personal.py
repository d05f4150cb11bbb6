"""The form of one dossier, on demand: its survey (created when missing), then its PDF."""

from __future__ import annotations

from sqlmodel import Session, select

from ..errors import RenderError
from ..models import Dossier, Procedure, Round, Unit
from ..settings import Settings
from .render import FormRenderer, context_from_settings, ensure_layout
from .surveys import ensure_survey


def dossier_form(
    session: Session, dossier_code: str, *, settings: Settings, renderer: FormRenderer
) -> tuple[str, bytes]:
    """(survey code, PDF) of the dossier ``dossier_code``; commits the survey it creates."""
    dossier = session.exec(select(Dossier).where(Dossier.code == dossier_code.strip())).first()
    if dossier is None:
        raise RenderError(f"no dossier with code {dossier_code!r}")
    ensure_layout(session, renderer)
    survey = ensure_survey(session, dossier, settings=settings, form_version=renderer.version)
    session.commit()
    procedure = session.get(Procedure, dossier.procedure_id)
    unit = session.get(Unit, dossier.unit_id)
    round_ = session.get(Round, survey.round_id)
    context = context_from_settings(
        settings,
        survey_code=survey.code,
        dossier_code=dossier.code,
        procedure=procedure.name if procedure else "",
        unit=unit.name if unit else "",
        round_name=round_.name if round_ else "",
    )
    return survey.code, renderer.render(context)


def blank_form(settings: Settings, renderer: FormRenderer) -> bytes:
    """A form without survey code, for the counter: the applicant writes the dossier code."""
    return renderer.render(context_from_settings(settings))
