"""The addresses of the web channel, built from ``[web] base_url`` ("": there is no web channel).

``web/`` serves them; everything else builds them here and nowhere else:

- ``<base>/p/<token>``: the form of one survey (the link in the invitation and the reminders);
- ``<base>/huy/<token>``: its opt-out page, a button (POST), which also takes the RFC 8058
  one-click POST that a mail client sends for a ``List-Unsubscribe-Post`` header;
- ``<base>/K/<version>/<CODE>``: what the printed form's QR opens (``K`` and the code are
  accepted in any case);
- ``<base>/ma``: where the code printed on a form is typed.

Links in emails carry the survey's web token (192 random bits), which nobody can guess from
the printed code. The QR carries the code instead: it is printed beside it anyway, the
reader needs it from a fax, and the web app asks for nothing more before showing the form.
"""

from __future__ import annotations

from .codes import WEB_QR_PATH

MAX_QR_LINK = 80  # characters: a QR that a phone opens and a standard fax still reads
FORM_PATH = "p"
OPT_OUT_PATH = "huy"
CODE_ENTRY_PATH = "ma"


def _base(base_url: str) -> str:
    return base_url.strip().rstrip("/")


def form_link(base_url: str, token: str) -> str:
    """The survey's own form, or "" without a web channel."""
    return f"{_base(base_url)}/{FORM_PATH}/{token}" if base_url.strip() else ""


def opt_out_link(base_url: str, token: str) -> str:
    """The survey's opt-out page (no more reminders), or "" without a web channel."""
    return f"{_base(base_url)}/{OPT_OUT_PATH}/{token}" if base_url.strip() else ""


def code_entry_link(base_url: str) -> str:
    """The page where a printed code is typed, or "" without a web channel."""
    return f"{_base(base_url)}/{CODE_ENTRY_PATH}" if base_url.strip() else ""


def qr_link(base_url: str, form_version: str, code: str) -> str:
    """What the QR of a printed form carries: ``HTTPS://HOST[/prefix]/K/<version>/<CODE>``.

    The scheme and the host are upper-cased (both are case-insensitive), so that with the
    upper-case version and code they fit QR alphanumeric mode, 5.5 bits a character
    against 8. A path prefix keeps its case: the proxy in front of the app matches it
    case-sensitively (an nginx ``location /khaosat/`` does not match ``/KHAOSAT/``), so
    it goes into the QR in byte mode (``symbols.link_matrix``).
    """
    scheme, _, rest = _base(base_url).partition("://")
    host, slash, prefix = rest.partition("/")
    return f"{scheme.upper()}://{host.upper()}{slash}{prefix}/{WEB_QR_PATH}/{form_version}/{code}"
