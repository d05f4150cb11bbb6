"""The pure part of staff login: argon2 hashes, signed session cookies, CSRF tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from khaosat.web.staff.auth import (
    SESSION_LIFETIME,
    csrf_token,
    csrf_valid,
    hash_password,
    new_session,
    password_matches,
    password_problem,
    read_session_cookie,
    session_cookie,
)

from .conftest import CHEAP

KEY = SecretStr("khóa-ký-phiên-thử-nghiệm-0123456789")
NOW = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)


def test_a_hash_is_argon2id_and_checks_only_its_password():
    made = hash_password("mật khẩu đúng", CHEAP)
    assert made.startswith("$argon2id$") and "mật khẩu" not in made
    assert password_matches(made, "mật khẩu đúng") and not password_matches(made, "mật khẩu sai")
    assert not password_matches("không phải hash", "mật khẩu đúng")


def test_a_session_cookie_reads_back_and_nothing_else_does():
    session = new_session("thuky", hash_password("x" * 12, CHEAP), NOW)
    cookie = session_cookie(KEY, session)
    assert read_session_cookie(KEY, cookie) == session
    assert read_session_cookie(SecretStr("một-khóa-khác-hẳn-0123456789"), cookie) is None
    data, _, signature = cookie.partition(".")
    assert read_session_cookie(KEY, data + "." + signature[::-1]) is None
    assert read_session_cookie(KEY, "") is None and read_session_cookie(KEY, "rác.rác") is None


def test_a_session_expires_after_its_lifetime():
    session = new_session("thuky", "hash", NOW)
    assert not session.expired(NOW + SESSION_LIFETIME - timedelta(seconds=1))
    assert session.expired(NOW + SESSION_LIFETIME) and session.expired(NOW - timedelta(minutes=5))


def test_a_new_password_gives_a_new_stamp():
    first, second = (new_session("thuky", hash_password("cùng-một-mật-khẩu", CHEAP), NOW) for _ in range(2))
    assert first.stamp != second.stamp  # a new salt each time


def test_a_csrf_token_is_bound_to_its_nonce():
    token = csrf_token(KEY, "nonce-một")
    assert csrf_valid(KEY, "nonce-một", token)
    assert not csrf_valid(KEY, "nonce-hai", token) and not csrf_valid(KEY, "", csrf_token(KEY, ""))
    assert not csrf_valid(KEY, "nonce-một", "mã-có-dấu")


def test_short_or_padded_passwords_are_refused():
    assert password_problem("ngắn") and password_problem(" có-khoảng-trắng-đầu")
    assert password_problem("đủ-dài-rồi-đấy") is None
