"""Stopping reminders: a page with a button, and RFC 8058 one-click posts from mail clients."""

from __future__ import annotations

from sqlmodel import Session, select

from khaosat.models import AuditEntry

from .conftest import new_survey
from .rows import reload


def test_the_page_only_shows_a_button(client, engine, survey):
    page = client.get(f"/huy/{survey.token}")
    assert page.status_code == 200 and 'method="post"' in page.text and "Ngừng nhận thư nhắc" in page.text
    assert reload(engine, survey).opted_out_at is None


def test_the_button_stops_the_reminders(client, engine, survey):
    """The post opts out through the survey's lifecycle, logs it once, and redirects to the page, now saying so."""
    answer = client.post(f"/huy/{survey.token}", data={})
    assert answer.status_code == 303 and answer.headers["location"] == f"/huy/{survey.token}"
    assert reload(engine, survey).opted_out_at is not None
    assert "sẽ không nhận thêm thư nhắc" in client.get(f"/huy/{survey.token}").text
    client.post(f"/huy/{survey.token}", data={})
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "opt-out")).all()
    assert [entry.target for entry in entries] == [f"survey:{survey.code}"]


def test_a_one_click_post_needs_no_csrf_token_and_is_not_redirected(client, engine, settings, survey):
    """RFC 8058: ``List-Unsubscribe=One-Click``, form-encoded or multipart, answered 200 without a redirect."""
    answer = client.post(f"/huy/{survey.token}", data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and reload(engine, survey).opted_out_at is not None
    other = new_survey(engine, settings, "HS-2026-0002")
    multipart = client.post(f"/huy/{other.token}", files={"List-Unsubscribe": (None, "One-Click")})
    assert multipart.status_code == 200 and reload(engine, other).opted_out_at is not None
