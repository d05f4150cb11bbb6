"""The web channel's addresses (survey/links.py) and the [web] base_url they are built from."""

from __future__ import annotations

import pytest

from khaosat.errors import ConfigError
from khaosat.settings import MAX_BASE_URL
from khaosat.survey.codes import new_code, new_token, parse_qr_payload
from khaosat.survey.links import MAX_QR_LINK, code_entry_link, form_link, opt_out_link, qr_link
from khaosat.survey.symbols import QR_ALPHANUMERIC, link_segments

from ..support.settings import make_settings

BASE = "https://khaosat.skhcn.example.gov.vn"


def test_links_follow_the_url_contract():
    """/p/<token> the form, /huy/<token> the opt-out page, /ma the code entry, under the base."""
    token = new_token()
    assert form_link(BASE, token) == f"{BASE}/p/{token}"
    assert opt_out_link(BASE, token) == f"{BASE}/huy/{token}"
    assert code_entry_link(BASE) == f"{BASE}/ma"
    assert form_link(f"{BASE}/khaosat/", token) == f"{BASE}/khaosat/p/{token}"


def test_no_base_url_no_links():
    token = new_token()
    assert (form_link("", token), opt_out_link(" ", token), code_entry_link("")) == ("", "", "")


def test_the_qr_link_is_upper_case_but_for_the_prefix():
    """Scheme and host upper-cased (alphanumeric mode), the path prefix kept as written, the tail
    /K/<version>/<CODE>; the reader gets version and code back from it."""
    code = new_code()
    assert qr_link(BASE, "2", code) == f"HTTPS://KHAOSAT.SKHCN.EXAMPLE.GOV.VN/K/2/{code}"
    prefixed = qr_link("https://skhcn.example.gov.vn/KhaoSat", "2", code)
    assert prefixed == f"HTTPS://SKHCN.EXAMPLE.GOV.VN/KhaoSat/K/2/{code}"
    assert parse_qr_payload(prefixed) == ("2", code)
    assert qr_link("http://10.1.2.3:8080", "2026-DEPT-01", code) == f"HTTP://10.1.2.3:8080/K/2026-DEPT-01/{code}"


def test_only_a_prefix_goes_into_byte_mode():
    """The QR segments: alphanumeric runs as such, the lower-case prefix (and the '/' inside it) as bytes."""
    code = new_code()
    segments = link_segments(qr_link("https://skhcn.example.gov.vn/khao-sat", "2", code))
    assert segments == ["HTTPS://SKHCN.EXAMPLE.GOV.VN/", "khao-sat", f"/K/2/{code}"]
    assert link_segments(qr_link(BASE, "2", code)) == [qr_link(BASE, "2", code)]
    assert all(char in QR_ALPHANUMERIC for char in segments[0] + segments[2])


def test_the_longest_accepted_base_url_makes_an_80_character_link():
    base = "https://" + "k" * (MAX_BASE_URL - len("https://"))
    assert len(qr_link(base, "X" * 12, new_code())) == MAX_QR_LINK


@pytest.mark.parametrize(
    ("given", "kept"),
    [("", ""), (f"  {BASE}/ ", BASE), ("http://10.1.2.3:8080/khaosat/", "http://10.1.2.3:8080/khaosat")],
)
def test_base_url_is_kept_without_its_trailing_slash(tmp_path, given, kept):
    assert make_settings(tmp_path, web={"base_url": given}).web.base_url == kept


@pytest.mark.parametrize(
    "wrong",
    [
        "khaosat.skhcn.example.gov.vn",  # no scheme
        "ftp://khaosat.example.gov.vn",
        "https://",
        "https://user@khaosat.example.gov.vn",
        "https://khaosat.example.gov.vn/?lang=vi",
        "https://khaosat.example.gov.vn/#form",
        "https://" + "k" * MAX_BASE_URL,  # too long for the QR
    ],
)
def test_a_base_url_that_cannot_make_links_stops_the_start(tmp_path, wrong):
    with pytest.raises(ConfigError, match="base_url"):
        make_settings(tmp_path, web={"base_url": wrong})
