"""A dossier's survey: creating it (round, codes, first channel), the channels that reach its
applicant in order, and the outbox rows that carry its form (recipient, Message-ID)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlmodel import Session, select

from ..models import Channel, Dossier, OutboxMessage, Survey, utcnow
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


def fax_address(gateway: str, number: str) -> str:
    """The gateway address of a fax number stored in E.164 form ("+842633822111").

    ``{number}`` in the pattern becomes the national number (02633822111), ``{e164}``
    the international digits (842633822111).
    """
    digits = "".join(ch for ch in number if ch.isdigit())
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return gateway.format(number=national, e164=digits)


def recipient_for(channel: Channel, dossier: Dossier, settings: Settings) -> str:
    """Where a form goes on ``channel``: an email address, a fax gateway address, or "" for paper."""
    if channel is Channel.email:
        return dossier.email
    if channel is Channel.fax:
        return fax_address(settings.fax.gateway, dossier.fax)
    return ""


def new_message_id(domain: str) -> str:
    return f"<khaosat.{secrets.token_hex(12)}@{domain}>"


def add_outbox(
    session: Session, survey: Survey, dossier: Dossier, settings: Settings, *, kind: str = "invitation"
) -> OutboxMessage:
    """Queue the survey's form (``kind``: the invitation or a reminder) on its current channel."""
    message = OutboxMessage(
        survey_id=survey.id or 0,
        kind=kind,
        channel=survey.channel,
        recipient=recipient_for(survey.channel, dossier, settings),
        message_id=new_message_id(settings.message_domain),
        created_at=utcnow(),
    )
    session.add(message)
    return message


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
