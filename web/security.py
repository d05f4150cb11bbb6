"""The web app's defences that are not about surveys: CSRF tokens, response headers, kiosk keys.

A form's CSRF token is an HMAC of the survey's identity under ``[web] secret_env``'s key:
bound to that survey, it cannot be made for another one nor by another site, and needs no
cookie or server state. Pages send a strict Content-Security-Policy (nothing from another
origin; no script on the applicant's pages, only the app's own files on the kiosk's and the
staff's), no Referer (the address holds the token), and are never stored by the browser or
a cache.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

from pydantic import SecretStr

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SCRIPT_POLICY = PAGE_POLICY + "; script-src 'self'"  # the kiosk's and the staff pages' own files
PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
NO_STORE = "no-store"
STATIC_CACHE = "public, max-age=86400"


def csrf_token(secret: SecretStr, survey_code: str, survey_token: str) -> str:
    """The token every form about this survey carries back."""
    message = f"khaosat-form:{survey_code}:{survey_token}".encode()
    digest = hmac.new(secret.get_secret_value().encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def csrf_valid(secret: SecretStr, survey_code: str, survey_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(secret, survey_code, survey_token), given)


def kiosk_device(kiosks: Mapping[str, SecretStr], key: str) -> str | None:
    """The device whose key is ``key``, compared in constant time; None for any other key."""
    found = None
    for device, secret in kiosks.items():
        if hmac.compare_digest(secret.get_secret_value().encode(), key.encode()):
            found = device
    return found
