"""Creating the survey of a dossier: its round, its codes, its first channel."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from ..models import Channel, Dossier, Survey, utcnow
from ..settings import Settings
from .codes import new_code, new_token
from .rounds import ensure_round, period_for


def channels_for(dossier: Dossier, settings: Settings) -> list[Channel]:
    """The channels that can reach the applicant, in the configured order of preference.

    Email needs an address, fax a number and a gateway; paper always works: by post
    when there is an address, else at the counter.
    """
    usable = {
        "email": bool(dossier.email),
        "fax": bool(dossier.fax and settings.fax.gateway),
        "post": True,
    }
    chosen = [Channel(name) for name in settings.dispatch.channels if usable[name]]
    if Channel.post in chosen and not dossier.address:
        chosen[chosen.index(Channel.post)] = Channel.counter
    return chosen or [Channel.counter]


def next_channel(current: Channel, available: Sequence[Channel]) -> Channel | None:
    """The channel after ``current`` in ``available``, or None when none is left."""
    if current not in available:
        return None
    position = available.index(current)
    return available[position + 1] if position + 1 < len(available) else None


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.exec(select(Survey.id).where(Survey.code == code)).first() is None:
            return code


def ensure_survey(session: Session, dossier: Dossier, *, settings: Settings, form_version: str) -> Survey:
    """The survey of ``dossier``, created (with its round) when it has none. Flushes, does not commit."""
    survey = session.exec(select(Survey).where(Survey.dossier_id == dossier.id)).first()
    if survey is not None:
        return survey
    round_ = ensure_round(session, period_for(dossier.received_on, settings.rounds))
    assert dossier.id is not None and round_.id is not None
    survey = Survey(
        dossier_id=dossier.id,
        round_id=round_.id,
        unit_id=dossier.unit_id,
        code=_unused_code(session),
        token=new_token(),
        form_version=form_version,
        channel=channels_for(dossier, settings)[0],
        created_at=utcnow(),
    )
    session.add(survey)
    session.flush()
    return survey
