"""Watching the intake mailbox between polls: IMAP IDLE tells when a reply has arrived.

``watch_mailbox`` keeps a connection of its own (an ``ImapSource`` of its own: one client per
thread) waiting in IDLE on the intake folder, and calls ``on_new_mail`` when the server
announces a new message, and once after every connection (for what arrived while nothing
watched). It never takes a message: whatever ``on_new_mail`` starts (the intake job, under
its own lease) does. IDLE is issued again every ``renew`` seconds, well within the 29
minutes after which RFC 2177 lets a server end it, and the shorter silence after which
routers forget a connection. A server without IDLE is said once in the log and the watch
ends: the intake's schedule polls. A lost or refused connection is tried again after
``retry`` seconds, doubled after each failure up to ``MAX_RETRY``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..errors import MailboxError
from .imap import ImapSource

log = logging.getLogger(__name__)

RENEW_SECONDS = 10 * 60.0
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 5 * 60.0


def watch_mailbox(
    source: ImapSource,
    on_new_mail: Callable[[], None],
    stop: threading.Event,
    *,
    renew: float = RENEW_SECONDS,
    retry: float = FIRST_RETRY_SECONDS,
) -> None:
    """Watch ``source`` until ``stop`` is set, or until it turns out to offer no IDLE."""
    delay = retry
    try:
        while not stop.is_set():
            try:
                if not source.can_idle():
                    log.info("IMAP %s offers no IDLE: replies are taken in on the intake's schedule", source.where)
                    return
                log.info("IMAP %s %s: waiting in IDLE for new mail", source.where, source.settings.folder)
                on_new_mail()
                while not stop.is_set():
                    if source.wait_for_mail(renew, stop.is_set):
                        log.info("IMAP %s: new mail announced", source.where)
                        on_new_mail()
                    delay = retry
            except MailboxError as exc:
                log.warning("IMAP IDLE stopped: %s; trying again in %g s", exc, delay)
                source.close()
                stop.wait(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
    finally:
        source.close()
