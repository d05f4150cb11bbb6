"""Scanner-safe by construction: no GET or HEAD changes a row; headers; tokens never in the access log."""

from __future__ import annotations

import itertools
import logging

import pytest

from khaosat.web.server import RedactPaths, redact

from .conftest import KIOSK_KEY
from .rows import snapshot

SAFE_LINKS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 BingPreview/1.0b"  # noqa: E501


def applicant_urls(survey) -> list[str]:
    token, code = survey.token, survey.code
    return [
        f"/p/{token}",
        f"/p/{token}/xong",
        f"/huy/{token}",
        f"/K/1/{code}",
        f"/k/1/{code.lower()}",
        f"/K/1/{code}/xong",
        "/ma",
        "/",
        f"/kiosk/{KIOSK_KEY}",
        f"/kiosk/{KIOSK_KEY}/cam-on",
    ]


# More fetches of each link than the code lookups the throttle allows an address a minute (10):
# a row that changed on a repeated fetch, or past that count, shows; each request costs the same.
FETCHES = 12


def test_a_mail_scanner_fetching_every_link_changes_no_row(engine, settings, survey):
    """Every applicant URL, FETCHES times by GET and by HEAD with a scanner's user agent: the database is as it was."""
    from khaosat.web.app import create_app

    from .client import WebClient

    minutes = itertools.count(0, 61)  # a minute between tries: a scanner is never throttled here
    scanner = WebClient(create_app(settings, engine, monotonic=lambda: float(next(minutes))))
    before = snapshot(engine)
    statuses: set[int] = set()
    try:
        for _ in range(FETCHES):
            for url in applicant_urls(survey):
                for method in ("GET", "HEAD"):
                    statuses.add(scanner.request(method, url, headers={"User-Agent": SAFE_LINKS}).status_code)
    finally:
        scanner.close()
    assert statuses <= {200, 303} and 200 in statuses
    assert snapshot(engine) == before


def test_pages_send_the_security_headers(client, survey):
    for url in (f"/p/{survey.token}", "/ma", f"/huy/{survey.token}", "/p/" + "A" * 32):
        answer = client.get(url)
        headers = answer.headers
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
        assert headers["cache-control"] == "no-store" and "server" not in headers
        assert "<script" not in answer.text


def test_no_interactive_api_documentation_is_served(client):
    """FastAPI's /docs would load scripts from another site."""
    assert {client.get(path).status_code for path in ("/docs", "/redoc", "/openapi.json")} == {404}


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/p/REleDBXji5oL43hx5h6F0jsi6dSLGYBR", "/p/…"),
        ("/p/REleDBXji5oL43hx5h6F0jsi6dSLGYBR/xong?lang=en", "/p/…/xong?lang=en"),
        ("/huy/REleDBXji5oL43hx5h6F0jsi6dSLGYBR", "/huy/…"),
        ("/K/1/7KX3M9QD/xong", "/K/1/…/xong"),
        ("/k/1/7kx3-m9qd", "/k/1/…"),
        ("/kiosk/quay1-k8Jd2mQx7Lr4/phieu", "/kiosk/…/phieu"),
        ("/ma", "/ma"),
        ("/static/khaosat.css", "/static/khaosat.css"),
    ],
)
def test_the_access_log_hides_tokens_codes_and_keys(path, shown):
    assert redact(path) == shown
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', None, None)
    record.args = ("127.0.0.1:5000", "GET", path, "1.1", 200)
    RedactPaths().filter(record)
    assert record.getMessage() == f'127.0.0.1:5000 - "GET {shown} HTTP/1.1" 200'
