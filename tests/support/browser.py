"""A real browser for tests: Debian's Chromium driven by Playwright, and axe-core to check pages.

Chromium is ``/usr/bin/chromium`` (``.ci/run`` installs it; ``KHAOSAT_TEST_CHROMIUM`` names
another); Playwright never downloads a browser of its own. axe-core is the file that
``make install`` puts under ``tests/browser/node_modules`` from the pinned
``tests/browser/package-lock.json``: nothing is fetched at test time. Without either the
tests that need them are skipped on a developer's machine and fail with ``CI=true``.

One Chromium runs for the whole session; each test gets a fresh page in a context of its
own (no cookies or storage shared). Playwright's sync API marks its event loop as running in
the thread that uses it, so ``asyncio.run()`` (the mailer's SMTP calls, for instance) cannot
run there while a page is open. ``page`` is open for the whole test: a test that also sends
mail builds its message first and then opens a page with ``open_page(browser)``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from .paths import REPOSITORY

CHROMIUM = Path(os.environ.get("KHAOSAT_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = REPOSITORY / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags Chromium keeps calling out to hosts this machine cannot reach.
LAUNCH_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
DESKTOP_WIDTH = 1280
PAGE_HEIGHT = 900
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _missing(what: str) -> NoReturn:
    """In CI a missing browser part is a failure; on a developer's machine the test is skipped."""
    message = f"{what} (make install; .ci/run installs chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class _Chromium:
    """One Playwright driver and one Chromium, and the event loop that the sync API runs them on."""

    def __init__(self) -> None:
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(LAUNCH_FLAGS))
        except Exception:
            self.playwright.stop()
            raise
        self.loop = asyncio.get_running_loop()  # marked running by the sync API until its next call
        asyncio._set_running_loop(None)  # so that the tests that do not use the browser can use asyncio.run()

    def close(self) -> None:
        asyncio._set_running_loop(self.loop)
        self.browser.close()
        self.playwright.stop()


_running: dict[str, _Chromium] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}")
    chromium = _Chromium()
    _running["chromium"] = chromium
    yield chromium.browser
    del _running["chromium"]
    chromium.close()


@contextmanager
def open_page(browser: Browser, width: int = DESKTOP_WIDTH, **context_options: Any) -> Iterator[Page]:
    """A fresh page, ``width`` CSS pixels wide, in a context of its own; closed on leaving.

    ``context_options`` go to Playwright's ``new_context`` (``java_script_enabled=False``, ``has_touch=True``...).
    """
    loop = _running["chromium"].loop
    asyncio._set_running_loop(loop)
    try:
        viewport: ViewportSize = {"width": width, "height": PAGE_HEIGHT}
        context = browser.new_context(viewport=viewport, locale="vi-VN", **context_options)
        try:
            yield context.new_page()
        finally:
            context.close()
    finally:
        asyncio._set_running_loop(None)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page, 1280 px wide, open for the whole test."""
    with open_page(browser) as fresh:
        yield fresh


def set_width(page: Page, width: int) -> None:
    """Make the viewport ``width`` CSS pixels wide (412: a common phone), keeping its height."""
    page.set_viewport_size({"width": width, "height": PAGE_HEIGHT})


def load_html(page: Page, html: str) -> None:
    """Show ``html`` in ``page`` as a document of its own, and wait until it has loaded."""
    page.set_content(html, wait_until="load")


def load_url(page: Page, url: str) -> None:
    """Open ``url``, which must be on this machine (tests reach no other host)."""
    parts = urlsplit(url)
    if parts.scheme == "http" or parts.scheme == "https":
        if parts.hostname not in LOCAL_HOSTS:
            raise ValueError(f"not a local address: {url}")
    elif parts.scheme != "file":
        raise ValueError(f"not a local URL: {url}")
    page.goto(url, wait_until="load")


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """axe-core's violations of the rules with ``tags`` on the page as it is now; no rule left out.

    The script is evaluated through the DevTools protocol rather than added as a tag, so a
    page whose Content-Security-Policy forbids inline scripts is checked all the same.
    """
    if not AXE_SCRIPT.exists():
        _missing(f"no axe-core at {AXE_SCRIPT.relative_to(REPOSITORY)}")
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            return (await axe.run(document, options)).violations;
        }""",
        list(tags),
    )
    return violations


def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined"


def visible_text(page: Page) -> str:
    """What a reader sees of the page: its rendered text, hidden elements left out."""
    text: str = page.evaluate("() => document.body.innerText")
    return text


def scroll_width(page: Page) -> int:
    """How wide the document is, in CSS pixels: wider than the viewport means a sideways scroll."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width
