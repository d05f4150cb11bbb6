"""The login, home and logout pages in Debian's Chromium: axe-core finds nothing.

The app runs under uvicorn on a free port, on the test's database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from khaosat.models import StaffRole

from ...support.browser import axe_violations, load_url, open_page, scroll_width
from ..conftest import serving
from .conftest import LOGIN, log_in_browser, make_account


def test_axe_finds_nothing_on_the_login_page(browser, served):
    """On a 412 px phone, the empty form and the form with its error: no violation, no sideways scroll."""
    found, width = {}, 412
    with open_page(browser, width) as page:
        load_url(page, f"{served}{LOGIN}")
        found["empty"] = [violation["id"] for violation in axe_violations(page)]
        assert scroll_width(page) <= width
        page.fill("#ten", "ai-do")
        page.fill("#matkhau", "không-đúng-đâu")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("load")
        assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").first.is_visible()
        found["error"] = [violation["id"] for violation in axe_violations(page)]
    assert found == {"empty": [], "error": []}


@pytest.mark.parametrize("width", [412, 1280])
def test_axe_finds_nothing_on_the_home_and_logout_pages(browser, settings, engine, width):
    """An admin logged in through the form: the staff home page, then the page after logging out."""
    make_account(engine, "quan-tri", StaffRole.admin)
    found = {}
    with serving(settings, engine, own_base_url=True) as served, open_page(browser, width) as page:
        log_in_browser(page, served, "quan-tri", "/nhanvien/")
        assert page.get_by_role("button", name="Đăng xuất").is_visible()
        found["home"] = [violation["id"] for violation in axe_violations(page)]
        assert scroll_width(page) <= width
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state("load")
        found["logout"] = [violation["id"] for violation in axe_violations(page)]
        assert scroll_width(page) <= width
    assert found == {"home": [], "logout": []}
