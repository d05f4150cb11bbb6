"""`khaosat user add|passwd|disable|list` through typer's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.models import AuditEntry, StaffAccount, Unit
from khaosat.web.staff.auth import password_matches

runner = CliRunner()
PASSWORD = "mật-khẩu-của-thư-ký"


@pytest.fixture
def config(tmp_path, database_url, engine):
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    return path


def user(config, *args: str, given: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["user", *args, "--config", str(config)], input=given)


def account(engine, name: str) -> StaffAccount:
    with Session(engine) as session:
        found = session.exec(select(StaffAccount).where(col(StaffAccount.name) == name)).one()
        session.expunge(found)
        return found


def test_add_passwd_disable_list(config, engine):
    """An account made from stdin, given a new password, disabled; each change in the audit log."""
    added = user(config, "add", "thuky", "--role", "board", "--password-stdin", given=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "Đã thêm tài khoản thuky" in added.output
    first_hash = account(engine, "thuky").password_hash
    assert first_hash.startswith("$argon2id$") and PASSWORD not in first_hash
    changed = user(config, "passwd", "thuky", "--password-stdin", given="mật-khẩu-mới-hẳn-rồi\n")
    assert changed.exit_code == 0 and account(engine, "thuky").password_hash != first_hash
    assert password_matches(account(engine, "thuky").password_hash, "mật-khẩu-mới-hẳn-rồi")
    assert user(config, "disable", "thuky").exit_code == 0
    assert account(engine, "thuky").disabled_at is not None
    listed = user(config, "list", "--format", "json")
    assert json.loads(listed.stdout) == [{"name": "thuky", "role": "board", "unit": "", "disabled": True}]
    with Session(engine) as session:
        actions = session.exec(select(AuditEntry.action).where(col(AuditEntry.target) == "staff:thuky")).all()
    assert sorted(actions) == ["staff-add", "staff-disable", "staff-password"]


def test_the_terminal_asks_twice_and_refuses_two_different_passwords(config, engine, monkeypatch):
    typed = iter(["mật-khẩu-thứ-nhất", "mật-khẩu-thứ-hai"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    refused = user(config, "add", "thuky", "--role", "admin")
    assert refused.exit_code == 1 and "không giống nhau" in refused.output
    typed = iter(["mật-khẩu-thứ-nhất", "mật-khẩu-thứ-nhất"])
    assert user(config, "add", "thuky", "--role", "admin").exit_code == 0
    assert account(engine, "thuky").role == "admin"


def test_a_unit_account_needs_a_known_unit(config, engine):
    with Session(engine) as session:
        session.add(Unit(code="QLCN", name="Phòng Quản lý công nghệ"))
        session.commit()
    unknown = user(config, "add", "canbo", "--role", "unit", "--unit", "KHONGCO", "--password-stdin", given=PASSWORD)
    assert unknown.exit_code == 1 and "--unit" in unknown.output
    known = user(config, "add", "canbo", "--role", "unit", "--unit", "QLCN", "--password-stdin", given=PASSWORD)
    assert known.exit_code == 0 and account(engine, "canbo").unit_code == "QLCN"
    table = user(config, "list")
    assert "canbo" in table.output and "QLCN" in table.output and "đang dùng" in table.output


def test_refusals_are_one_line_and_exit_1(config):
    assert user(config, "add", "Tên Có Dấu", "--role", "board", "--password-stdin", given=PASSWORD).exit_code == 1
    assert user(config, "add", "thuky", "--role", "board", "--password-stdin", given="ngắn").exit_code == 1
    assert user(config, "add", "thuky", "--role", "chief", "--password-stdin", given=PASSWORD).exit_code == 2
    assert user(config, "passwd", "khongco", "--password-stdin", given=PASSWORD).exit_code == 1
    user(config, "add", "thuky", "--role", "board", "--password-stdin", given=PASSWORD)
    again = user(config, "add", "thuky", "--role", "board", "--password-stdin", given=PASSWORD)
    assert again.exit_code == 1 and "đã có tài khoản thuky" in again.output
