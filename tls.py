"""The TLS context of a client connection (SMTP, IMAP): verified unless configured otherwise."""

from __future__ import annotations

import ssl


def client_tls_context(*, verify: bool, ca_file: str) -> ssl.SSLContext:
    """System CAs (or ``ca_file`` for a private CA); no verification only when asked for."""
    context = ssl.create_default_context(cafile=ca_file or None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
