"""The staff side's door: ``/nhanvien/dang-nhap``, ``/nhanvien/dang-xuat``, ``/nhanvien/``, and ``require_staff``.

``require_staff(*roles)`` is the dependency every staff page stands on: it reads the signed
session cookie (``auth``), checks it against the account row (still enabled, same password,
not older than ``auth.SESSION_HOURS``) and gives the page a ``Staff``; without a valid
session the answer is 303 to the login page, with a role not among ``roles`` a 403 page.
Every POST carries a CSRF token: before login the HMAC of a nonce in a login cookie, after
it the HMAC of the session's own nonce. Logins are throttled per client address and per
account name (429); an unknown name costs the same argon2 work as a wrong password.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...models import StaffAccount, StaffRole
from ...review.audit_log import audit
from ..applicant import Posted, context
from ..throttle import Throttle
from .accounts import account_named
from .auth import (
    SESSION_LIFETIME,
    StaffSession,
    csrf_token,
    csrf_valid,
    new_session,
    password_matches,
    password_stamp,
    read_session_cookie,
    session_cookie,
    spend_a_verification,
)

if TYPE_CHECKING:
    from ..app import WebContext

router = APIRouter(prefix="/nhanvien")
SESSION_COOKIE = "khaosat_nv"
LOGIN_COOKIE = "khaosat_nv_dn"
HOME, LOGIN, LOGOUT = "/nhanvien/", "/nhanvien/dang-nhap", "/nhanvien/dang-xuat"
NEXT_PATH = re.compile(r"/nhanvien/[A-Za-z0-9/_-]{0,200}")
MAX_NAME, MAX_PASSWORD = 64, 1024
ROLE_LABELS = {
    StaffRole.admin: "Quản trị hệ thống",
    StaffRole.board: "Ban ISO",
    StaffRole.unit: "Cán bộ đơn vị",
    StaffRole.reviewer: "Người xem xét phiếu",
}
WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng"


@dataclass
class LoginThrottles:
    """Login tries: 10 per 5 minutes from one address, 5 per 5 minutes for one account name."""

    by_address: Throttle
    by_account: Throttle

    @classmethod
    def over(cls, monotonic: Callable[[], float]) -> LoginThrottles:
        return cls(Throttle(monotonic, limit=10, window=300), Throttle(monotonic, limit=5, window=300))


@dataclass(frozen=True)
class Staff:
    """Who is signed in, for the page: the account row, the session, the CSRF token its forms carry."""

    account: StaffAccount
    session: StaffSession
    csrf: str


class StaffDenied(Exception):
    """Raised by ``require_staff``: the response to give instead of the page (303 to login, or 403)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def install(app: FastAPI, monotonic: Callable[[], float] = time.monotonic) -> None:
    """The staff routes on ``app``, with their login throttles and the handler of ``StaffDenied``."""
    app.state.staff_throttles = LoginThrottles.over(monotonic)

    async def denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StaffDenied)
        return exc.response

    app.add_exception_handler(StaffDenied, denied)
    app.include_router(router)
    from . import entry  # here, not at the top: entry's pages stand on this module's require_staff

    app.include_router(entry.router)
    from . import dashboard  # likewise

    app.include_router(dashboard.router)
    from . import review_pages  # likewise

    app.include_router(review_pages.router)


# --- pages and cookies ----------------------------------------------------------------------


def staff_page(
    web: WebContext, template: str, *, path: str, title: str, status: int = 200, error: bool = False, **values: Any
) -> HTMLResponse:
    return web.pages.render(
        f"staff/{template}", lang="vi", path=path, status=status, title=title, error=error, context=values
    )


def message_page(web: WebContext, *, path: str, status: int, heading: str, body: str) -> HTMLResponse:
    links = [("Về trang đăng nhập", web.pages.url(LOGIN))]
    return staff_page(web, "message.html", path=path, title=heading, status=status, heading=heading, body=body,
                      links=links)  # fmt: skip


def _set_cookie(web: WebContext, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name, value, max_age=int(SESSION_LIFETIME.total_seconds()), path=web.pages.url("/nhanvien"),
        secure=web.settings.web.base_url.startswith("https://"), httponly=True, samesite="strict",
    )  # fmt: skip


def _forget(web: WebContext, response: Response, name: str) -> None:
    response.delete_cookie(name, path=web.pages.url("/nhanvien"))


def to_login(web: WebContext, request: Request) -> RedirectResponse:
    """303 to the login page, coming back to this page after; a stale session cookie is dropped."""
    target = web.pages.url(LOGIN)
    if request.method in ("GET", "HEAD") and NEXT_PATH.fullmatch(request.url.path) and request.url.path != HOME:
        target += f"?tiep={request.url.path}"
    response = RedirectResponse(target, status_code=303)
    if SESSION_COOKIE in request.cookies:
        _forget(web, response, SESSION_COOKIE)
    return response


# --- who is signed in -----------------------------------------------------------------------


def signed_in(web: WebContext, request: Request) -> Staff | None:
    """The session of the request's cookie, when it is ours, fresh, and its account enabled with the same password."""
    session = read_session_cookie(web.settings.web.secret, request.cookies.get(SESSION_COOKIE, ""))
    if session is None or session.expired(web.clock()):
        return None
    with web.session() as db:
        account = account_named(db, session.name)
    if account is None or account.disabled_at is not None or password_stamp(account.password_hash) != session.stamp:
        return None
    return Staff(account, session, csrf_token(web.settings.web.secret, session.nonce))


def wrong_role(web: WebContext, request: Request, account: StaffAccount) -> HTMLResponse:
    body = (
        f"Vai trò của tài khoản {account.name} ({ROLE_LABELS[StaffRole(account.role)]}) không được mở trang này. "
        "Nếu cần, xin liên hệ người quản trị hệ thống."
    )
    return message_page(web, path=request.url.path, status=403, heading="Không có quyền xem trang này", body=body)


def require_staff(*roles: StaffRole) -> Callable[[Request], Staff]:
    """The dependency of a staff page open to ``roles`` (any role when none is given)."""

    def staff(request: Request) -> Staff:
        web = context(request)
        found = signed_in(web, request)
        if found is None:
            raise StaffDenied(to_login(web, request))
        if roles and found.account.role not in roles:
            raise StaffDenied(wrong_role(web, request, found.account))
        return found

    return staff


AnyStaff = Annotated[Staff, Depends(require_staff())]


# --- login and logout -------------------------------------------------------------------------


def login_page(
    web: WebContext, nonce: str, *, typed: str = "", next_path: str = "", problem: str = "", status: int = 200
) -> HTMLResponse:
    response = staff_page(
        web, "login.html", path=LOGIN, title="Đăng nhập", status=status, error=bool(problem),
        action=web.pages.url(LOGIN), csrf=csrf_token(web.settings.web.secret, nonce), typed=typed,
        next_path=next_path, problem=problem,
    )  # fmt: skip
    _set_cookie(web, response, LOGIN_COOKIE, nonce)
    return response


def _login_nonce(request: Request) -> str:
    given = request.cookies.get(LOGIN_COOKIE, "")
    return given if re.fullmatch(r"[A-Za-z0-9_-]{22}", given) else secrets.token_urlsafe(16)


def _next(given: str) -> str:
    return given if NEXT_PATH.fullmatch(given) else ""


@router.api_route("/dang-nhap", methods=["GET", "HEAD"], response_class=HTMLResponse)
def login_form(request: Request, tiep: str = "") -> Response:
    return login_page(context(request), _login_nonce(request), next_path=_next(tiep))


def throttled(web: WebContext, request: Request, name: str) -> HTMLResponse | None:
    throttles: LoginThrottles = request.app.state.staff_throttles
    address = request.client.host if request.client else ""
    if throttles.by_address.allow(address) and throttles.by_account.allow(name):
        return None
    response = message_page(
        web, path=LOGIN, status=429, heading="Thử đăng nhập quá nhiều lần",
        body="Đã thử đăng nhập quá nhiều lần trong ít phút. Xin chờ 5 phút rồi thử lại.",
    )  # fmt: skip
    response.headers["Retry-After"] = str(int(throttles.by_account.window))
    return response


@router.post("/dang-nhap", response_class=HTMLResponse)
def login(request: Request, fields: Posted) -> Response:
    web = context(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not csrf_valid(web.settings.web.secret, nonce, fields.get("csrf", "")):
        return message_page(
            web, path=LOGIN, status=403, heading="Trang đăng nhập đã hết hạn",
            body="Trang đăng nhập này đã cũ hoặc không do hệ thống gửi. Xin mở lại trang đăng nhập rồi thử lại.",
        )  # fmt: skip
    name, password = fields.get("ten", "").strip().lower()[:MAX_NAME], fields.get("matkhau", "")[:MAX_PASSWORD]
    next_path = _next(fields.get("tiep", ""))
    if (refused := throttled(web, request, name)) is not None:
        return refused
    with web.session() as db:
        account = account_named(db, name) if name else None
        if account is None:
            spend_a_verification(password)
        elif password_matches(account.password_hash, password):
            if account.disabled_at is not None:
                problem = "Tài khoản này đã bị khóa: xin liên hệ người quản trị hệ thống"
                return login_page(web, nonce, typed=name, next_path=next_path, problem=problem, status=403)
            return _opened(web, db, account, next_path)
    return login_page(web, nonce, typed=name, next_path=next_path, problem=WRONG_LOGIN, status=422)


def _opened(web: WebContext, db: Any, account: StaffAccount, next_path: str) -> Response:
    audit(db, actor=account.name, action="staff-login", target=f"staff:{account.name}")
    db.commit()
    response = RedirectResponse(web.pages.url(next_path or HOME), status_code=303)
    session = new_session(account.name, account.password_hash, web.clock())
    _set_cookie(web, response, SESSION_COOKIE, session_cookie(web.settings.web.secret, session))
    _forget(web, response, LOGIN_COOKIE)
    return response


@router.post("/dang-xuat", response_class=HTMLResponse)
def logout(request: Request, staff: AnyStaff, fields: Posted) -> Response:
    web = context(request)
    if not csrf_valid(web.settings.web.secret, staff.session.nonce, fields.get("csrf", "")):
        return message_page(
            web, path=HOME, status=403, heading="Yêu cầu không hợp lệ",
            body="Nút này không do trang của hệ thống gửi. Xin mở lại trang rồi bấm lại.",
        )  # fmt: skip
    response = RedirectResponse(web.pages.url(LOGIN), status_code=303)
    _forget(web, response, SESSION_COOKIE)
    return response


# --- the first page ---------------------------------------------------------------------------


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(request: Request, staff: AnyStaff) -> Response:
    """Who is signed in, with what role, until when; the pages of each role come here later."""
    web = context(request)
    expires = (staff.session.opened_at + SESSION_LIFETIME).astimezone(web.pages.zone)
    return staff_page(
        web, "home.html", path=HOME, title="Trang cán bộ", account=staff.account,
        role_label=ROLE_LABELS[StaffRole(staff.account.role)], expires=f"{expires:%H:%M %d/%m/%Y}",
        csrf=staff.csrf, logout_action=web.pages.url(LOGOUT),
    )  # fmt: skip
