"""Dispatch: give every new dossier its survey, then send every due email and fax form.

One run: settle what a dead dispatcher left, queue new surveys and the uncertain sends
whose grace period is over, then claim batches of due outbox rows and send their forms
over one reused SMTP connection, rendering the next form while the server takes the
previous one, paced to ``max_per_minute``. Each form's envelope sender is its bounce
address (mailer/returnpath.py). Paper forms wait in the outbox for ``print``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from ..errors import (
    KhaosatError,
    PermanentDeliveryError,
    ServerUnavailableError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)
from ..language import day_text, speaking
from ..models import Channel, OutboxMessage, OutboxState, Survey, utcnow
from ..settings import Settings
from ..survey.links import form_link, opt_out_link
from ..survey.personal import PersonalForm, personal_forms
from ..survey.render import FormRenderer, ensure_layout, renderer_for
from ..text import masked
from . import outbox
from .compose import Invitation, compose_fax, compose_invitation, sender_envelope
from .reminders import is_reminder, reminder_number, still_wanted
from .returnpath import envelope_sender
from .transport import SmtpTransport, Transport

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    queued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    resent: int = 0  # uncertain sends queued once more
    released: int = 0
    paper_waiting: int = 0
    cancelled: int = 0  # reminders no longer wanted
    errors: list[str] = field(default_factory=list)
    stopped: bool = False


@dataclass(frozen=True)
class Delivery:
    """One claimed outbox row: the form it carries and what its message says."""

    row: OutboxMessage
    form: PersonalForm
    invitation: Invitation


class Pacer:
    """Keeps sends at most ``per_minute`` a minute (0: no limit)."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if now < self._next:
            await self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


def invitation_for(form: PersonalForm, kind: str, settings: Settings) -> Invitation:
    """What the invitation (or reminder ``kind``) of ``form`` says."""
    organization = settings.organization
    return Invitation(
        survey_code=form.survey.code,
        dossier_code=form.dossier.code,
        procedure=form.procedure.name,
        unit=form.unit.name,
        applicant=form.dossier.applicant,
        organization=organization.name,
        deadline=_deadline(form.round.ends_on, settings),
        return_fax=organization.fax,
        return_address=settings.survey.return_address or organization.address,
        website=organization.website,
        reminder=reminder_number(kind),
        opt_out_address=settings.smtp.reply_to,
        form_link=form_link(settings.web.base_url, form.survey.token),
        opt_out_link=opt_out_link(settings.web.base_url, form.survey.token),
    )


def _deadline(day: date, settings: Settings) -> str:
    with speaking(settings.organization.language):
        return day_text(day)


def load_deliveries(session: Session, row_ids: list[int], settings: Settings) -> list[Delivery]:
    """The deliveries of the outbox rows ``row_ids``, in row order."""
    rows = session.execute(
        personal_forms()
        .add_columns(OutboxMessage)
        .join(OutboxMessage, col(OutboxMessage.survey_id) == col(Survey.id))
        .where(col(OutboxMessage.id).in_(row_ids))
        .order_by(col(OutboxMessage.id))
    ).all()
    deliveries = []
    for *facts, row in rows:
        form = PersonalForm(*facts)
        deliveries.append(Delivery(row, form, invitation_for(form, row.kind, settings)))
    return deliveries


def compose(delivery: Delivery, pdf: bytes, settings: Settings) -> bytes:
    envelope = sender_envelope(settings, delivery.row.recipient, delivery.row.message_id, settings.smtp.reply_to)
    with speaking(settings.organization.language):
        if delivery.row.channel is Channel.fax:
            return compose_fax(delivery.invitation, envelope, pdf)
        return compose_invitation(delivery.invitation, envelope, pdf)


class Dispatcher:
    """Sends due forms through ``transport``; one instance per run."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        transport: Transport,
        renderer: FormRenderer,
        *,
        should_stop: Callable[[], bool] = lambda: False,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine, self.settings, self.transport, self.renderer = engine, settings, transport, renderer
        self.should_stop, self.now = should_stop, now
        self.pacer = Pacer(settings.smtp.max_per_minute)
        self.resend_grace = timedelta(minutes=settings.dispatch.resend_uncertain_after_minutes)
        self.report = DispatchReport()

    async def run(self) -> DispatchReport:
        with Session(self.engine, expire_on_commit=False) as session:
            released, uncertain = outbox.recover_abandoned(session, now=self.now())
            self.report.released, self.report.uncertain = released, uncertain
            queued = outbox.queue_new_surveys(
                session,
                self.settings,
                form_version=self.renderer.version,
                today=self.now().astimezone(self.settings.organization.zone).date(),
            )
            self.report.queued, self.report.skipped = queued.created, dict(queued.skipped)
            if self.settings.dispatch.resend_uncertain:
                self.report.resent = outbox.requeue_uncertain(session, now=self.now(), grace=self.resend_grace)
            try:
                while not self.report.stopped:
                    row_ids = outbox.claim(
                        session, channels=outbox.ELECTRONIC, limit=self.settings.dispatch.batch_size, now=self.now()
                    )
                    if not row_ids:
                        break
                    await self._send_batch(session, load_deliveries(session, row_ids, self.settings))
            finally:
                await self.transport.close()
            self.report.paper_waiting = count_paper_waiting(session)
        return self.report

    async def _send_batch(self, session: Session, deliveries: list[Delivery]) -> None:
        """Render and compose each message while the previous one is in the server's hands."""
        in_flight: asyncio.Task[None] | None = None
        renewed = self.now()
        for position, delivery in enumerate(deliveries):
            if self.now() - renewed >= outbox.RENEW_EVERY:  # paced sending: keep the rest of the batch ours
                renewed = self.now()
                outbox.renew_claims(session, [waiting.row.id or 0 for waiting in deliveries[position:]], now=renewed)
            if self.report.stopped or self.should_stop():
                self.report.stopped = True
                outbox.release(session, [delivery.row.id or 0])
                continue
            unwanted = self._unwanted(delivery)
            if unwanted:
                outbox.set_state(session, delivery.row.id or 0, OutboxState.cancelled, last_error=unwanted)
                self.report.cancelled += 1
                continue
            try:
                pdf = self.renderer.render(delivery.form.context(self.settings))
                data = compose(delivery, pdf, self.settings)
            except KhaosatError as exc:
                self._retry(session, delivery.row, f"render failed: {exc}")
                continue
            if in_flight is not None:
                await in_flight
            in_flight = asyncio.create_task(self._send_one(session, delivery, data))
        if in_flight is not None:
            await in_flight

    def _unwanted(self, delivery: Delivery) -> str:
        if not is_reminder(delivery.row.kind):
            return ""
        today = self.now().astimezone(self.settings.organization.zone).date()
        return still_wanted(delivery.form.survey, delivery.form.round.ends_on, today)

    async def _send_one(self, session: Session, delivery: Delivery, data: bytes) -> None:
        row = delivery.row
        await self.pacer.wait()
        sender = envelope_sender(self.settings, delivery.invitation.survey_code)
        try:
            await self.transport.send(
                sender,
                [row.recipient],
                data,
                before_data=lambda: outbox.mark_transmitting(session, row.id or 0, now=self.now()),
            )
        except ServerUnavailableError as exc:
            outbox.set_state(session, row.id or 0, OutboxState.pending, claimed_by="", last_error=str(exc))
            self.report.errors.append(str(exc))
            self.report.stopped = True
        except TemporaryDeliveryError as exc:
            self._retry(session, row, str(exc))
        except PermanentDeliveryError as exc:
            self._fail(session, row, str(exc))
        except UncertainDeliveryError as exc:
            outbox.set_state(session, row.id or 0, OutboxState.uncertain, last_error=str(exc))
            self.report.uncertain += 1
            log.warning("uncertain delivery of %s to %s: %s", row.message_id, masked(row.recipient), masked(str(exc)))
        else:
            outbox.mark_sent(session, row, now=self.now())
            self.report.sent += 1
            log.info("sent %s form %s to %s", row.channel, delivery.invitation.survey_code, masked(row.recipient))

    def _retry(self, session: Session, row: OutboxMessage, error: str) -> None:
        if outbox.mark_retry(session, row, error, now=self.now(), delays=self.settings.dispatch.retry_minutes):
            self.report.retried += 1
            log.warning("will retry %s to %s: %s", row.message_id, masked(row.recipient), masked(error))
        else:
            self._fail(session, row, f"thôi gửi sau {row.attempts} lần thử: {error}")

    def _fail(self, session: Session, row: OutboxMessage, error: str) -> None:
        following = outbox.mark_failed(session, row, error, self.settings)
        self.report.failed += 1
        recipient, error = masked(row.recipient), masked(error)
        log.warning("failed %s to %s: %s; next channel: %s", row.channel, recipient, error, following)


def count_paper_waiting(session: Session) -> int:
    return session.exec(
        select(func.count()).where(
            col(OutboxMessage.state) == OutboxState.pending,
            col(OutboxMessage.channel).in_([Channel.post, Channel.counter]),
        )
    ).one()


def dispatch_once(
    engine: Engine,
    settings: Settings,
    *,
    transport: Transport | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    now: Callable[[], datetime] = utcnow,
) -> DispatchReport:
    """One whole dispatch run with the configured SMTP server (or ``transport``)."""
    renderer = renderer_for(settings.survey.questionnaire)
    with Session(engine) as session:
        ensure_layout(session, renderer)
        session.commit()
    dispatcher = Dispatcher(
        engine, settings, transport or SmtpTransport(settings.smtp), renderer, should_stop=should_stop, now=now
    )
    return asyncio.run(dispatcher.run())
