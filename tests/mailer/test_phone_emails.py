"""The status and follow-up emails read on a 412 px phone and a 1280 px screen, in real Chromium.

Each email is built as the daemon builds it, for 20 units whose names run up to 250
characters, taken from a real SMTP server, and its HTML part shown in Chromium: nothing
scrolls sideways, every unit name and every figure is on screen and labelled, and axe-core
finds no WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from khaosat.database import init_schema
from khaosat.mailer.followup import UnitList, outstanding_by_unit, send_followups
from khaosat.mailer.status import send_status
from khaosat.models import Dossier, Unit, make_engine
from khaosat.reports.status import build_status, take_snapshot
from khaosat.reports.status_view import HEADERS, RoundView, status_view
from khaosat.settings import Settings

from ..support.browser import axe_violations, load_html, open_page, scroll_width, set_width, visible_text
from ..support.databases import BACKENDS, fresh_database_url
from ..support.report_data import NOW, answer_next, seed_round
from ..support.settings import make_settings
from ..support.smtp_server import SmtpSink

PHONE, DESKTOP = 412, 1280
PHRASE = (
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ, Thông tin – Thống kê, Đo lường – Thử nghiệm "
    "và Phát triển hạ tầng chất lượng sản phẩm, hàng hóa thuộc Sở Khoa học và Công nghệ tỉnh Lâm Đồng, "
    "phụ trách thẩm định công nghệ, sở hữu trí tuệ, an toàn bức xạ và hạt nhân, đổi mới sáng tạo "
    "và khởi nghiệp của các tổ chức, cá nhân trên địa bàn tỉnh"
)
# (dossiers, sent, returned) in turn: at the target, below it, nothing sent yet, below with one owed.
COUNTS = [(1, 1, 1), (3, 3, 1), (1, 0, 0), (2, 1, 0)]
BOARD = ["iso@skhcn.example.gov.vn"]
FIGURES = ("dossiers", "sent", "returned", "rate", "target", "needed", "returned_change", "rate_change")


def long_name(length: int) -> str:
    """A Vietnamese unit name of at most ``length`` characters, cut at a word."""
    return PHRASE[: length + 1].rsplit(" ", 1)[0].rstrip(",")


UNITS = {f"DV{number:02d}": long_name(30 + number * 11) for number in range(1, 21)}  # 41 to 250 characters


@dataclass(frozen=True)
class Emails:
    """What the daemon sent for the 20 units, and what each email must show."""

    status_html: str
    status_text: str
    status: RoundView
    followups: list[tuple[UnitList, str]]  # each unit head's list, and the HTML of its email


@pytest.fixture(scope="module", params=BACKENDS)
def emails(request, tmp_path_factory, smtp_sink) -> Emails:
    """Built once per backend: the tests only look at the messages."""
    folder = tmp_path_factory.mktemp("phone")
    with fresh_database_url(request.param, folder) as url:
        heads = {code: [f"truong.{code.lower()}@skhcn.example.gov.vn"] for code in UNITS}
        config = make_settings(
            folder,
            database={"url": url},
            smtp={"port": smtp_sink.port},
            report={"board_emails": BOARD, "unit_heads": heads},
        )
        engine = make_engine(url)
        try:
            init_schema(engine)
            seed_twenty_units(engine, config)
            return sent_emails(engine, config, smtp_sink)
        finally:
            engine.dispose()


def seed_twenty_units(engine: Engine, config: Settings) -> None:
    """The 20 units with their long names, each with a few dossiers sent and some answered; long contacts."""
    with Session(engine) as session:
        session.add_all([Unit(code=code, name=name) for code, name in UNITS.items()])
        session.commit()
    seed_round(engine, config, {code: COUNTS[index % len(COUNTS)] for index, code in enumerate(UNITS)})
    with Session(engine) as session:
        for number, dossier in enumerate(session.exec(select(Dossier)).all()):
            dossier.applicant = f"Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Kỹ thuật {dossier.code}"
            dossier.phone = "0912345678"
            dossier.email = f"vanthu.phongthinghiem{number}@trungtamungdungtienbokhoahoccongnghe.gov.vn"  # unbreakable
            session.add(dossier)
        session.commit()


def sent_emails(engine: Engine, config: Settings, smtp: SmtpSink) -> Emails:
    """Last week's snapshot (so that the ± columns have values), a reply since, then this week's emails."""
    with Session(engine) as session:
        take_snapshot(session, build_status(session, config, NOW - timedelta(days=7)), NOW - timedelta(days=7))
    for code in list(UNITS)[1::4]:
        answer_next(engine, code, 1)
    with Session(engine) as session:
        [status] = status_view(build_status(session, config, NOW), config.organization.zone).rounds
    smtp.reset()
    send_status(engine, config, now=NOW)
    [status_html] = received_html(smtp)
    status_text = smtp.received[0].message.get_body(("plain",)).get_content()
    smtp.reset()
    assert send_followups(engine, config, now=NOW).errors == []
    with Session(engine) as session:
        lists = outstanding_by_unit(session, today=NOW.astimezone(config.organization.zone).date(), now=NOW)
    return Emails(status_html, status_text, status, list(zip(lists, received_html(smtp), strict=True)))


def received_html(smtp: SmtpSink) -> list[str]:
    return [received.message.get_body(("html",)).get_content() for received in smtp.received]


# Each unit, total and dossier row: its text; each cell's text, shown or not, inside the viewport or not;
# each figure's text and the label shown above it, if any.
ON_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const shown = (element) => element.checkVisibility() && element.getClientRects().length > 0;
    return Array.from(document.querySelectorAll("tr[data-unit], tr[data-total], tr[data-dossier]")).map((row) => ({
        key: row.dataset.unit || row.dataset.dossier || "TOTAL",
        text: row.innerText,
        cells: Array.from(row.querySelectorAll("td")).map((cell) => {
            const box = cell.getBoundingClientRect();
            return {text: cell.innerText, shown: shown(cell), inside: box.left >= 0 && box.right <= width};
        }),
        figures: Object.fromEntries(Array.from(row.querySelectorAll("[data-col]")).map((figure) => {
            const label = figure.parentElement.querySelector(".stack-label");
            return [figure.dataset.col, {text: figure.innerText, shown: shown(figure),
                                         label: label && shown(label) ? label.innerText : null}];
        })),
    }));
}"""


def fitted_rows(page: Page, width: int) -> dict[str, dict[str, Any]]:
    """The rows as shown, once it is checked that nothing scrolls sideways and every cell is shown on screen."""
    assert scroll_width(page) <= width
    rows = {row["key"]: row for row in page.evaluate(ON_SCREEN)}
    cells = [cell for row in rows.values() for cell in row["cells"]]
    assert cells and all(cell["shown"] and cell["inside"] for cell in cells), [c for c in cells if not c["inside"]]
    return rows


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [node["target"] for node in v["nodes"]]) for v in violations]


def test_the_status_email_fits_a_phone_and_a_desktop(emails: Emails, browser: Browser):
    """Every unit's name and its eight figures are shown, labelled on the phone; no sideways scroll."""
    rows = {row.unit: row for row in emails.status.rows} | {"TOTAL": emails.status.total}
    assert {row.name for row in emails.status.rows} == set(UNITS.values()) and max(map(len, UNITS.values())) == 250
    assert {rows[code].returned_change for code in list(UNITS)[1::4]} == {"+1"}
    labels = dict(zip(FIGURES, HEADERS[2:], strict=True))
    with open_page(browser, PHONE) as page:
        load_html(page, emails.status_html)
        for width in (PHONE, DESKTOP):
            set_width(page, width)
            shown = fitted_rows(page, width)
            assert set(shown) == set(rows)
            for key, row in rows.items():
                assert key == "TOTAL" or UNITS[key] in shown[key]["text"]
                figures = {name: figure["text"] for name, figure in shown[key]["figures"].items() if figure["shown"]}
                rate = row.rate + (" ✗" if row.below else "")
                assert figures == {name: getattr(row, name) for name in FIGURES} | {"rate": rate}
                shown_labels = {name: figure["label"] for name, figure in shown[key]["figures"].items()}
                assert shown_labels == (labels if width == PHONE else dict.fromkeys(FIGURES))
            assert_accessible(page)


def test_the_followup_emails_fit_a_phone_and_a_desktop(emails: Emails, browser: Browser):
    """Each unit head's list shows every dossier with its applicant, contact, channel and days; no sideways scroll."""
    assert len(emails.followups) == 10
    longest = max(emails.followups, key=lambda followup: len(followup[0].unit_name))
    assert len(longest[0].unit_name) == 250
    with open_page(browser, PHONE) as page:
        for unit, html in emails.followups:
            load_html(page, html)
            for width in (PHONE, DESKTOP):
                set_width(page, width)
                shown = fitted_rows(page, width)
                assert unit.unit_name in visible_text(page)
                assert set(shown) == {row.dossier_code for row in unit.rows}
                for number, row in enumerate(unit.rows, start=1):
                    cells = [cell["text"] for cell in shown[row.dossier_code]["cells"]]
                    values = [str(number), row.dossier_code, row.applicant, row.contact, row.channel]
                    values.append(str(row.days_since_sent))
                    assert all(value in cell for value, cell in zip(values, cells, strict=True)), (cells, values)
                if unit is longest[0]:
                    assert_accessible(page)


def test_the_status_email_asks_board_members_to_run_no_command(emails: Emails):
    """Board members are told whom to ask for other figures, not to run `khaosat report rates`."""
    for body in (emails.status_html, emails.status_text):
        assert "khaosat report" not in body
        assert "xin liên hệ Thư ký Ban ISO" in body
