"""axe-core on every page and state of the form in a real browser (Debian's Chromium), at 320 and 1280 px.

The app runs under uvicorn on a free port, on the test's database (SQLite and PostgreSQL).
The rest of the browser tests of the form are in test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from ..support.browser import axe_violations, load_url, open_page, scroll_width
from .conftest import KIOSK_KEY, new_survey

WIDTHS = (320, 1280)


def states(page: Page, served: str, survey, closed) -> Iterator[str]:
    """Walk every page and state an applicant can meet; yield the name of each as it is shown."""
    load_url(page, f"{served}/p/{survey.token}")
    yield "empty form"
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_load_state("load")
    assert page.title().startswith("Lỗi: ")
    yield "form with an error"
    page.locator('input[name="D1"][value="5"]').check()
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_url("**/xong")
    yield "confirmation"
    load_url(page, f"{served}/p/{survey.token}")
    yield "already answered"
    load_url(page, f"{served}/p/{closed.token}")
    yield "closed round"
    load_url(page, f"{served}/ma")
    yield "code entry"
    page.fill("#ma", "ABCD-EFGH")
    page.get_by_role("button", name="Mở phiếu").click()
    page.wait_for_load_state("load")
    yield "code entry with an error"
    load_url(page, f"{served}/K/1/{survey.code}?lang=en")
    yield "form by code, in English"
    load_url(page, f"{served}/huy/{survey.token}")
    yield "opt-out"
    page.get_by_role("button", name="Ngừng nhận thư nhắc").click()
    page.wait_for_load_state("load")
    yield "opted out"


def kiosk_states(page: Page, served: str, survey) -> Iterator[str]:
    load_url(page, f"{served}/kiosk/{KIOSK_KEY}")
    yield "kiosk start"
    page.fill("#ma", survey.code)
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_load_state("load")
    yield "kiosk form"
    page.locator('input[name="D1"][value="5"]').check()
    page.get_by_role("button", name="Gửi").click()
    page.wait_for_load_state("load")
    yield "kiosk thanks"


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_on_any_page_or_state(browser, served, engine, settings, width):
    """wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa, no rule left out; no sideways scrolling at 320 px."""
    from datetime import date

    survey = new_survey(engine, settings, "HS-2026-0100")
    closed = new_survey(engine, settings, "HS-2024-0100", received_on=date(2024, 3, 4))
    found: dict[str, list[str]] = {}
    seen = []
    with open_page(browser, width) as page:
        for state in [*states(page, served, survey, closed), *kiosk_states(page, served, survey)]:
            seen.append(state)
            found[state] = [violation["id"] for violation in axe_violations(page)]
            assert scroll_width(page) <= width, state
    assert len(seen) == 13
    assert {state: ids for state, ids in found.items() if ids} == {}
