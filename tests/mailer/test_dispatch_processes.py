"""Dispatch as separate processes: killed mid-run, and two at once on PostgreSQL."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

import pytest
from sqlmodel import Session, select

from khaosat.models import OutboxMessage, OutboxState

from ..support.processes import khaosat, seed, write_config
from ..support.settings import make_settings


def test_killed_mid_dispatch_then_run_again(engine, database_url, tmp_path, smtp):
    """A dispatcher killed in the middle loses nothing; a new run sends the rest, nothing twice."""
    seed(engine, make_settings(tmp_path), 12)
    smtp.handler.delay = 0.15
    config = write_config(tmp_path, database_url, smtp.port)
    process = khaosat(config, "dispatch", "--once")
    deadline = time.monotonic() + 60
    while len(smtp.received) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert 4 <= len(smtp.received) < 12  # killed in the middle
    smtp.handler.delay = 0.0
    again = khaosat(config, "dispatch", "--once", "--json")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    report = json.loads(out)
    with Session(engine) as session:
        states = Counter(row.state for row in session.exec(select(OutboxMessage)).all())
    # At most the one message in flight when killed is uncertain; everything else is sent once.
    assert states[OutboxState.uncertain] == report["uncertain"] <= 1
    assert states[OutboxState.sent] + states[OutboxState.uncertain] == 12
    recipients = Counter(received.rcpt_tos[0] for received in smtp.received)
    assert max(recipients.values()) == 1
    assert len(recipients) >= states[OutboxState.sent]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_dispatchers_never_send_one_survey_twice(engine, database_url, tmp_path, smtp):
    seed(engine, make_settings(tmp_path), 40)
    smtp.handler.delay = 0.01
    config = write_config(tmp_path, database_url, smtp.port)
    processes = [khaosat(config, "dispatch", "--once", "--json") for _ in range(2)]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        reports.append(json.loads(out))
    recipients = Counter(received.rcpt_tos[0] for received in smtp.received)
    assert len(recipients) == 40 and max(recipients.values()) == 1
    assert sum(report["sent"] for report in reports) == 40
    assert sum(report["queued"] for report in reports) == 40
