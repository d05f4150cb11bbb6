"""The dashboard and the follow-up CSV in-process (httpx over ASGI), on SQLite and PostgreSQL.

Two units in the round in progress: QLCN (3 dossiers: 2 sent, 1 of them answered, and one
sent to an applicant whose name starts like a formula) and KHTC (2 sent, none answered).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app as cli
from khaosat.models import AuditEntry, StaffRole
from khaosat.reports.rates import resolve_round
from khaosat.reports.rates_format import percent
from khaosat.settings import Settings

from ...support.browser import axe_violations, load_url, open_page, scroll_width, set_width
from ...support.factories import add_dossier, local_today
from ...support.survey_rows import reply, send, survey_of
from ..client import WebClient
from ..conftest import serving
from .conftest import log_in, log_in_browser, make_account

DASHBOARD = "/nhanvien/tong-quan"
SHOTS = Path("/tmp/h12d")
OTHER_UNIT = "Phòng Kế hoạch – Tài chính"
FORMULA = '=HYPERLINK("http://x.example","bấm")'
# (dossier, unit, applicant, email, phone, answered)
DOSSIERS = [
    ("QLCN-1", "QLCN", "Công ty Ánh Dương", "anhduong@example.vn", "0912345601", True),
    ("QLCN-2", "QLCN", "Hộ kinh doanh Bình An", "binhan@example.vn", "0912345602", False),
    ("QLCN-3", "QLCN", FORMULA, "congthuc@example.vn", "0912345603", False),
    ("KHTC-1", "KHTC", "Công ty Cửu Long", "cuulong@example.vn", "0987654301", False),
    ("KHTC-2", "KHTC", "Công ty Đồng Nai", "dongnai@example.vn", "0987654302", False),
]
CONTACTS = [datum for row in DOSSIERS for datum in (row[3], row[4], "0912 345 601", "0987 654 301")]


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> None:
    """The accounts (the unit account makes QLCN's row) and the five dossiers, sent, one answered."""
    make_account(engine, "truong.qlcn", StaffRole.unit, unit_code="QLCN")
    for name, role in (("thuky", StaffRole.board), ("quantri", StaffRole.admin), ("xemxet", StaffRole.reviewer)):
        make_account(engine, name, role)
    with Session(engine) as session:
        for code, unit, applicant, email, phone, answered in DOSSIERS:
            dossier = add_dossier(
                session, code, received_on=local_today(settings), unit=unit, unit_name=OTHER_UNIT,
                applicant=applicant, email=email, phone=phone,
            )  # fmt: skip
            survey = survey_of(session, settings, dossier)
            send(session, settings, survey, dossier)
            session.commit()
            if answered:
                reply(session, survey)


def signed_in(client: WebClient, name: str) -> WebClient:
    assert log_in(client, name).status_code == 303
    return client


def cards(page: httpx.Response) -> dict[str, str]:
    """Each unit card's HTML, by the unit code it shows."""
    return dict(re.findall(r'<section class="unit-card[^"]*"[^>]*data-unit="([^"]+)">(.*?)</section>', page.text, re.S))


def test_figures_equal_report_rates_json(client, engine, settings, seeded, tmp_path: Path, database_url):
    """Per unit: rate, target, needed, dossiers, sent and returned as `report rates --format json` prints them."""
    config = tmp_path / "rates.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n')
    round_name = resolve_round(settings, None, None).name
    command = CliRunner().invoke(cli, ["report", "rates", "--round", round_name, "--format", "json", "-c", str(config)])
    assert command.exit_code == 0, command.output
    rates = json.loads(command.stdout)
    page = signed_in(client, "thuky").get(DASHBOARD)
    assert page.status_code == 200 and f"Tổng quan đợt {round_name}" in page.text
    shown = cards(page)
    assert sorted(shown) == [row["unit"] for row in rates] == ["KHTC", "QLCN"]
    for row in rates:
        card = shown[row["unit"]]
        assert f"<strong>{percent(row['rate'])}</strong> / chỉ tiêu {percent(row['target'])}" in card
        assert f"<dd>{row['needed']} phiếu</dd>" in card
        assert f"<dd>{row['dossiers']} / {row['sent']} / {row['returned']}</dd>" in card
    assert 'max="0.8" value="0.3333333333333333"' in shown["QLCN"]  # 1 of 3 against 80%
    assert "Thư điện tử: 3 / 1" in shown["QLCN"] and "Thư điện tử: 2 / 0" in shown["KHTC"]
    assert client.get(f"{DASHBOARD}?dot={round_name}").text.count("unit-card") == page.text.count("unit-card")


def test_a_unit_user_sees_only_their_unit(client, seeded):
    page = signed_in(client, "truong.qlcn").get(DASHBOARD)
    assert page.status_code == 200
    assert list(cards(page)) == ["QLCN"]
    assert OTHER_UNIT not in page.text and "KHTC" not in page.text
    assert f"{DASHBOARD}/QLCN/con-thieu.csv" in page.text


def test_a_board_user_gets_no_contact_data_and_no_list_link(client, seeded):
    page = signed_in(client, "thuky").get(DASHBOARD)
    assert page.status_code == 200 and OTHER_UNIT in page.text
    assert [datum for datum in CONTACTS if datum in page.text] == []
    assert "@" not in page.text and "con-thieu.csv" not in page.text
    assert client.get(f"{DASHBOARD}/QLCN/con-thieu.csv").status_code == 403


def test_a_reviewer_gets_403_and_no_link_home(client, seeded):
    signed_in(client, "xemxet")
    assert client.get(DASHBOARD).status_code == 403
    assert DASHBOARD not in client.get("/nhanvien/").text


def test_home_links_to_the_dashboard(client, seeded):
    assert f'href="{DASHBOARD}"' in signed_in(client, "thuky").get("/nhanvien/").text


def test_an_unknown_round_is_404(client, seeded):
    answer = signed_in(client, "thuky").get(f"{DASHBOARD}?dot=2026-9")
    assert answer.status_code == 404 and "không có đợt khảo sát “2026-9”" in answer.text


def test_the_unit_downloads_its_list_audited_and_formula_safe(client, engine, seeded):
    """Own unit: the two unanswered dossiers with contacts; "=…" behind a quote; one audit entry."""
    answer = signed_in(client, "truong.qlcn").get(f"{DASHBOARD}/QLCN/con-thieu.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã hồ sơ"
    by_code = {row[0]: row for row in rows[1:]}
    assert sorted(by_code) == ["QLCN-2", "QLCN-3"]
    assert by_code["QLCN-2"][1] == "Hộ kinh doanh Bình An" and "binhan@example.vn" in by_code["QLCN-2"][2]
    assert by_code["QLCN-3"][1] == "'" + FORMULA
    with Session(engine) as session:
        [entry] = session.exec(select(AuditEntry).where(col(AuditEntry.action) == "contact.followup-csv")).all()
    assert (entry.actor, entry.target) == ("truong.qlcn", "unit:QLCN")
    assert json.loads(entry.details) == {"dossiers": ["QLCN-2", "QLCN-3"]}


def test_another_units_list_is_403_and_not_audited(client, engine, seeded):
    assert signed_in(client, "truong.qlcn").get(f"{DASHBOARD}/KHTC/con-thieu.csv").status_code == 403
    with Session(engine) as session:
        assert session.exec(select(AuditEntry).where(col(AuditEntry.action) == "contact.followup-csv")).all() == []


def test_the_admin_downloads_any_units_list(client, seeded):
    answer = signed_in(client, "quantri").get(f"{DASHBOARD}/KHTC/con-thieu.csv")
    assert answer.status_code == 200
    assert "cuulong@example.vn" in answer.content.decode("utf-8-sig")


# --- in Chromium ----------------------------------------------------------------------------


@pytest.fixture
def served(settings: Settings, engine: Engine, seeded) -> Iterator[str]:
    with serving(settings, engine, own_base_url=True) as address:  # http: the session cookie is not Secure
        yield address


def test_axe_finds_nothing_on_the_dashboard(browser, served):
    """The unit head's dashboard at 412 and 1280 px: no axe violation, no sideways scroll; screenshots kept."""
    found: dict[int, list[str]] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with open_page(browser, 412) as page:
        log_in_browser(page, served, "truong.qlcn", DASHBOARD)
        for width in (412, 1280):
            if width != 412:  # the same account, the dashboard opened afresh at this width
                set_width(page, width)
                load_url(page, f"{served}{DASHBOARD}")
            page.wait_for_url(f"**{DASHBOARD}")
            assert page.get_by_role("heading", name=re.compile("Phòng QLCN")).is_visible()
            found[width] = [violation["id"] for violation in axe_violations(page)]
            assert scroll_width(page) <= width
            page.screenshot(path=str(SHOTS / f"tong-quan-{width}.png"), full_page=True)
    assert found == {412: [], 1280: []}
