"""Staff login in-process (httpx over ASGI), on SQLite and PostgreSQL: sessions, CSRF, throttling, roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import Session

from khaosat.models import StaffRole, utcnow
from khaosat.web.app import create_app
from khaosat.web.staff.accounts import disable_account, set_password
from khaosat.web.staff.routes import LOGIN_COOKIE, SESSION_COOKIE, Staff, require_staff

from ..client import WebClient
from .conftest import CHEAP, LOGIN, PASSWORD, csrf_of, log_in, make_account

HOME = "/nhanvien/"


def test_login_opens_the_staff_page_with_name_and_role(client, engine):
    """Right name and password: 303 to /nhanvien/, which names the account, its role and unit."""
    make_account(engine, "tran.thi.b", StaffRole.unit, unit_code="QLCN")
    answer = log_in(client, "Tran.Thi.B ")
    assert answer.status_code == 303 and answer.headers["location"] == f"{HOME}"
    page = client.get(HOME)
    assert page.status_code == 200
    assert "tran.thi.b" in page.text and "Cán bộ đơn vị" in page.text and "QLCN" in page.text
    assert 'action="/nhanvien/dang-xuat"' in page.text


def test_session_cookie_is_httponly_strict_secure_scoped_and_expires(client, engine):
    make_account(engine, "thuky")
    answer = log_in(client, "thuky")
    [cookie] = [value for value in answer.headers.get_list("set-cookie") if value.startswith(f"{SESSION_COOKIE}=")]
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path", "max-age"} <= flags.keys()
    assert flags["samesite"].lower() == "samesite=strict" and flags["path"] == "Path=/nhanvien"
    assert flags["max-age"] == "Max-Age=28800"


def test_wrong_password_and_unknown_name_get_the_same_refusal(client, engine):
    make_account(engine, "thuky")
    wrong, unknown = log_in(client, "thuky", "không-phải-mật-khẩu"), log_in(client, "ai-do", PASSWORD)
    for answer in (wrong, unknown):
        assert answer.status_code == 422 and "Tên đăng nhập hoặc mật khẩu không đúng" in answer.text
        assert SESSION_COOKIE not in answer.cookies
    assert client.get(HOME).status_code == 303


def test_disabled_account_cannot_log_in_and_its_open_session_ends(client, engine):
    make_account(engine, "thuky")
    assert log_in(client, "thuky").status_code == 303
    with Session(engine) as session:
        disable_account(session, "thuky", actor="admin", now=utcnow())
        session.commit()
    assert client.get(HOME).headers["location"] == LOGIN
    refused = log_in(client, "thuky")
    assert refused.status_code == 403 and "đã bị khóa" in refused.text


def test_new_password_ends_the_sessions_opened_with_the_old_one(client, engine):
    make_account(engine, "thuky")
    assert log_in(client, "thuky").status_code == 303
    with Session(engine) as session:
        set_password(session, "thuky", "một-mật-khẩu-mới-hẳn", actor="admin", now=utcnow(), hasher=CHEAP)
        session.commit()
    assert client.get(HOME).status_code == 303
    assert log_in(client, "thuky", PASSWORD).status_code == 422
    assert log_in(client, "thuky", "một-mật-khẩu-mới-hẳn").status_code == 303


def test_not_logged_in_is_sent_to_login_and_back(app, client, engine):
    """A staff page without a session: 303 to the login page, which returns there after login."""
    add_admin_page(app)
    answer = client.get("/nhanvien/quan-tri")
    assert answer.status_code == 303 and answer.headers["location"] == f"{LOGIN}?tiep=/nhanvien/quan-tri"
    make_account(engine, "admin", StaffRole.admin)
    token = csrf_of(client.get(answer.headers["location"]))
    back = client.post(LOGIN, data={"csrf": token, "ten": "admin", "matkhau": PASSWORD, "tiep": "/nhanvien/quan-tri"})
    assert back.headers["location"] == "/nhanvien/quan-tri" and client.get("/nhanvien/quan-tri").text == '"admin"'
    elsewhere = log_in(client, "admin", tiep="//example.com/x")
    assert elsewhere.headers["location"] == HOME


def add_admin_page(app) -> None:  # type: ignore[no-untyped-def]
    router = APIRouter()

    @router.get("/nhanvien/quan-tri")
    def admin_only(staff: Annotated[Staff, Depends(require_staff(StaffRole.admin))]) -> str:
        return staff.account.name

    app.include_router(router)


def test_wrong_role_gets_a_vietnamese_403_page(app, client, engine):
    add_admin_page(app)
    make_account(engine, "thuky", StaffRole.board)
    log_in(client, "thuky")
    answer = client.get("/nhanvien/quan-tri")
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    assert "Không có quyền xem trang này" in answer.text and "Ban ISO" in answer.text


def test_a_post_without_its_csrf_token_is_refused(client, engine):
    make_account(engine, "thuky")
    client.get(LOGIN)
    no_token = client.post(LOGIN, data={"ten": "thuky", "matkhau": PASSWORD})
    assert no_token.status_code == 403 and SESSION_COOKIE not in no_token.cookies
    assert log_in(client, "thuky").status_code == 303
    assert client.post("/nhanvien/dang-xuat", data={}).status_code == 403
    assert client.get(HOME).status_code == 200
    token = csrf_of(client.get(HOME))
    out = client.post("/nhanvien/dang-xuat", data={"csrf": token})
    assert out.status_code == 303 and client.get(HOME).status_code == 303


def test_a_login_token_is_bound_to_its_login_cookie(client, engine):
    """A token copied into another browser (another login cookie) is refused."""
    make_account(engine, "thuky")
    token = csrf_of(client.get(LOGIN))
    client.client.cookies.set(LOGIN_COOKIE, "A" * 22, path="/nhanvien")
    assert client.post(LOGIN, data={"csrf": token, "ten": "thuky", "matkhau": PASSWORD}).status_code == 403


def test_expired_or_tampered_session_goes_to_login(app, client, engine):
    make_account(engine, "thuky")
    log_in(client, "thuky")
    cookie = client.client.cookies[SESSION_COOKIE]
    web = app.state.web
    later = utcnow() + timedelta(hours=8, minutes=1)
    web.clock = lambda: later
    assert client.get(HOME).headers["location"] == LOGIN
    web.clock = utcnow
    data, _, signature = cookie.partition(".")
    tampered = data[:-2] + ("AA" if data[-2:] != "AA" else "BB") + "." + signature
    client.client.cookies.set(SESSION_COOKIE, tampered, path="/nhanvien")
    assert client.get(HOME).status_code == 303
    client.client.cookies.set(SESSION_COOKIE, cookie, path="/nhanvien")
    assert client.get(HOME).status_code == 200


def test_logins_are_throttled_per_account_and_per_address(settings, engine):
    """Five tries a name, ten an address, in five minutes: then 429, even with the right password."""
    for name in ("thuky", "khac", "ba"):
        make_account(engine, name)
    now = [0.0]
    client = WebClient(create_app(settings, engine, monotonic=lambda: now[0]))
    try:
        for _ in range(5):
            assert log_in(client, "thuky", "sai-mật-khẩu-rồi").status_code == 422
        refused = log_in(client, "thuky")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "300"
        for _ in range(4):
            assert log_in(client, "khac", "sai-mật-khẩu-rồi").status_code == 422
        assert log_in(client, "ba").status_code == 429  # the address's eleventh try, a fresh name
        now[0] = 301.0
        assert log_in(client, "thuky").status_code == 303
    finally:
        client.close()
