"""The review queue on the web: the list, one item with its evidence, every action through the review service."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlmodel import Session, col, select

from khaosat.intake.archive import archive_path
from khaosat.models import (
    Answer,
    AuditEntry,
    InboundMessage,
    Response,
    ResponseMethod,
    ReviewItem,
    ReviewState,
    StaffRole,
    Survey,
    utcnow,
)
from khaosat.review.queue import add_review
from khaosat.survey.codes import display_code
from khaosat.survey.responses import ReadAnswers, pages_held, record_answers

from ...support.browser import axe_violations, load_url, open_page, scroll_width, set_width
from ...support.survey_rows import dossiers_in_states
from .conftest import PASSWORD, csrf_of, log_in, log_in_browser, make_account

QUEUE = "/nhanvien/xem-lai"
HOSTILE = "<script>alert(1)</script> <img src=http://evil.example/x.png>"


def raw_mail() -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "nguoinop@example.vn", "khaosat@example.gov.vn", f"Phiếu {HOSTILE}"
    mail.set_content(f"Gửi lại phiếu.\n{HOSTILE}\n")
    mail.add_alternative(f"<p>Gửi lại phiếu.</p>{HOSTILE}", subtype="html")
    mail.add_attachment(b"%PDF-1.4 " + b"0" * 2000, maintype="application", subtype="pdf", filename="phieu.pdf")
    return mail.as_bytes()


def png(height: int = 60) -> bytes:
    ok, data = cv2.imencode(".png", np.full((height, 600), 255, np.uint8))
    assert ok
    return data.tobytes()


@pytest.fixture
def surveys(engine, settings):
    with Session(engine, expire_on_commit=False) as session:
        return dossiers_in_states(session, settings, "QLCN", date(2026, 3, 2), ["sent", "sent"])


def unmatched_item(engine, settings, *, raw: bytes | None = None) -> int:
    """A mailed form whose code was not read, B1_2 doubtful; its message archived, its crops kept."""
    data = raw or raw_mail()
    sha = hashlib.sha256(data).hexdigest()
    path = archive_path(sha, settings.storage.dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with Session(engine) as session:
        inbound = InboundMessage(source="imap:khaosat@example.gov.vn", sha256=sha, name="Phiếu", received_at=utcnow())
        session.add(inbound)
        session.flush()
        folder = settings.storage.dir / "evidence" / str(inbound.id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "unknown-p1-B1_2.png").write_bytes(png())
        (folder / "unknown-p1-page.png").write_bytes(png(800))
        crops = {"B1_2": str(folder / "unknown-p1-B1_2.png"), "page": str(folder / "unknown-p1-page.png")}
        details = {"code": None, "form_version": "1", "answers": {"B1_1": "4", "B1_2": None, "D1": "5"},
                   "uncertain": {"B1_2": "hai ô được đánh dấu"}, "method": "omr"}  # fmt: skip
        evidence = {"raw": str(path), "crops": crops}
        item = add_review(session, "unmatched", "Không đọc được mã phiếu", inbound_id=inbound.id,
                          source_file="scan.pdf", evidence=evidence, details=details)  # fmt: skip
        session.commit()
        assert item.id is not None
        return item.id


@pytest.fixture
def reviewer(engine, client):
    make_account(engine, "thu", StaffRole.reviewer)
    assert log_in(client, "thu").status_code == 303
    return "thu"


def audit_of(engine, item_id):
    with Session(engine) as session:
        return session.exec(select(AuditEntry).where(col(AuditEntry.target) == f"review:{item_id}")).all()


def test_the_list_shows_the_open_items_newest_first(engine, settings, client, reviewer):
    first, second = unmatched_item(engine, settings), unmatched_item(engine, settings, raw=b"From: a@b.vn\n\nx")
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert page.text.index(f"Mục {second}:") < page.text.index(f"Mục {first}:")
    assert "Không đọc được mã phiếu" in page.text and "chưa khớp phiếu" in page.text


@pytest.mark.parametrize(("role", "unit"), [(StaffRole.board, ""), (StaffRole.unit, "QLCN")])
def test_board_and_unit_accounts_are_refused(engine, settings, client, role, unit):
    item_id = unmatched_item(engine, settings)
    make_account(engine, "khac", role, unit_code=unit)
    log_in(client, "khac", PASSWORD)
    assert [client.get(url).status_code for url in (QUEUE, f"{QUEUE}/{item_id}")] == [403, 403]


def test_answers_posted_record_one_counted_reply_audited_as_the_account(engine, settings, client, surveys, reviewer):
    item_id = unmatched_item(engine, settings)
    later = unmatched_item(engine, settings, raw=b"From: a@b.vn\n\nx")
    page = client.get(f"{QUEUE}/{item_id}")
    assert 'name="cau-B1_2"' in page.text and 'id="cau-B1_2-na"' in page.text
    code = display_code(surveys[0].code)
    done = client.post(f"{QUEUE}/{item_id}/tra-loi", data={"csrf": csrf_of(page), "ma": code, "cau-B1_2": "3"})
    assert (done.status_code, done.headers["location"]) == (303, f"{QUEUE}/{later}?da={item_id}")
    with Session(engine) as session:
        responses = session.exec(select(Response).where(col(Response.survey_id) == surveys[0].id)).all()
        assert [r.counted for r in responses] == [True]
        assert session.get(ReviewItem, item_id).state == ReviewState.resolved
    (entry,) = audit_of(engine, item_id)
    assert (entry.actor, entry.action) == ("thu", "review.assign")
    assert json.loads(entry.details)["after"]["answers"]["B1_2"] == "3"


def test_reject_with_a_reason(engine, settings, client, reviewer):
    item_id = unmatched_item(engine, settings)
    token = csrf_of(client.get(f"{QUEUE}/{item_id}"))
    done = client.post(f"{QUEUE}/{item_id}/tu-choi", data={"csrf": token, "ly-do": "Thư quảng cáo"})
    assert (done.status_code, done.headers["location"]) == (303, f"{QUEUE}?da={item_id}")
    (entry,) = audit_of(engine, item_id)
    assert (entry.actor, entry.action, json.loads(entry.details)["reason"]) == ("thu", "review.reject", "Thư quảng cáo")
    refused = client.post(f"{QUEUE}/{item_id}/tu-choi", data={"csrf": token, "ly-do": "lần nữa"})
    assert refused.status_code == 422 and "đã được xử lý" in refused.text


def test_a_stray_page_is_merged_into_its_survey_s_reply(engine, settings, client, surveys, reviewer):
    """Page 2 returned apart, its code not read: "Ghép trang" with the survey's code completes the counted reply."""
    with Session(engine) as session:
        first = ReadAnswers({"B1_1": "4"}, ResponseMethod.omr, pages={1: frozenset({"B1_1"})})
        record_answers(session, session.get(Survey, surveys[0].id), first, matched_by="qr")
        details = {"code": None, "form_version": "1", "answers": {"D1": "5"}, "uncertain": {}, "method": "omr",
                   "pages": {"2": ["D1"]}}  # fmt: skip
        stray = add_review(session, "unmatched", "Không đọc được mã phiếu", source_file="trang2.jpg", details=details)
        session.commit()
        item_id = stray.id
    page = client.get(f"{QUEUE}/{item_id}")
    assert "Ghép trang vào phiếu" in page.text and 'id="ghep-ma"' in page.text
    code = display_code(surveys[0].code)
    done = client.post(f"{QUEUE}/{item_id}/ghep-trang", data={"csrf": csrf_of(page), "ma": code})
    assert done.status_code == 303, done.text
    with Session(engine) as session:
        (reply,) = session.exec(select(Response).where(col(Response.survey_id) == surveys[0].id)).all()
        answers = {a.question: a.value for a in session.exec(select(Answer).where(col(Answer.response_id) == reply.id))}
        assert reply.counted and answers == {"B1_1": "4", "D1": "5"} and sorted(pages_held(reply)) == [1, 2]
    (entry,) = audit_of(engine, item_id)
    assert (entry.actor, entry.action) == ("thu", "review.merge")


def test_a_post_without_its_csrf_token_is_refused(engine, settings, client, reviewer):
    item_id = unmatched_item(engine, settings)
    assert client.post(f"{QUEUE}/{item_id}/tu-choi", data={"ly-do": "nhầm"}).status_code == 403
    assert client.post(f"{QUEUE}/{item_id}/tu-choi", data={"csrf": "x", "ly-do": "nhầm"}).status_code == 403
    with Session(engine) as session:
        assert session.get(ReviewItem, item_id).state == ReviewState.open


def test_images_come_only_from_the_items_evidence_folder(engine, settings, client, reviewer):
    item_id = unmatched_item(engine, settings)
    (settings.storage.dir / "evidence" / "secret.png").write_bytes(png())
    image = client.get(f"{QUEUE}/{item_id}/anh/unknown-p1-B1_2.png")
    assert (image.status_code, image.headers["content-type"]) == (200, "image/png")
    assert image.headers["x-content-type-options"] == "nosniff" and image.content == png()
    for name in ("..%2Fsecret.png", "%2E%2E%2Fsecret.png", "%2E%2E", "secret.png", "..%5Csecret.png"):
        assert client.get(f"{QUEUE}/{item_id}/anh/{name}").status_code == 404, name


def test_the_raw_message_is_shown_as_escaped_text(engine, settings, client, reviewer):
    """Its script and remote image appear as text, never as tags; its files by name and size; the view audited."""
    item_id = unmatched_item(engine, settings)
    page = client.get(f"{QUEUE}/{item_id}")
    assert page.text.count("<script") == page.text.count('<script src="/static/review-keys.js" defer>') == 1
    assert "<img src=http" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "http://evil.example/x.png" in page.text
    assert "phieu.pdf (2 KB)" in page.text
    with Session(engine) as session:
        viewed = session.exec(select(AuditEntry).where(col(AuditEntry.action) == "review.message-view")).all()
    assert [entry.actor for entry in viewed] == ["thu"]


def test_axe_finds_nothing_on_the_review_pages(browser, served, engine, settings, surveys):
    """The list and an item at 1280 and 412 px: no violation, no sideways scroll; screenshots in /tmp/h12r."""
    item_id = unmatched_item(engine, settings)
    make_account(engine, "thu", StaffRole.reviewer)
    shots = Path("/tmp/h12r")
    shots.mkdir(exist_ok=True)
    found = {}
    with open_page(browser, 1280) as page:
        log_in_browser(page, served, "thu", QUEUE)
        for width in (1280, 412):
            set_width(page, width)
            for name, url in (("list", QUEUE), ("item", f"{QUEUE}/{item_id}")):
                load_url(page, f"{served}{url}")
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
                found[(name, width)] = [violation["id"] for violation in axe_violations(page)]
                assert scroll_width(page) <= width, (name, width)
    assert found == {key: [] for key in found} and len(found) == 4
