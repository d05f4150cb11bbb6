"""The browser fixtures themselves: axe-core really runs, whatever the page's policy; asyncio still works after."""

from __future__ import annotations

import asyncio

import pytest

from .support.browser import axe_violations, load_html, load_url, scroll_width, set_width, visible_text

FAULTY = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thử</title>
<meta http-equiv="Content-Security-Policy" content="script-src 'none'"></head>
<body><main><h1>Phiếu</h1><img src="data:,"><p style="color: #bbbbbb">chữ quá nhạt</p>
<p style="width: 900px">rộng</p><p style="display: none">ẩn</p></main></body></html>"""


def test_axe_finds_what_is_wrong_even_where_scripts_are_forbidden(page):
    """A missing alt text and faint text are found on a page whose policy forbids every script."""
    load_html(page, FAULTY)
    assert {violation["id"] for violation in axe_violations(page)} == {"image-alt", "color-contrast"}
    assert "chữ quá nhạt" in visible_text(page) and "ẩn" not in visible_text(page)
    assert scroll_width(page) > 412
    set_width(page, 412)
    assert page.evaluate("() => window.innerWidth") == 412


def test_only_local_addresses_are_opened(page):
    with pytest.raises(ValueError, match="not a local"):
        load_url(page, "https://example.com/")


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_asyncio_runs_between_browser_tests(browser):
    """The session's Chromium does not keep the test's thread from running an event loop of its own."""
    assert asyncio.run(_answer()) == 42
