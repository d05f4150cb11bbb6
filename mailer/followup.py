"""Unit follow-up: each unit head gets the list of the unit's dossiers still owing a reply.

So that staff can phone the applicants (MISSION.md P4). Each unit's list goes only to that
unit's heads (``[[units]] heads`` and ``[report] unit_heads``): contact details never leave the unit. An applicant
who asked for no more reminders (an opt-out) is on no list. A failure with one unit's list
(a head's address refused, or one SMTP cannot carry) is recorded in the report's errors
with its unit, and the other units' lists are still sent, each on a clean connection; only
an unreachable server ends the run.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..errors import DeliveryError, ServerUnavailableError
from ..language import N_, day_text, speaking, tr
from ..models import Dossier, Round, Survey, SurveyStatus, Unit, utcnow
from ..settings import Settings
from ..survey.surveys import new_message_id
from .compose import compose, sender_envelope, templated
from .transport import SmtpTransport, Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outstanding:
    dossier_code: str
    applicant: str
    contact: str
    channel: str
    days_since_sent: int


@dataclass
class UnitList:
    unit_code: str
    unit_name: str
    rows: list[Outstanding] = field(default_factory=list)


@dataclass
class FollowupReport:
    sent: int = 0
    dossiers: int = 0
    units_without_head: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "QLCN: RCPT: 550 ..." per unit not sent


CHANNEL_NAMES = {"email": N_("Email"), "fax": N_("Fax"), "post": N_("Bưu điện"), "counter": N_("Tại quầy")}


def for_people(number: str, region: str = "VN") -> str:
    """A stored E.164 number as people write it: national in ``region`` ("0912 345 678"), else international."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    national = phonenumbers.region_code_for_number(parsed) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def outstanding_by_unit(session: Session, *, today: date, now: datetime, region: str = "VN") -> list[UnitList]:
    """Per unit, every sent survey of an open round without a reply and without an opt-out, oldest first."""
    rows = session.exec(
        select(Survey, Dossier, Unit)
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Unit, col(Unit.id) == col(Survey.unit_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
        .where(col(Survey.responded).is_(False), col(Survey.status) == SurveyStatus.sent, col(Round.ends_on) >= today)
        .where(col(Survey.opted_out_at).is_(None))
        .order_by(col(Unit.code), col(Survey.sent_at))
    ).all()
    lists: dict[str, UnitList] = {}
    for survey, dossier, unit in rows:
        assert survey.sent_at is not None
        phone, fax = (for_people(number, region) if number else "" for number in (dossier.phone, dossier.fax))
        contact = " · ".join(filter(None, [phone, dossier.email, fax and f"fax {fax}"]))
        lists.setdefault(unit.code, UnitList(unit.code, unit.name)).rows.append(
            Outstanding(
                dossier.code,
                dossier.applicant,
                contact,
                tr(CHANNEL_NAMES[survey.channel.value]) if survey.channel.value in CHANNEL_NAMES else "",
                (now - survey.sent_at).days,
            )
        )
    return list(lists.values())


def send_followups(
    engine: Engine, settings: Settings, *, transport: Transport | None = None, now: datetime | None = None
) -> FollowupReport:
    """Send each unit head the unit's outstanding list; one message per unit."""
    now = now or utcnow()
    today = now.astimezone(settings.organization.zone).date()
    with speaking(settings.organization.language):
        with Session(engine) as session:
            lists = outstanding_by_unit(session, today=today, now=now, region=settings.dossiers.default_region)
        return asyncio.run(_send(lists, settings, transport or SmtpTransport(settings.smtp), today))


async def _send(lists: list[UnitList], settings: Settings, transport: Transport, today: date) -> FollowupReport:
    report = FollowupReport()
    try:
        for unit in lists:
            heads = settings.heads_for(unit.unit_code)
            if not heads:
                report.units_without_head.append(unit.unit_code)
                continue
            try:
                await transport.send(settings.smtp.from_address, heads, _compose(unit, heads, settings, today))
            except ServerUnavailableError as exc:  # no server at all: no other list can go either
                report.errors.append(str(exc))
                break
            except DeliveryError as exc:  # the server answered: the connection is ready for the next list
                report.errors.append(f"{unit.unit_code}: {exc}")
                log.warning("follow-up list of %s not sent to %s: %s", unit.unit_code, ", ".join(heads), exc)
                continue
            except Exception as exc:  # e.g. an address SMTP cannot carry: contained to this unit
                report.errors.append(f"{unit.unit_code}: {type(exc).__name__}: {exc}")
                log.exception("follow-up list of %s not sent to %s", unit.unit_code, ", ".join(heads))
                await transport.close()  # it may have stopped mid-transaction: the next list starts afresh
                continue
            report.sent += 1
            report.dossiers += len(unit.rows)
            log.info("sent the follow-up list of %s (%d dossiers)", unit.unit_code, len(unit.rows))
    finally:
        await transport.close()
    return report


def _compose(unit: UnitList, heads: list[str], settings: Settings, today: date) -> bytes:
    values = {"unit": unit, "organization": settings.organization.name, "today": day_text(today)}
    envelope = sender_envelope(settings, ", ".join(heads), new_message_id(settings.message_domain))
    subject = tr(
        "Danh sách hồ sơ chưa gửi lại phiếu khảo sát — {unit} ({count} hồ sơ)",
        unit=unit.unit_name,
        count=len(unit.rows),
    )
    return compose(envelope, templated("followup", subject, values))
