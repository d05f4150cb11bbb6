"""The login page in Debian's Chromium: axe-core finds nothing, empty or with its error.

The app runs under uvicorn on a free port, on the test's database (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from khaosat.web.server import WebThread

from ...support.browser import axe_violations, load_url, open_page, scroll_width
from ...support.smtp_server import free_port
from .conftest import LOGIN


@pytest.fixture
def served(settings, engine) -> Iterator[str]:
    port = free_port()
    web = settings.web.model_copy(update={"host": "127.0.0.1", "port": port})
    thread = WebThread(settings.model_copy(update={"web": web}), engine)
    thread.start()
    for _ in range(200):
        if thread.started:
            break
        thread.thread.join(0.02)
    assert thread.started
    yield f"http://127.0.0.1:{port}"
    thread.stop()


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
