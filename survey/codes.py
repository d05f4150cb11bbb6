"""Survey identities: a short human code with a check character, and a long web token.

The code is 7 random Crockford base-32 symbols and a Luhn mod 32 check symbol, shown as
``XXXX-XXXX``. It has no I, L, O or U, so it survives handwriting and a phone line; the
check symbol catches every single wrong symbol and every swap of two neighbours but one
(0Z ↔ Z0, the blind spot of Luhn mod N). Neither
the code nor the token is derived from anything: both come from ``secrets``.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
BODY_LENGTH = 7


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol of ``body`` (symbols of ALPHABET)."""
    base = len(ALPHABET)
    total = 0
    factor = 2
    for symbol in reversed(body):
        addend = factor * ALPHABET.index(symbol)
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return ALPHABET[(base - total % base) % base]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_symbol(body)


def new_token() -> str:
    """A web token of 192 random bits, safe in a URL."""
    return secrets.token_urlsafe(24)


def normalise_code(text: str) -> str | None:
    """The canonical code typed or read as ``text``, or None when it is not a valid code.

    Spaces, dashes and case are ignored; I, L, O and U are read as 1, 1, 0 and V.
    """
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in cleaned):
        return None
    body, check = cleaned[:-1], cleaned[-1]
    return cleaned if check_symbol(body) == check else None


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


QR_PREFIX = "KS"  # the QR of a form printed without a web address: KS/<version>/<code>
WEB_QR_PATH = "K"  # the QR of a form printed with one: <base_url>/K/<version>/<code>
_WEB_SCHEMES = ("http:", "https:")


def qr_payload(form_version: str, code: str | None) -> str:
    """What the QR code of a form without a web link carries: ``KS/<version>/<code>``
    (upper case only, so it fits QR alphanumeric mode); a blank counter form has no code."""
    return f"{QR_PREFIX}/{form_version}/{code or ''}"


def parse_qr_payload(text: str) -> tuple[str, str | None] | None:
    """(form version, code or None) from a QR payload, or None when it is not ours.

    Two shapes are ours: ``KS/<version>/<code>``, printed before forms carried links and
    still on every form printed without ``[web] base_url``; and a link whose path ends in
    ``/K/<version>/<code>`` (``survey/links.py``), whatever its host and prefix, so a form
    stays readable after the web address changes. Scheme, host and ``K`` are read in any case.
    """
    parts = text.strip().split("/")
    if len(parts) == 3 and parts[0] == QR_PREFIX:
        version, code = parts[1], parts[2]
    elif len(parts) >= 6 and parts[0].lower() in _WEB_SCHEMES and not parts[1] and parts[-3].upper() == WEB_QR_PATH:
        version, code = parts[-2].upper(), parts[-1]
        if not code:
            return None
    else:
        return None
    if not version:
        return None
    return version, normalise_code(code) if code else None
