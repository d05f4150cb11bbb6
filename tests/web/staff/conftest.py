"""Fixtures of the staff tests: accounts made with cheap argon2 parameters (a test logs in many times)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.models import StaffAccount, StaffRole, Unit, utcnow
from khaosat.settings import Settings
from khaosat.web.app import create_app
from khaosat.web.staff.accounts import add_account

from ..client import WebClient

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # verified as fast; same code path
PASSWORD = "mật-khẩu-đủ-dài-2026"
LOGIN = "/nhanvien/dang-nhap"


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[WebClient]:
    web = WebClient(app)
    yield web
    web.close()


def make_account(engine: Engine, name: str, role: StaffRole = StaffRole.board, *, unit_code: str = "") -> StaffAccount:
    with Session(engine, expire_on_commit=False) as session:
        if unit_code:
            session.add(Unit(code=unit_code, name=f"Phòng {unit_code}"))
            session.flush()
        account = add_account(
            session, name, role, PASSWORD, unit_code=unit_code, known_units={unit_code} if unit_code else set(),
            actor="kiểm-thử", now=utcnow(), hasher=CHEAP,
        )  # fmt: skip
        session.commit()
        return account


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def log_in(client: WebClient, name: str, password: str = PASSWORD, **extra: str) -> httpx.Response:
    """The login page, then its form posted with ``name`` and ``password``."""
    token = csrf_of(client.get(LOGIN))
    return client.post(LOGIN, data={"csrf": token, "ten": name, "matkhau": password, **extra})


def log_in_browser(page, served: str, name: str, then: str) -> None:  # type: ignore[no-untyped-def]
    """Log ``name`` in through the login form in Chromium, asking to go on to ``then``."""
    page.goto(f"{served}{LOGIN}?tiep={then}")
    page.fill("#ten", name)
    page.fill("#matkhau", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("load")
