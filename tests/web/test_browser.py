"""The form in a real browser (Debian's Chromium): JS on and off, keyboard only, touch targets.

The app runs under uvicorn on a free port, on the test's database (SQLite and PostgreSQL).
Screenshots of a 412 px phone and of the kiosk go to /tmp/h3/ for a person to look at.
axe-core on every page and state is in test_browser_axe.py (a file of its own: the two halves
can run on two workers at once).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from sqlmodel import Session, col, select

from khaosat.models import Answer

from ..support.browser import load_url, open_page
from .conftest import KIOSK_KEY, new_survey
from .rows import counted

SHOTS = Path("/tmp/h3")
PHONE, KIOSK = 412, (1280, 800)


def answer_by_mouse(page: Page) -> None:
    for question, value in (("B1_1", "5"), ("B3_2", "na"), ("C1", "0"), ("D1", "4")):
        page.locator(f'input[name="{question}"][value="{value}"]').check()
    page.fill("#q-E1", "Hướng dẫn rõ ràng.")
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_load_state("load")


def stored_answers(engine, survey) -> dict[str, str | None]:
    [response] = counted(engine, survey)
    with Session(engine) as session:
        rows = session.exec(select(Answer).where(col(Answer.response_id) == response.id)).all()
        return {row.question: row.value for row in rows} | {"comment": response.comment}


def test_with_and_without_javascript_the_same_row_is_stored(browser, served, engine, settings):
    """Link → answer → send → confirmation, with JavaScript on and off: the same answers stored."""
    surveys = [new_survey(engine, settings, f"HS-2026-00{n}") for n in (10, 11)]
    for survey, scripts in zip(surveys, (True, False), strict=True):
        with open_page(browser, PHONE) as page:
            if not scripts:
                page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
            load_url(page, f"{served}/p/{survey.token}")
            answer_by_mouse(page)
            assert page.url == f"{served}/p/{survey.token}/xong"
            assert page.get_by_role("heading", name="Đã nhận phiếu khảo sát").is_visible()
    with_js, without_js = (stored_answers(engine, survey) for survey in surveys)
    assert with_js == without_js and with_js["D1"] == "4" and with_js["comment"] == "Hướng dẫn rõ ràng."


def test_keyboard_alone_answers_and_sends(browser, served, engine, survey):
    """Tab to the overall question, an arrow key to choose, Tab to the button, Enter: the reply is stored."""
    with open_page(browser) as page:
        load_url(page, f"{served}/p/{survey.token}")
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.name") == "D1":
                break
        page.keyboard.press("ArrowDown")  # the second box of D1, and checked
        assert page.evaluate("() => document.activeElement.value") == "2"
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.type") == "submit":
                break
        page.keyboard.press("Enter")
        page.wait_for_url(f"{served}/p/{survey.token}/xong")
    assert stored_answers(engine, survey)["D1"] == "2"


def test_touch_targets_and_screenshots(browser, served, engine, settings):
    """Each box with its label is at least 24 px high (44 px at the kiosk); screenshots for a person to look at."""
    survey = new_survey(engine, settings, "HS-2026-0200")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with open_page(browser, PHONE) as page:
        load_url(page, f"{served}/p/{survey.token}")
        heights = page.eval_on_selector_all(".radio", "rows => rows.map(row => row.getBoundingClientRect().height)")
        assert min(heights) >= 44
        page.screenshot(path=str(SHOTS / "phone-412-form.png"), full_page=False)
        page.get_by_role("button", name="Gửi phiếu").click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(SHOTS / "phone-412-error.png"), full_page=False)
        page.set_viewport_size({"width": KIOSK[0], "height": KIOSK[1]})  # the kiosk's screen, in the same browser
        load_url(page, f"{served}/kiosk/{KIOSK_KEY}")
        page.screenshot(path=str(SHOTS / "kiosk-start.png"))
        page.fill("#ma", survey.code)
        page.get_by_role("button", name="Bắt đầu").click()
        page.wait_for_load_state("load")
        sizes = page.eval_on_selector_all(
            ".radio input, .radio, button, a.button",
            "nodes => nodes.map(n => Math.min(n.getBoundingClientRect().width, n.getBoundingClientRect().height))",
        )
        assert min(sizes) >= 44
        page.screenshot(path=str(SHOTS / "kiosk-form.png"))
