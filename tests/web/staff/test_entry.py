"""Manual entry of a paper form by its survey code: counted once, audited, refused where it must be."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import Session, col, select

from khaosat.models import Answer, AuditEntry, InboundMessage, ResponseMethod, ReviewItem, ReviewKind, StaffRole, utcnow
from khaosat.survey.codes import display_code
from khaosat.web.staff.accounts import add_account

from ...support.browser import axe_violations, open_page, scroll_width
from ..rows import answers, counted, responses
from .conftest import CHEAP, PASSWORD, csrf_of, log_in, log_in_browser, make_account

ENTRY = "/nhanvien/nhap-phieu"
SHOTS = Path("/tmp/h12e")


def unit_account(engine, name: str, unit_code: str) -> None:
    """A ``unit`` account of a unit the survey rows already made."""
    with Session(engine) as session:
        add_account(session, name, StaffRole.unit, PASSWORD, unit_code=unit_code, known_units={unit_code},
                    actor="kiểm-thử", now=utcnow(), hasher=CHEAP)  # fmt: skip
        session.commit()


def typed(client, survey, fields):
    """The survey's entry page, then its form posted with ``fields``."""
    page = client.get(f"{ENTRY}/{survey.code}")
    assert page.status_code == 200, page.text
    return client.post(f"{ENTRY}/{survey.code}", data={"csrf": csrf_of(page), **fields})


def test_a_typed_form_is_one_counted_manual_response_with_its_audit_entry(client, engine, survey):
    """Code typed any way → its form; the post stores method manual, source manual:<account>, audited."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    log_in(client, "thu-ky")
    loose = f"{survey.code[:4].lower()}{survey.code[4:]}"
    opened = client.get(ENTRY, params={"ma": loose})
    assert opened.status_code == 303 and opened.headers["location"] == f"{ENTRY}/{survey.code}"
    page = client.get(opened.headers["location"])
    assert "HS-2026-0001" in page.text and "Phòng Quản lý chuyên ngành" in page.text
    assert 'name="D1" value="5"' in page.text and "nguoinop@example.vn" not in page.text
    sent = typed(client, survey, answers(B1_1="2", E1="Chờ hơi lâu"))
    assert sent.status_code == 303 and sent.headers["location"] == f"{ENTRY}?xong={survey.code}&kq=counted"
    assert (
        f"Phiếu {display_code(survey.code)} đã được lưu và tính vào kết quả"
        in client.get(sent.headers["location"]).text
    )
    [reply] = counted(engine, survey)
    with Session(engine) as session:
        rows = session.exec(select(AuditEntry).where(col(AuditEntry.action) == "manual-entry")).all()
        inbound = session.get(InboundMessage, reply.inbound_id)
    assert (reply.method, reply.matched_by, reply.comment) == (ResponseMethod.manual, "code", "Chờ hơi lâu")
    assert inbound is not None and inbound.source == "manual:thu-ky"
    assert [(row.actor, row.target, json.loads(row.details)["outcome"]) for row in rows] == [
        ("thu-ky", f"survey:{survey.code}", "counted")
    ]


def test_the_answers_stored_are_the_ones_typed(client, engine, survey):
    """Each radio chosen is the stored answer of its question; a blank one is stored as blank."""
    make_account(engine, "thu-ky", StaffRole.admin)
    log_in(client, "thu-ky")
    given = answers(B1_1="1", B2_3="3")
    del given["B5_3"]
    typed(client, survey, given)
    [reply] = counted(engine, survey)
    with Session(engine) as session:
        rows = session.exec(select(Answer).where(col(Answer.response_id) == reply.id)).all()
    stored = {row.question: row.value for row in rows}
    assert (stored["B1_1"], stored["B2_3"], stored["D1"], stored["B5_3"]) == ("1", "3", "5", None)


def test_the_same_form_typed_twice_counts_once(client, engine, settings, survey):
    """A second clerk typing the same answers is a duplicate; the same clerk again stores nothing new."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    make_account(engine, "thu-ky-hai", StaffRole.reviewer)
    log_in(client, "thu-ky")
    assert typed(client, survey, answers()).headers["location"].endswith("kq=counted")
    assert typed(client, survey, answers()).headers["location"].endswith("kq=repeat")
    client.client.cookies.clear()
    log_in(client, "thu-ky-hai")
    assert typed(client, survey, answers()).headers["location"].endswith("kq=duplicate")
    stored = responses(engine, survey)
    assert [(reply.counted, reply.duplicate_of, reply.conflicting) for reply in stored] == [
        (True, None, False),
        (False, stored[0].id, False),
    ]


def test_different_answers_typed_later_go_to_review(client, engine, survey):
    """Under the paper rules: the first still counts, the conflict waits in the review queue."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    log_in(client, "thu-ky")
    typed(client, survey, answers())
    assert typed(client, survey, answers(D1="1")).headers["location"].endswith("kq=conflict")
    first, second = responses(engine, survey)
    assert (first.counted, second.counted, second.conflicting) == (True, False, True)
    with Session(engine) as session:
        [item] = session.exec(select(ReviewItem)).all()
    assert (item.kind, item.response_id) == (ReviewKind.conflict, second.id)


def test_a_unit_account_enters_only_its_own_units_forms(client, engine, survey):
    """Another unit's survey is 403 to see and to post; its own unit's opens."""
    make_account(engine, "don-vi-khac", StaffRole.unit, unit_code="KHAC")
    log_in(client, "don-vi-khac")
    assert client.get(f"{ENTRY}/{survey.code}").status_code == 403
    token = csrf_of(client.get("/nhanvien/"))  # the logout form carries the session's token
    refused = client.post(f"{ENTRY}/{survey.code}", data={"csrf": token, **answers()})
    assert refused.status_code == 403 and responses(engine, survey) == []
    client.client.cookies.clear()
    unit_account(engine, "qlcn", "QLCN")
    log_in(client, "qlcn")
    assert typed(client, survey, answers()).status_code == 303
    assert len(counted(engine, survey)) == 1


def test_a_board_account_cannot_enter_forms(client, engine, survey):
    make_account(engine, "ban-iso", StaffRole.board)
    log_in(client, "ban-iso")
    assert client.get(ENTRY).status_code == 403


def test_a_wrong_code_is_said_so_in_vietnamese(client, engine, survey):
    """A wrong check symbol in the box or in the address: 422 with the message; an unknown valid code: 404."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    log_in(client, "thu-ky")
    wrong = survey.code[:-1] + ("0" if survey.code[-1] != "0" else "1")
    for page in (client.get(ENTRY, params={"ma": wrong}), client.get(f"{ENTRY}/{wrong}")):
        assert page.status_code == 422
        assert "ký tự cuối là ký tự kiểm tra" in page.text and 'aria-describedby="ma-error"' in page.text
    unknown = client.get(f"{ENTRY}/7K3MQ9XJ")
    assert unknown.status_code == 404 and "Không tìm thấy phiếu" in unknown.text


def test_a_post_without_the_csrf_token_stores_nothing(client, engine, survey):
    make_account(engine, "thu-ky", StaffRole.reviewer)
    log_in(client, "thu-ky")
    for token in ({}, {"csrf": "khong-dung"}):
        refused = client.post(f"{ENTRY}/{survey.code}", data={**token, **answers()})
        assert refused.status_code == 403
    assert responses(engine, survey) == []


def test_a_form_missing_the_overall_answer_is_shown_again(client, engine, survey):
    """As on the web form, the overall satisfaction is needed: 422, the typed radios kept, nothing stored."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    log_in(client, "thu-ky")
    given = answers(B1_1="2")
    del given["D1"]
    again = typed(client, survey, given)
    assert again.status_code == 422 and 'href="#q-D1"' in again.text
    assert re.search(r'name="B1_1" value="2" checked', again.text)
    assert responses(engine, survey) == []


def test_axe_finds_nothing_on_the_entry_pages(browser, served, engine, survey):
    """At 412 px: the code box with its error, the form with its error, the notice; no sideways scroll; screenshots."""
    make_account(engine, "thu-ky", StaffRole.reviewer)
    SHOTS.mkdir(parents=True, exist_ok=True)
    found, width = {}, 412
    wrong = survey.code[:-1] + ("0" if survey.code[-1] != "0" else "1")
    with open_page(browser, width) as page:
        log_in_browser(page, served, "thu-ky", ENTRY)
        for state, code in [
            ("wrong-code", wrong),
            ("form", survey.code),
        ]:
            page.fill("#ma", code)
            page.get_by_role("button", name="Mở phiếu").click()
            page.wait_for_load_state("load")
            if state == "wrong-code":  # the form itself is checked below, with its error summary
                found[state] = [violation["id"] for violation in axe_violations(page)]
            assert scroll_width(page) <= width, state
            page.screenshot(path=str(SHOTS / f"phone-412-{state}.png"), full_page=False)
            if state == "wrong-code":
                page.fill("#ma", "")
        page.check("#q-B1_1-1")
        page.get_by_role("button", name="Lưu phiếu").click()
        page.wait_for_load_state("load")
        found["form-error"] = [violation["id"] for violation in axe_violations(page)]
        page.screenshot(path=str(SHOTS / "phone-412-form-error.png"), full_page=False)
        page.check("#q-D1")
        page.get_by_role("button", name="Lưu phiếu").click()
        page.wait_for_load_state("load")
        assert page.get_by_text("đã được lưu và tính vào kết quả").first.is_visible()
        found["saved"] = [violation["id"] for violation in axe_violations(page)]
        page.screenshot(path=str(SHOTS / "phone-412-saved.png"), full_page=False)
    assert found == {"wrong-code": [], "form-error": [], "saved": []}
    assert len(counted(engine, survey)) == 1
