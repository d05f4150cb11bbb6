"""Waiting in IMAP IDLE against a real Dovecot: new mail announced, IDLE renewed, reconnects, no IDLE."""

# ruff: noqa: F811  (the Dovecot fixtures are imported from tests/support/dovecot.py, then named as arguments)

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from khaosat.intake.idle import watch_mailbox
from khaosat.intake.imap import ImapSource

from ..support.dovecot import Dovecot, User, dovecot, free_port, imap_user, message  # noqa: F401
from ..support.processes import wait_for


class CountingSource(ImapSource):
    """The real source, counting its connection attempts and its waits in IDLE (each one issues IDLE anew)."""

    waits = attempts = 0

    def can_idle(self) -> bool:
        self.attempts += 1
        return super().can_idle()

    def wait_for_mail(self, seconds: float, should_stop: Callable[[], bool] = lambda: False) -> bool:
        self.waits += 1
        return super().wait_for_mail(seconds, should_stop)


class Watch:
    """``watch_mailbox`` in a thread, counting the times it said new mail may be there."""

    def __init__(self, source: ImapSource, **options: float) -> None:
        self.source, self.calls, self.stop = source, 0, threading.Event()
        self.thread = threading.Thread(target=watch_mailbox, args=(source, self._count, self.stop), kwargs=options)

    def _count(self) -> None:
        self.calls += 1

    def __enter__(self) -> Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


@pytest.fixture
def make_source(dovecot: Dovecot, imap_user: User) -> Iterator[Callable[..., CountingSource]]:
    sources: list[ImapSource] = []

    def make(capabilities: set[str] | None = None) -> CountingSource:
        source = CountingSource(dovecot.settings(imap_user), imap_user.password, capabilities=capabilities)
        sources.append(source)
        return source

    yield make
    for source in sources:
        source.close()


def test_wait_for_mail_returns_true_when_a_message_arrives(dovecot, imap_user, make_source):
    """Nothing arrives: False after the time given; a message appended meanwhile: True, long before it."""
    source = make_source()
    assert source.wait_for_mail(0.3) is False
    appender = threading.Timer(0.2, dovecot.append, args=(imap_user, "INBOX", message()))
    appender.start()
    try:
        assert source.wait_for_mail(30) is True
    finally:
        appender.join()
    assert len(dovecot.messages(imap_user, "INBOX")) == 1  # announced, not taken


def test_new_mail_is_announced_at_once_and_after_each_connection(dovecot, imap_user, make_source):
    """Once when the watch connects (what came meanwhile), then once per message appended."""
    with Watch(make_source()) as watch:
        wait_for(lambda: watch.calls == 1 and watch.source.waits >= 1)
        dovecot.append(imap_user, "INBOX", message("Phiếu thứ nhất"))
        wait_for(lambda: watch.calls == 2)
        dovecot.append(imap_user, "INBOX", message("Phiếu thứ hai"))
        wait_for(lambda: watch.calls == 3)


def test_idle_is_issued_again_and_still_hears_new_mail(dovecot, imap_user, make_source):
    """Renewed every 0.2 s here (10 minutes by default): after several renewals a message is still announced."""
    with Watch(make_source(), renew=0.2) as watch:
        wait_for(lambda: watch.source.waits >= 4)
        assert watch.calls == 1
        dovecot.append(imap_user, "INBOX", message())
        wait_for(lambda: watch.calls == 2)


def test_a_dropped_connection_is_made_again(dovecot, imap_user, make_source):
    """The server drops every connection of the user: the watch reconnects, says so, and hears the next message."""
    with Watch(make_source(), retry=0.1) as watch:
        wait_for(lambda: watch.calls == 1 and watch.source.waits >= 1)
        dovecot.kick(imap_user)
        wait_for(lambda: watch.calls == 2 and watch.source.waits >= 2)  # back in IDLE on a new connection
        dovecot.append(imap_user, "INBOX", message())
        wait_for(lambda: watch.calls == 3)


def test_a_server_without_idle_ends_the_watch_at_once(make_source):
    """No IDLE advertised: the watch ends without a word to the intake, which polls on its schedule."""
    source = make_source(capabilities={"MOVE", "UIDPLUS"})
    watch_mailbox(source, lambda: pytest.fail("no IDLE: nothing to announce"), threading.Event())
    assert source.waits == 0


def test_an_unreachable_server_is_tried_again_until_the_stop(dovecot, imap_user):
    """Nobody listens on the port: each attempt fails, the watch tries again (sooner here) until it is stopped."""
    source = CountingSource(dovecot.settings(imap_user, port=free_port()), imap_user.password)
    with Watch(source, retry=0.05) as watch:
        wait_for(lambda: source.attempts >= 3)
    assert watch.calls == 0 and source.waits == 0
