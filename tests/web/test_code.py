"""The printed code: typed at /ma in any way, or opened from the QR's /K/<version>/<CODE>; throttled."""

from __future__ import annotations

from khaosat.web.app import create_app

from .client import WebClient
from .rows import answers, hidden_fields, inbound_of, responses


def test_the_code_typed_in_any_way_opens_the_form(client, survey):
    """Lower case, without the hyphen, with spaces, with a confusable letter: the QR's address."""
    code = survey.code
    typed = [code, code.lower(), f"{code[:4]}-{code[4:]}", f" {code[:4].lower()} {code[4:]} ", code.replace("1", "l")]
    for text in typed:
        answer = client.post("/ma", data={"ma": text})
        assert answer.status_code == 303, text
        assert answer.headers["location"] == f"/K/1/{code}"
    english = client.post("/ma?lang=en", data={"ma": code})
    assert english.headers["location"] == f"/K/1/{code}?lang=en"


def test_a_wrong_code_says_so_next_to_the_field(client, survey):
    wrong = survey.code[:-1] + ("0" if survey.code[-1] != "0" else "1")
    answer = client.post("/ma", data={"ma": wrong})
    assert answer.status_code == 422 and "<title>Lỗi: " in answer.text and 'href="#ma"' in answer.text
    assert client.post("/ma", data={"ma": "  "}).status_code == 422
    assert client.get("/ma").status_code == 200 and client.get("/").status_code == 200


def test_the_qr_address_opens_the_same_form_in_any_case(client, engine, survey):
    """/K and /k, the code in any case: the form; a reply there is matched by code, its answers not shown back."""
    for path in (f"/K/1/{survey.code}", f"/k/1/{survey.code.lower()}", f"/K/1/{survey.code[:4]}-{survey.code[4:]}"):
        page = client.get(path)
        assert page.status_code == 200 and 'name="D1"' in page.text, path
        assert f'action="/K/1/{survey.code}"' in page.text
    page = client.get(f"/k/1/{survey.code.lower()}")
    sent = client.post(f"/k/1/{survey.code.lower()}", data={**hidden_fields(page.text), **answers(E1="Tốt")})
    assert sent.status_code == 303 and sent.headers["location"] == f"/K/1/{survey.code}/xong"
    done = client.get(sent.headers["location"])
    assert "Đã nhận phiếu khảo sát" in done.text and "Tốt" not in done.text
    [response] = responses(engine, survey)
    assert response.counted and response.matched_by == "code" and inbound_of(engine, response).source == "web"


def test_code_lookups_are_throttled_per_address(settings, engine, survey):
    """Ten lookups a minute from one address, then 429 with Retry-After; another address still gets in."""
    now = [0.0]
    app = create_app(settings, engine, monotonic=lambda: now[0])
    one, other = WebClient(app, "198.51.100.1"), WebClient(app, "198.51.100.2")
    try:
        tries = [one.post("/ma", data={"ma": "ABCD-EFGH"}).status_code for _ in range(5)]
        tries += [one.get(f"/K/1/{survey.code}").status_code for _ in range(5)]
        assert tries == [422] * 5 + [200] * 5
        refused = one.post("/ma", data={"ma": survey.code})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert one.get(f"/K/1/{survey.code}").status_code == 429
        assert other.post("/ma", data={"ma": survey.code}).status_code == 303
        now[0] = 61.0
        assert one.post("/ma", data={"ma": survey.code}).status_code == 303
    finally:
        one.close()
        other.close()
