"""Staff accounts in the database: made, given a new password, disabled, listed (``khaosat user``).

Every change is written to the audit log with the name of who made it. A ``unit`` account
names a unit known to this khaosat (``[[units]]`` or a dossier's unit); the other roles none.
A name is 1–64 characters: lower-case letters without diacritics, digits, ".", "_" or "-",
so that the name typed at login is the one stored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from argon2 import PasswordHasher
from sqlmodel import Session, col, select

from ...errors import KhaosatError
from ...language import tr
from ...models import StaffAccount, StaffRole, Unit
from ...review.audit_log import audit
from .auth import DEFAULT_HASHER, hash_password, password_problem

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class AccountError(KhaosatError):
    """An account that cannot be made or changed as asked (a taken name, an unknown unit, a short password)."""


def account_named(session: Session, name: str) -> StaffAccount | None:
    return session.exec(select(StaffAccount).where(col(StaffAccount.name) == name)).first()


def known_unit_codes(session: Session, configured: Collection[str]) -> set[str]:
    return set(configured) | set(session.exec(select(Unit.code)).all())


def _checked_password(password: str) -> str:
    """The password, or auth.password_problem's refusal."""
    if (problem := password_problem(password)) is None:
        return password
    raise AccountError(problem)


def add_account(
    session: Session,
    name: str,
    role: StaffRole,
    password: str,
    *,
    unit_code: str = "",
    known_units: Collection[str],
    actor: str,
    now: datetime,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> StaffAccount:
    if not NAME.fullmatch(name):
        raise AccountError(
            tr("tên {name}: 1–64 ký tự gồm chữ thường không dấu, số, '.', '_' hoặc '-'", name=repr(name))
        )
    if account_named(session, name) is not None:
        raise AccountError(tr("đã có tài khoản {name}", name=name))
    if role == StaffRole.unit and unit_code not in known_units:
        raise AccountError(
            tr("vai trò unit cần --unit MÃ của một đơn vị đã biết (không có {code})", code=repr(unit_code))
        )
    if role != StaffRole.unit and unit_code:
        raise AccountError(
            tr("chỉ vai trò unit mới gắn với một đơn vị (vai trò {role} không nhận --unit)", role=role.value)
        )
    account = StaffAccount(
        name=name, role=role, unit_code=unit_code, password_hash=hash_password(_checked_password(password), hasher),
        created_at=now, password_changed_at=now,
    )  # fmt: skip
    session.add(account)
    audit(session, actor=actor, action="staff-add", target=f"staff:{name}", role=role.value, unit=unit_code)
    return account


def _existing(session: Session, name: str) -> StaffAccount:
    account = account_named(session, name)
    if account is None:
        raise AccountError(tr("không có tài khoản {name}", name=name))
    return account


def set_password(
    session: Session, name: str, password: str, *, actor: str, now: datetime, hasher: PasswordHasher = DEFAULT_HASHER
) -> StaffAccount:
    """A new password: every session opened with the old one ends."""
    account = _existing(session, name)
    account.password_hash = hash_password(_checked_password(password), hasher)
    account.password_changed_at = now
    session.add(account)
    audit(session, actor=actor, action="staff-password", target=f"staff:{name}")
    return account


def disable_account(session: Session, name: str, *, actor: str, now: datetime) -> StaffAccount:
    """No more login, and every open session ends at its next request; a second call changes nothing."""
    account = _existing(session, name)
    if account.disabled_at is None:
        account.disabled_at = now
        session.add(account)
        audit(session, actor=actor, action="staff-disable", target=f"staff:{name}")
    return account


def all_accounts(session: Session) -> Sequence[StaffAccount]:
    return session.exec(select(StaffAccount).order_by(col(StaffAccount.name))).all()
