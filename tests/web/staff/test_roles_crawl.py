"""Every staff page crawled as each role (httpx over ASGI, SQLite and PostgreSQL): who receives which data.

Two units, QLCN (the unit account's) and KHTC, each with dossiers whose applicants have
distinctive emails, phones, faxes and addresses, and a review item whose raw message names
its sender. As each role the crawl starts at ``/nhanvien/``, follows every same-site link
under ``/nhanvien/`` (GET only, never the logout) and visits every GET route of the app
under ``/nhanvien``, its path parameters filled from the seed.
"""

from __future__ import annotations

import html
import inspect
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from khaosat.models import AuditEntry, StaffRole
from khaosat.settings import Settings

from ...support.factories import add_dossier, local_today
from ...support.survey_rows import reply, send, survey_of
from ..client import BASE, WebClient
from .conftest import log_in, make_account
from .test_review_pages import unmatched_item

START, LOGOUT, MAX_PAGES = "/nhanvien/", "/nhanvien/dang-xuat", 200
ACCOUNTS = {
    "quantri": StaffRole.admin,
    "thuky": StaffRole.board,
    "truong.a": StaffRole.unit,
    "xemxet": StaffRole.reviewer,
}
CONTACT_VIEWS = ("contact.followup-csv", "review.message-view")
UNIT_B, UNIT_B_NAME = "KHTC", "Phòng Kế hoạch – Tài chính"
SENDER = "nguoigui.rieng@example.vn"
# (dossier, unit, applicant, email, phone, fax, address, answered)
DOSSIERS = [
    ("QLCN-0001", "QLCN", "Công ty Ánh Dương", "anhduong.rieng@example.vn", "0912 345 601", "0263 3822 601",
     "12 Phan Đình Phùng, Đà Lạt", False),
    ("QLCN-0002", "QLCN", "Hộ kinh doanh Bình An", "binhan.rieng@example.vn", "0912 345 602", "0263 3822 602",
     "7 Bùi Thị Xuân, Đà Lạt", True),
    ("KHTC-0001", UNIT_B, "Công ty Cửu Long", "cuulong.rieng@example.vn", "0987 654 301", "0263 3711 301",
     "45 Trần Phú, Bảo Lộc", False),
    ("KHTC-0002", UNIT_B, "Công ty Đồng Nai", "dongnai.rieng@example.vn", "0987 654 302", "0263 3711 302",
     "9 Hùng Vương, Bảo Lộc", False),
]  # fmt: skip


def contacts_of(rows: Iterable[tuple[Any, ...]]) -> list[str]:
    """Each row's email, phone and fax (as stored and as bare digits) and address."""
    found = []
    for *_, email, phone, fax, address, _answered in rows:
        found += [email, phone, phone.replace(" ", ""), fax, fax.replace(" ", ""), address]
    return found


CONTACTS = [*contacts_of(DOSSIERS), SENDER]
UNIT_B_DATA = [UNIT_B, UNIT_B_NAME, *(datum for row in DOSSIERS if row[1] == UNIT_B for datum in row[:3]),
               *contacts_of(row for row in DOSSIERS if row[1] == UNIT_B)]  # fmt: skip


@dataclass(frozen=True)
class Seed:
    item_id: int
    survey_codes: dict[str, str]  # unit code → the code of its first survey

    def parameters(self) -> dict[str, str]:
        """A value for each path parameter of the staff routes (unit A's where a unit is meant)."""
        return {"code": self.survey_codes["QLCN"], "unit": "QLCN", "item_id": str(self.item_id),
                "name": "unknown-p1-B1_2.png"}  # fmt: skip


def sender_mail() -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"Nguyễn Văn Gửi <{SENDER}>", "khaosat@example.gov.vn", "Gửi lại phiếu"
    mail.set_content("Tôi gửi lại phiếu đã điền.\n")
    return mail.as_bytes()


@pytest.fixture
def seed(engine: Engine, settings: Settings) -> Seed:
    for name, role in ACCOUNTS.items():
        make_account(engine, name, role, unit_code="QLCN" if role == StaffRole.unit else "")
    codes: dict[str, str] = {}
    with Session(engine) as session:
        for code, unit, applicant, email, phone, fax, address, answered in DOSSIERS:
            dossier = add_dossier(
                session, code, received_on=local_today(settings), unit=unit, unit_name=UNIT_B_NAME,
                applicant=applicant, email=email, phone=phone, fax=fax, address=address,
            )  # fmt: skip
            survey = survey_of(session, settings, dossier)
            send(session, settings, survey, dossier)
            session.commit()
            codes.setdefault(unit, survey.code)
            if answered:
                reply(session, survey)
    return Seed(unmatched_item(engine, settings, raw=sender_mail()), codes)


# --- the routes and the crawl -----------------------------------------------------------------


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """The app's routes, those of included routers too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's included router
            yield from api_routes(route.original_router.routes)


def roles_of(route: APIRoute) -> set[StaffRole]:
    """The roles ``require_staff`` lets in (every role when it names none or the page has no such dependency)."""
    for dependency in route.dependant.dependencies:
        if getattr(dependency.call, "__qualname__", "").startswith("require_staff."):
            return set(inspect.getclosurevars(dependency.call).nonlocals["roles"]) or set(StaffRole)
    return set(StaffRole)


def staff_pages(app: FastAPI) -> dict[str, set[StaffRole]]:
    """Each GET route under /nhanvien → the roles it is open to."""
    pages = {route.path: roles_of(route) for route in api_routes(app.routes)
             if route.path.startswith("/nhanvien") and "GET" in route.methods}  # fmt: skip
    assert {"/nhanvien/", "/nhanvien/tong-quan", "/nhanvien/xem-lai/{item_id}", "/nhanvien/nhap-phieu"} <= set(pages)
    return pages


def filled(path: str, parameters: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: parameters[found.group(1)], path)


@dataclass(frozen=True)
class Visit:
    answer: httpx.Response
    contact_views_logged: int  # audit entries of contact views the request added

    def holds(self, data: Iterable[str]) -> list[str]:
        return [datum for datum in data if datum in self.answer.text]


def contact_views(engine: Engine, actor: str) -> int:
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(col(AuditEntry.actor) == actor, col(AuditEntry.action).in_(CONTACT_VIEWS))
    )
    with Session(engine) as session:
        return session.exec(query).one()


def links(url: str, answer: httpx.Response) -> list[str]:
    """The staff URLs a page links to (href, src) or redirects to, as path and query; never the logout."""
    found = [answer.headers["location"]] if answer.is_redirect else []
    if answer.headers.get("content-type", "").startswith("text/html"):
        found += re.findall(r'(?:href|src)="([^"]*)"', answer.text)
    kept = []
    for link in found:
        parts = urlsplit(urljoin(f"{BASE}{url}", html.unescape(link)))
        if f"{parts.scheme}://{parts.netloc}" == BASE and parts.path.startswith(START) and parts.path != LOGOUT:
            kept.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return kept


def crawl(client: WebClient, engine: Engine, app: FastAPI, seed: Seed, actor: str, *extra: str) -> dict[str, Visit]:
    """As ``actor``: every page reachable from the start page, every staff GET route, and ``extra``."""
    assert log_in(client, actor).status_code == 303
    known = [filled(path, seed.parameters()) for path in staff_pages(app)]
    waiting, visits = deque([START, *known, *extra]), {}
    while waiting and len(visits) < MAX_PAGES:
        url = waiting.popleft()
        if url in visits:
            continue
        before = contact_views(engine, actor)
        answer = client.get(url)
        visits[url] = Visit(answer, contact_views(engine, actor) - before)
        waiting.extend(link for link in links(url, answer) if link not in visits)
    assert not waiting, f"more than {MAX_PAGES} pages"
    return visits


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["thuky", "xemxet"])
def test_board_and_reviewer_receive_no_contact_datum(client, engine, app, seed, actor):
    """Not on any page they reach: no email, phone, fax or address of an applicant, nor a sender's address."""
    visits = crawl(client, engine, app, seed, actor)
    reached = {url for url, visit in visits.items() if visit.answer.status_code == 200}
    expected = "/nhanvien/tong-quan" if actor == "thuky" else f"/nhanvien/xem-lai/{seed.item_id}"
    assert expected in reached and len(reached) >= 3
    assert {url: visit.holds(CONTACTS) for url, visit in visits.items() if visit.holds(CONTACTS)} == {}
    if actor == "xemxet":
        assert "Nguyễn Văn Gửi &lt;ng***@example.vn&gt;" in visits[expected].answer.text


def test_a_unit_user_sees_nothing_of_another_unit(client, engine, app, seed):
    """Unit A's pages and list hold its own data only; unit B's form and list are 403."""
    other = [f"/nhanvien/nhap-phieu/{seed.survey_codes[UNIT_B]}", f"/nhanvien/tong-quan/{UNIT_B}/con-thieu.csv"]
    visits = crawl(client, engine, app, seed, "truong.a", *other)
    assert [visits[url].answer.status_code for url in other] == [403, 403]
    assert {url: visit.holds(UNIT_B_DATA) for url, visit in visits.items() if visit.holds(UNIT_B_DATA)} == {}
    own_list = visits["/nhanvien/tong-quan/QLCN/con-thieu.csv"]
    assert own_list.answer.status_code == 200 and "anhduong.rieng@example.vn" in own_list.answer.text


@pytest.mark.parametrize("actor", ACCOUNTS)
def test_each_role_gets_403_outside_its_roles(client, app, seed, actor):
    """Every staff GET route: 200 where the route's roles include the account's, else 403."""
    assert log_in(client, actor).status_code == 303
    pages = staff_pages(app)
    got = {path: client.get(filled(path, seed.parameters())).status_code for path in pages}
    assert got == {path: 200 if ACCOUNTS[actor] in roles else 403 for path, roles in pages.items()}


@pytest.mark.parametrize("actor", ["quantri", "truong.a"])
def test_every_response_with_contact_data_is_in_the_access_log(client, engine, app, seed, actor):
    """Each page or file that carries a contact datum added an audit entry of the view, under the viewer's name."""
    visits = crawl(client, engine, app, seed, actor)
    showing = {url: visit.contact_views_logged for url, visit in visits.items() if visit.holds(CONTACTS)}
    assert "/nhanvien/tong-quan/QLCN/con-thieu.csv" in showing
    if actor == "quantri":
        assert f"/nhanvien/xem-lai/{seed.item_id}" in showing
    assert {url: logged for url, logged in showing.items() if logged < 1} == {}
