"""`khaosat dispatch --once` killed (SIGKILL) during RCPT, then during a DATA: in the end every applicant has a form.

A real aiosmtpd server that holds a RCPT when told, and holds its answer to one chosen DATA
until released; the second kill comes after a random number of messages, at a random moment
while that answer is held (on a loaded machine a fixed delay could let the 250 arrive first). The
last run comes after the grace period (0 minutes here) and resends what may not have arrived.
bench/kill_dispatch.py repeats such kills at random moments over many trials.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from khaosat.models import OutboxMessage, OutboxState

from ..support.processes import khaosat, seed, wait_for, write_config
from ..support.settings import make_settings
from ..support.smtp_server import free_port

DATA_SECONDS = 0.1
APPLICANTS = 6


@dataclass
class SlowServer:
    """Takes ``DATA_SECONDS`` to accept a message; holds a RCPT for ``rcpt_hold`` seconds when told,
    and the answer to the DATA that follows ``cut_after`` accepted messages until ``released``."""

    rcpt_hold: float = 0.0
    cut_after: int | None = None
    rcpt_seen: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    accepted: list[str] = field(default_factory=list)  # one recipient per accepted message

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # type: ignore[no-untyped-def]
        self.rcpt_seen.set()
        await asyncio.sleep(self.rcpt_hold)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        if len(self.accepted) == self.cut_after:
            self.holding.set()
            while not self.released.is_set():  # a client killed meanwhile never gets the 250 (the message stays)
                await asyncio.sleep(0.01)
        await asyncio.sleep(DATA_SECONDS)
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowServer, int]]:
    handler, port = SlowServer(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.released.set()
    controller.stop()


def states(engine) -> Counter[OutboxState]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return Counter(row.state for row in session.exec(select(OutboxMessage)).all())


def kill(process) -> None:  # type: ignore[no-untyped-def]
    process.send_signal(signal.SIGKILL)
    process.communicate()


def test_kills_during_rcpt_and_at_random_moments_leave_no_applicant_without_a_form(
    engine, database_url, tmp_path, slow_smtp
):
    """A kill during RCPT leaves nothing uncertain; one during DATA is resent by the run after the grace period."""
    server, port = slow_smtp
    seed(engine, make_settings(tmp_path), APPLICANTS)
    config = write_config(tmp_path, database_url, port, extra="resend_uncertain_after_minutes = 0\n")

    server.rcpt_hold = 60.0
    process = khaosat(config, "dispatch", "--once")
    wait_for(server.rcpt_seen.is_set)
    kill(process)
    during_rcpt = states(engine)
    assert during_rcpt[OutboxState.claimed] >= 1 and set(during_rcpt) <= {OutboxState.pending, OutboxState.claimed}
    server.rcpt_hold = 0.0

    rng = random.Random(14)
    server.cut_after = rng.randrange(1, APPLICANTS - 1)  # messages accepted before the one cut
    process = khaosat(config, "dispatch", "--once")
    wait_for(server.holding.is_set)
    time.sleep(rng.uniform(0, DATA_SECONDS))  # a random moment before the server's 250
    kill(process)
    server.released.set()
    assert states(engine)[OutboxState.transmitting] == 1

    last = khaosat(config, "dispatch", "--once", "--json")
    out, err = last.communicate(timeout=120)
    assert last.returncode == 0, err
    report = json.loads(out)
    forms = Counter(server.accepted)
    assert {f"u{number}@example.vn" for number in range(APPLICANTS)} - set(forms) == set()
    assert states(engine) == Counter({OutboxState.sent: APPLICANTS})
    with Session(engine) as session:
        resent = len(session.exec(select(OutboxMessage).where(OutboxMessage.resent_at != None)).all())  # noqa: E711
    assert (report["uncertain"], report["resent"], resent) == (1, 1, 1)
    assert sum(forms.values()) - APPLICANTS <= resent  # a second copy only of the form resent
