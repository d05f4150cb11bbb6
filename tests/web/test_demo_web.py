"""`khaosat demo` ends by serving the online form of its workspace and printing one form's link."""

from __future__ import annotations

import httpx
from sqlmodel import Session

from khaosat.database import init_schema
from khaosat.demo.run import demo_web
from khaosat.demo.workspace import write_config
from khaosat.models import make_engine
from khaosat.settings import load_settings

from ..support.factories import add_dossier, local_today
from ..support.smtp_server import free_port
from ..support.survey_rows import survey_of


def test_the_demo_serves_the_form_of_an_unanswered_survey(tmp_path):
    settings = load_settings(write_config(tmp_path, free_port()), environ={})
    settings.storage.dir.mkdir(parents=True)
    engine = make_engine(settings.database_url)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        survey = survey_of(session, settings, add_dossier(session, "HS-DEMO-1", received_on=local_today(settings)))
    engine.dispose()
    port = free_port()
    with demo_web(tmp_path, port) as link:
        assert link == f"http://127.0.0.1:{port}/p/{survey.token}"
        page = httpx.get(link)
    assert page.status_code == 200 and "HS-DEMO-1" in page.text
