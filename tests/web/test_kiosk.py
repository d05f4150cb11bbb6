"""The counter kiosk: a device's key in its address, code or QR or dossier code, large type, replies tagged."""

from __future__ import annotations

from .conftest import KIOSK_KEY
from .rows import answers, hidden_fields, inbound_of, responses

HOME = f"/kiosk/{KIOSK_KEY}"


def test_only_a_configured_key_opens_the_kiosk(client):
    assert client.get(HOME).status_code == 200
    for key in ("sai-khoa", KIOSK_KEY[:-1], "KIOSK_ENV"):
        assert client.get(f"/kiosk/{key}").status_code == 404
    assert client.post(f"/kiosk/{'x' * 20}/phieu", data=answers()).status_code == 404


def test_a_reply_at_the_kiosk_is_tagged_with_its_device(client, engine, survey):
    """Start, code entered, the form in large type, thanks page back to the start; the reply names the device."""
    start = client.get(HOME)
    assert 'class="kiosk"' in start.text and "autofocus" in start.text and "set-cookie" not in start.headers
    form = client.post(HOME, data={"ma": survey.code.lower()})
    assert form.status_code == 200 and 'name="D1"' in form.text and survey.code not in form.headers.get("location", "")
    assert f'action="{HOME}/phieu"' in form.text and 'class="kiosk"' in form.text
    sent = client.post(f"{HOME}/phieu", data={**hidden_fields(form.text), **answers()})
    assert sent.status_code == 303 and sent.headers["location"] == f"{HOME}/cam-on"
    thanks = client.get(sent.headers["location"])
    assert f'content="10;url={HOME}"' in thanks.text and 'data-idle="10"' in thanks.text
    [response] = responses(engine, survey)
    assert response.counted and inbound_of(engine, response).source == "kiosk:quay-1"
    assert all("set-cookie" not in page.headers for page in (start, form, sent, thanks))


def test_the_kiosk_takes_the_forms_qr_and_the_dossier_code(client, survey):
    for typed in (f"https://khaosat.example.gov.vn/K/1/{survey.code}", f"KS/1/{survey.code}", "HS-2026-0001"):
        page = client.post(HOME, data={"ma": typed})
        assert page.status_code == 200 and 'name="D1"' in page.text, typed
    unknown = client.post(HOME, data={"ma": "HS-KHONG-CO"})
    assert unknown.status_code == 422 and "<title>Lỗi: " in unknown.text


def test_kiosk_pages_go_back_to_the_start(client, survey):
    """A short idle timer with JavaScript; without it a refresh, later on the form so as not to cut it short."""
    form = client.post(HOME, data={"ma": survey.code})
    assert f'data-home="{HOME}" data-idle="60"' in form.text and f'content="600;url={HOME}"' in form.text
    assert f'content="60;url={HOME}"' in client.get(HOME).text
    assert "script-src 'self'" in form.headers["content-security-policy"]
    assert client.get("/static/kiosk.js").status_code == 200
