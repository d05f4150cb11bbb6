"""The review item's keyboard shortcuts in Chromium: 1–5 and N choose, the arrows move, → skips to the next item.

The app runs under uvicorn on a free port, on the test's database (SQLite and PostgreSQL);
without JavaScript the page still answers and skips, and hides the shortcuts' hint.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session

from khaosat.models import ReviewItem, StaffRole

from ...support.browser import axe_violations, load_url, open_page, scroll_width, set_width
from .conftest import log_in_browser, make_account
from .test_review_pages import QUEUE, unmatched_item

HINT = "Phím tắt: 1–5 chọn câu trả lời, N chọn “Không áp dụng”, ↑ ↓ sang câu trước, câu sau, → bỏ qua, sang mục tiếp."
LEAVE = "Các câu trả lời đã chọn chưa được ghi. Vẫn bỏ qua, sang mục tiếp?"
SHOTS = Path("/tmp/h12keys")


def two_items(engine, settings) -> tuple[int, int]:
    """Two open items, B1_2 doubtful in each; the list shows the later first, and skipping it leads to the earlier."""
    return unmatched_item(engine, settings), unmatched_item(engine, settings, raw=b"From: a@b.vn\n\nx")


def test_keys_choose_the_answer_move_and_skip_to_the_next_item(browser, served, engine, settings):
    """One doubtful question: 2 answers it, then 3 changes nothing (answered, the focus has left it), N on its
    radio; text typed is only text; → asks first when answers were chosen. Nothing read (every choice question
    asked): 1 answers the first, ↓ and ↑ move the focus, 4 answers the focused one."""
    earlier, later = two_items(engine, settings)
    forget_reading(engine, earlier)
    make_account(engine, "thu", StaffRole.reviewer)
    with open_page(browser) as page:
        log_in_browser(page, served, "thu", f"{QUEUE}/{later}")
        assert page.get_by_text(HINT).is_visible()
        page.keyboard.press("2")
        assert page.is_checked("#cau-B1_2-2")
        assert page.evaluate("() => document.activeElement.type") == "submit"  # the last question: the button next
        page.keyboard.press("3")  # every question answered, none focused: nothing changes
        assert page.is_checked("#cau-B1_2-2")
        page.focus("#cau-B1_2-2")
        page.keyboard.press("n")
        assert page.is_checked("#cau-B1_2-na") and not page.is_checked("#cau-B1_2-2")
        page.fill("#ma", "")
        page.keyboard.type("25N")
        assert page.input_value("#ma") == "25N" and page.is_checked("#cau-B1_2-na")
        page.evaluate("() => document.activeElement.blur()")
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.keyboard.press("ArrowRight")  # answers chosen: asked first; "no" stays
        assert asked == [LEAVE] and page.url == f"{served}{QUEUE}/{later}"
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.keyboard.press("ArrowRight")
        page.wait_for_url(f"{served}{QUEUE}/{earlier}")
        assert asked == [LEAVE, LEAVE]
        page.keyboard.press("1")
        assert page.evaluate("() => document.activeElement.dataset.question") == "B1_2"
        for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
            page.keyboard.press(key)
        assert page.evaluate("() => document.activeElement.dataset.question") == "B1_3"
        page.keyboard.press("4")
        assert page.is_checked("#cau-B1_1-1") and page.is_checked("#cau-B1_3-4")
        assert not page.is_checked("#cau-B1_2-4")


def forget_reading(engine, item_id: int) -> None:
    """The item as if nothing on its page was read (no answers, no doubtful ones in its details)."""
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        assert item is not None
        item.details = json.dumps({**json.loads(item.details), "answers": {}, "uncertain": {}})
        session.add(item)
        session.commit()


def test_without_javascript_the_page_answers_and_skips_without_the_hint(browser, served, engine, settings):
    earlier, later = two_items(engine, settings)
    make_account(engine, "thu", StaffRole.reviewer)
    with open_page(browser, java_script_enabled=False) as page:
        log_in_browser(page, served, "thu", f"{QUEUE}/{later}")
        assert not page.get_by_text(HINT).is_visible()
        page.check("#cau-B1_2-2")
        page.get_by_role("link", name="Bỏ qua, sang mục tiếp").click()
        page.wait_for_url(f"{served}{QUEUE}/{earlier}")


def test_axe_finds_nothing_on_the_item_with_its_shortcuts(browser, served, engine, settings):
    """At 1280 and 412 px, the hint shown and a question focused by a key: no violation; screenshots in /tmp/h12keys."""
    _, later = two_items(engine, settings)
    forget_reading(engine, later)  # every choice question asked: after a key, the focus is on the next one
    make_account(engine, "thu", StaffRole.reviewer)
    SHOTS.mkdir(exist_ok=True)
    found = {}
    with open_page(browser, 1280) as page:
        log_in_browser(page, served, "thu", f"{QUEUE}/{later}")
        for width in (1280, 412):
            if width != 1280:  # the same account, the item opened afresh at this width
                set_width(page, width)
                load_url(page, f"{served}{QUEUE}/{later}")
            page.keyboard.press("3")
            assert page.get_by_text(HINT).is_visible() and page.is_checked("#cau-B1_1-3")
            assert page.evaluate("() => document.activeElement.dataset.question") == "B1_2"
            page.screenshot(path=str(SHOTS / f"item-{width}.png"), full_page=True)
            found[width] = [violation["id"] for violation in axe_violations(page)]
            assert scroll_width(page) <= width
    assert found == {1280: [], 412: []}


def test_the_staff_pages_may_run_the_apps_own_scripts_only(client):
    """The policy of a staff page: scripts from the app itself, nothing inline, nothing from elsewhere."""
    policy = client.get(QUEUE).headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    script = client.get("/static/review-keys.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
