"""Fixtures of the API tests: one config.toml read by the app and by the `khaosat` command, a key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.settings import Settings, load_settings
from khaosat.web.api.keys import add_key
from khaosat.web.app import create_app

from ..client import BASE, WebClient
from ..conftest import SECRET

UNIT = "Phòng Quản lý chuyên ngành"


@pytest.fixture
def config_file(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n'
        f'[web]\nbase_url = "{BASE}"\n[dispatch]\nchannels = ["email"]\n'
        f'[[units]]\ncode = "QLCN"\nname = "{UNIT}"\naliases = ["Phòng QLCN"]\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def settings(config_file: Path) -> Settings:
    settings = load_settings(config_file, environ={})
    return settings.model_copy(update={"web": settings.web.with_secrets(SECRET, {})})


@pytest.fixture
def api_key(engine: Engine) -> str:
    with Session(engine) as session:
        return add_key(session, "motcua")


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[WebClient]:
    web = WebClient(create_app(settings, engine))
    yield web
    web.close()
