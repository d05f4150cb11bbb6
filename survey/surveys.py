"""A dossier's survey: creating it (round, codes, first channel), keeping it with its dossier
when a re-import moves that, the channels that reach its applicant in order, and the outbox
rows that carry its form (recipient, Message-ID). Each keeps the counters (``counts``) in step."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from ..models import Channel, Dossier, OutboxMessage, Survey, utcnow
from ..settings import RoundSettings, Settings
from . import counts
from .codes import new_code, new_token
from .rounds import period_for

INVITATION = "invitation"  # an outbox row's kind; reminders are "reminder-1", "reminder-2"…


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
    session: Session, survey: Survey, dossier: Dossier, settings: Settings, *, kind: str = INVITATION
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
    """The survey of ``dossier``, created (with its round) when it has none. Flushes, does not commit.

    The dossier is locked and read again first, so a re-import moving it meanwhile is seen.
    """
    survey = session.exec(select(Survey).where(Survey.dossier_id == dossier.id)).first()
    if survey is not None:
        return survey
    session.refresh(dossier, with_for_update=True)
    round_ = counts.ensure_round(session, period_for(dossier.received_on, settings.rounds))
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
    counts.survey_made(session, survey, dossier.procedure_id)
    return survey


def follow_dossiers(
    session: Session, rounds: list[RoundSettings], moves: Mapping[int, tuple[counts.Filed, counts.Filed]]
) -> None:
    """The surveys of dossiers a re-import moved (dossier id → (before, after)) follow them to
    their new round and unit, and their figures to the new counters. Each survey is locked first."""
    if not moves:
        return
    round_of = counts.round_ids(session, rounds, [after.received_on for _, after in moves.values()])
    surveys = session.exec(
        select(Survey)
        .where(col(Survey.dossier_id).in_(list(moves)))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    changes: counts.Changes = {}
    for survey in surveys:
        before, after = moves[survey.dossier_id]
        figures = counts.survey_figures(survey)
        counts.accumulate(changes, counts.survey_key(survey, before.procedure_id), -figures)
        survey.round_id, survey.unit_id = round_of[after.received_on], after.unit_id
        counts.accumulate(changes, counts.survey_key(survey, after.procedure_id), figures)
        session.add(survey)
    counts.add(session, changes)
