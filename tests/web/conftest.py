"""Fixtures of the web tests: the app over the test's database (SQLite and PostgreSQL), a survey."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.models import Survey
from khaosat.settings import Settings
from khaosat.web.app import create_app
from khaosat.web.server import WebThread

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings
from ..support.smtp_server import free_port
from ..support.survey_rows import send, survey_of
from .client import BASE, WebClient

SECRET = "khóa-ký-phiếu-thử-nghiệm-0123456789"
KIOSK_KEY = "quay1-k8Jd2mQx7Lr4"


def web_settings(tmp_path: Path, database_url: str) -> Settings:
    settings = make_settings(
        tmp_path, database={"url": database_url}, web={"base_url": BASE, "kiosk_keys": {"quay-1": "KIOSK_ENV"}}
    )
    return settings.model_copy(update={"web": settings.web.with_secrets(SECRET, {"quay-1": KIOSK_KEY})})


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return web_settings(tmp_path, database_url)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[WebClient]:
    web = WebClient(create_app(settings, engine))
    yield web
    web.close()


def new_survey(
    engine: Engine, settings: Settings, code: str = "HS-2026-0001", received_on: date | None = None
) -> Survey:
    """A dossier's survey whose invitation was sent, in the round of ``received_on`` (today's by default)."""
    with Session(engine, expire_on_commit=False) as session:
        dossier = add_dossier(
            session, code, received_on=received_on or local_today(settings), email="nguoinop@example.vn",
            phone="0912345678", address="5 Lê Lợi",
        )  # fmt: skip
        survey = survey_of(session, settings, dossier)
        send(session, settings, survey, dossier)
        session.commit()
        return survey


@pytest.fixture
def survey(engine: Engine, settings: Settings) -> Survey:
    return new_survey(engine, settings)


@contextmanager
def serving(settings: Settings, engine: Engine, *, own_base_url: bool = False) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, for a real browser: its base URL. With
    ``own_base_url`` the app's [web] base_url is that address (plain http: cookies not Secure)."""
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    changes: dict[str, object] = {"host": "127.0.0.1", "port": port}
    if own_base_url:
        changes["base_url"] = address
    thread = WebThread(settings.model_copy(update={"web": settings.web.model_copy(update=changes)}), engine)
    thread.start()
    for _ in range(200):
        if thread.started:
            break
        thread.thread.join(0.02)
    assert thread.started
    yield address
    thread.stop()


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[str]:
    with serving(settings, engine) as address:
        yield address
