"""The online form by link: the paper's questionnaire, a reply counted once, changes kept as versions."""

from __future__ import annotations

import gzip
import html
import json
import re
from datetime import date

from sqlmodel import Session, col, select

from khaosat.intake.archive import archive_files, archive_path
from khaosat.models import ResponseMethod, RoundCount
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.responses import ReadAnswers, record_answers

from .conftest import new_survey
from .rows import answers, counted, hidden_fields, inbound_of, reload, responses


def post_form(client, url, page_html, fields):
    return client.post(url, data={**hidden_fields(page_html), **fields})


def returned(engine, survey) -> int:
    with Session(engine) as session:
        rows = session.exec(select(RoundCount).where(col(RoundCount.round_id) == survey.round_id)).all()
        return sum(row.returned for row in rows)


def test_the_form_is_the_paper_questionnaire_without_contact_data(client, survey):
    """Every section, question and option of the data file; the dossier's code, procedure and unit; no contacts."""
    page = client.get(f"/p/{survey.token}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    questionnaire = load_questionnaire()
    for section in questionnaire.sections:
        assert section.title in text
        for question in section.questions:
            assert question.text in text
            for option in question.options:
                assert f'name="{question.code}" value="{option.value}"' in text
    assert "HS-2026-0001" in text and "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ" in text
    assert "Phòng Quản lý chuyên ngành" in text and f"{survey.code[:4]}-{survey.code[4:]}" in text
    for contact in ("nguoinop@example.vn", "0912345678", "5 Lê Lợi", "Ánh Dương"):
        assert contact not in text
    assert '<html lang="vi">' in text and "<fieldset" in text and "<legend>" in text
    english = client.get(f"/p/{survey.token}?lang=en")
    assert '<html lang="en">' in english.text and "Send the form" in english.text
    assert f'href="/p/{survey.token}?lang=en"' in page.text


def test_a_reply_is_stored_like_a_paper_one_and_confirmed(client, engine, settings, survey):
    """Post, redirect, confirmation; one counted web response, its raw post archived, the audit reconciles."""
    page = client.get(f"/p/{survey.token}")
    sent = post_form(client, f"/p/{survey.token}", page.text, answers(E1="Nhân viên rất nhiệt tình."))
    assert sent.status_code == 303 and sent.headers["location"] == f"/p/{survey.token}/xong"
    done = client.get(sent.headers["location"])
    assert (
        done.status_code == 200 and "Đã nhận phiếu khảo sát" in done.text and "Nhân viên rất nhiệt tình." in done.text
    )
    [response] = responses(engine, survey)
    assert response.counted and response.method is ResponseMethod.web and response.matched_by == "token"
    assert response.comment == "Nhân viên rất nhiệt tình."
    inbound = inbound_of(engine, response)
    assert inbound.source == "web" and inbound.state.value == "processed"
    raw = json.loads(archive_path(inbound.sha256, settings.storage.dir).read_bytes())
    assert raw["survey"] == survey.code and raw["fields"]["D1"] == "5" and "_csrf" not in raw["fields"]
    assert reload(engine, survey).responded and returned(engine, survey) == 1
    from khaosat.reports.audit import audit

    with Session(engine) as session:
        assert audit(session, settings, raw_path=archive_files(settings.storage.dir)).ok


def test_a_missing_answer_shows_the_error_summary_linked_to_it(client, engine, survey):
    """The overall question is required: 422, "Lỗi: " in the title, the summary links to its first box."""
    page = client.get(f"/p/{survey.token}")
    given = answers(B1_1="3")
    del given["D1"]
    refused = post_form(client, f"/p/{survey.token}", page.text, given)
    assert refused.status_code == 422
    assert re.search(r"<title>Lỗi: ", refused.text)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', refused.text, re.S)
    assert summary is not None and 'href="#q-D1"' in summary.group(1)
    assert 'id="q-D1" name="D1"' in refused.text and 'aria-describedby="q-D1-error"' in refused.text
    assert 'id="q-B1_1-2" name="B1_1" value="3" checked' in refused.text  # what was given stays given
    wrong = post_form(client, f"/p/{survey.token}", page.text, answers(C1="7"))
    assert wrong.status_code == 422 and 'href="#q-C1"' in wrong.text
    assert responses(engine, survey) == []


def test_changes_are_versions_and_count_once(client, engine, survey):
    """A changed reply is a new version that counts instead of the first; the survey is returned once."""
    url = f"/p/{survey.token}"
    first = client.get(url)
    assert post_form(client, url, first.text, answers(D1="3")).status_code == 303
    again = client.get(url)
    assert 'id="q-D1-2" name="D1" value="3" checked' in again.text and "đã trả lời phiếu này trực tuyến" in again.text
    assert post_form(client, url, again.text, answers(D1="5")).status_code == 303
    older, newer = responses(engine, survey)
    assert (older.counted, newer.counted, newer.duplicate_of, newer.conflicting) == (False, True, older.id, False)
    assert returned(engine, survey) == 1


def test_double_submit_and_replayed_post_leave_one_response(client, engine, survey):
    """The same post twice (a double click, a replay, back and send again) is stored once."""
    url = f"/p/{survey.token}"
    page = client.get(url)
    body = {**hidden_fields(page.text), **answers()}
    assert [client.post(url, data=body).status_code for _ in range(3)] == [303, 303, 303]
    assert len(responses(engine, survey)) == 1 and len(counted(engine, survey)) == 1
    assert returned(engine, survey) == 1


def test_two_tabs_leave_one_counted_response(client, engine, survey):
    """Two tabs opened before either was sent: the second sent counts, the first is kept, one counts."""
    url = f"/p/{survey.token}"
    tab_one, tab_two = client.get(url), client.get(url)
    assert post_form(client, url, tab_one.text, answers(D1="2")).status_code == 303
    assert post_form(client, url, tab_two.text, answers(D1="4")).status_code == 303
    assert post_form(client, url, tab_two.text, answers(D1="4")).status_code == 303  # back, send again
    [first, second] = responses(engine, survey)
    assert (first.counted, second.counted) == (False, True) and returned(engine, survey) == 1


def test_web_paper_and_pdf_replies_count_once(client, engine, survey):
    """The same survey answered on the web, on paper and in the PDF: one counted reply, returned once."""
    url = f"/p/{survey.token}"
    assert post_form(client, url, client.get(url).text, answers()).status_code == 303
    with Session(engine, expire_on_commit=False) as session:
        row = reload(engine, survey)
        session.add(row)
        paper = ReadAnswers(answers={**answers(), "F1": None, "F2": None, "F3": None}, method=ResponseMethod.omr)
        record_answers(session, row, paper, matched_by="qr")
        pdf = ReadAnswers(answers={**paper.answers, "D1": "1"}, method=ResponseMethod.acroform)
        record_answers(session, row, pdf, matched_by="field")
        session.commit()
    stored = responses(engine, survey)
    assert [response.method for response in stored] == [ResponseMethod.web, ResponseMethod.omr, ResponseMethod.acroform]
    assert [response.counted for response in stored] == [True, False, False]
    assert stored[1].duplicate_of == stored[0].id and not stored[1].conflicting  # the same answers: a duplicate
    assert stored[2].conflicting  # different ones: for a person to settle, the first still counts
    assert returned(engine, survey) == 1


def test_a_survey_answered_on_paper_shows_it_and_can_be_changed(client, engine, survey):
    """The link shows the paper's answers checked; the printed code only says the survey was answered."""
    with Session(engine, expire_on_commit=False) as session:
        row = reload(engine, survey)
        session.add(row)
        record_answers(
            session, row, ReadAnswers(answers={"D1": "2", "C1": "1"}, method=ResponseMethod.omr), matched_by="qr"
        )
        session.commit()
    by_link = client.get(f"/p/{survey.token}")
    assert "đã được trả lời bằng phiếu giấy" in by_link.text
    assert 'value="2" checked' in by_link.text and "Gửi câu trả lời đã sửa" in by_link.text
    by_code = client.get(f"/K/1/{survey.code}")
    assert "đã được trả lời bằng phiếu giấy" in by_code.text and " checked" not in by_code.text
    assert post_form(client, f"/p/{survey.token}", by_link.text, answers(D1="4")).status_code == 303
    paper, web = responses(engine, survey)
    assert (paper.counted, web.counted, web.method) == (False, True, ResponseMethod.web)
    assert returned(engine, survey) == 1


def test_a_post_without_the_surveys_csrf_token_stores_nothing(client, engine, settings, survey):
    """No token, a wrong one, or another survey's: 400, the form again, nothing stored."""
    other = new_survey(engine, settings, "HS-2026-0002")
    other_token = hidden_fields(client.get(f"/p/{other.token}").text)["_csrf"]
    url = f"/p/{survey.token}"
    for token in (None, "x" * 32, other_token):
        body = answers() | ({"_csrf": token} if token else {})
        refused = client.post(url, data=body)
        assert refused.status_code == 400 and "<title>Lỗi: " in refused.text and "hết hạn" in refused.text
    assert responses(engine, survey) == []


def test_unknown_and_closed_tokens_get_the_same_answer(client, engine, settings, survey):
    """An unknown token and a token of a closed round: the same 404 page, byte for byte."""
    closed = new_survey(engine, settings, "HS-2024-0009", received_on=date(2024, 3, 4))
    unknown = "A" * 32
    for path in ("/p/{}", "/p/{}/xong", "/huy/{}"):
        pages = [client.get(path.format(token)) for token in (unknown, closed.token, "ngắn")]
        assert {page.status_code for page in pages} == {404}
        assert len({page.content for page in pages}) == 1
    posts = [client.post(f"/p/{token}", data=answers()) for token in (unknown, closed.token)]
    assert {post.status_code for post in posts} == {404} and posts[0].content == posts[1].content
    refused = client.post(f"/huy/{closed.token}", data={"List-Unsubscribe": "One-Click"})
    assert refused.status_code == 404 and reload(engine, closed).opted_out_at is None
    assert client.get(f"/K/1/{closed.code}").content == pages[0].content


def test_the_page_weighs_little(client, survey):
    """The form with its stylesheet, compressed, stays far under 60 KB; nothing comes from another site."""
    page = client.get(f"/p/{survey.token}")
    css = client.get("/static/khaosat.css")
    assert css.status_code == 200 and "public" in css.headers["cache-control"]
    assert len(gzip.compress(page.content)) + len(gzip.compress(css.content)) < 60 * 1024
    assert not re.search(r'(src|href|action)="(https?:)?//', page.text)
