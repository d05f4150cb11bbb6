"""Dossiers posted to the API wake the daemon's dispatch, as a dropped export does: sent at once, not on schedule."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from khaosat import scheduler
from khaosat.models import JobRun
from khaosat.settings import Settings, load_settings
from khaosat.web.app import create_app

from ...support.processes import wait_for
from ...support.smtp_server import SmtpSink, free_port
from ..client import WebClient
from ..conftest import SECRET
from .test_dossiers import dossier, post


@pytest.fixture
def woken(settings: Settings, engine: Engine) -> Iterator[tuple[WebClient, list[int]]]:
    """A client of an app whose ``on_dossiers`` counts its calls, and the count."""
    calls: list[int] = []
    web = WebClient(create_app(settings, engine, on_dossiers=lambda: calls.append(1)))
    yield web, calls
    web.close()


def test_a_post_that_queued_invitations_wakes_the_dispatch_once(woken, api_key, settings):
    """New dossiers: one call per post; the same batch again, or a changed phone, queues nothing and wakes nothing."""
    client, calls = woken
    batch = [dossier("HS-001", settings), dossier("HS-002", settings)]
    assert post(client, api_key, batch).json()["invitations_queued"] == 2
    assert calls == [1]
    assert post(client, api_key, batch).json()["unchanged"] == 2
    changed = post(client, api_key, [dossier("HS-001", settings, phone="0263 3822 999")]).json()
    assert (changed["updated"], changed["invitations_queued"]) == (1, 0)
    assert calls == [1]
    assert post(client, api_key, [dossier("HS-003", settings)]).json()["invitations_queued"] == 1
    assert calls == [1, 1]


def test_a_refused_post_wakes_nothing(woken, api_key, settings):
    client, calls = woken
    assert post(client, api_key, [dossier("HS-001", settings, unit="Phòng không có")]).status_code == 422
    assert calls == []


def daemon_settings(config_file: Path, smtp: SmtpSink) -> Settings:
    """The API's config with a real SMTP sink, the form served by the daemon, and a dispatch due only hourly."""
    with config_file.open("a", encoding="utf-8") as config:
        config.write(
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
            'from_address = "khaosat@skhcn.example.gov.vn"\n[schedule]\ndispatch_minutes = 60\n'
        )
    settings = load_settings(config_file, environ={})
    web = settings.web.with_secrets(SECRET, {}).model_copy(
        update={"enabled": True, "host": "127.0.0.1", "port": free_port()}
    )
    return settings.model_copy(update={"web": web})


def dispatch_runs_done(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(JobRun).where(JobRun.job == "dispatch", JobRun.finished_at != None)).all())  # noqa: E711


def serving(address: str) -> bool:
    try:
        return httpx.get(f"{address}/ma").status_code == 200
    except httpx.TransportError:
        return False


def test_under_khaosat_run_a_posted_dossier_is_mailed_before_the_next_dispatch(
    config_file, engine, api_key, smtp, settings
):
    """`khaosat run` with [web] enabled: after the start-up dispatch, a posted invitation goes out without the hour."""
    served = daemon_settings(config_file, smtp)
    table = [spec for spec in scheduler.JOBS if spec.name == "dispatch"]
    stop = threading.Event()
    daemon = threading.Thread(
        target=scheduler.run, args=(served,), kwargs={"stop": stop, "table": table, "watches": []}
    )
    daemon.start()
    try:
        address = f"http://{served.web.host}:{served.web.port}"
        wait_for(lambda: serving(address), timeout=30)
        wait_for(lambda: dispatch_runs_done(engine) == 1, timeout=30)  # the run at start: nothing to send yet
        with httpx.Client(base_url=address) as client:
            answer = post(client, api_key, [dossier("HS-100", settings)])
        assert answer.json()["invitations_queued"] == 1
        wait_for(lambda: len(smtp.received) == 1, timeout=30)
    finally:
        stop.set()
        daemon.join(timeout=30)
    assert not daemon.is_alive()
    assert smtp.received[0].rcpt_tos == ["hs-100@example.vn"]
    assert dispatch_runs_done(engine) == 2
