"""The IMAP source against a real Dovecot: peek, move, copy+expunge, reconnect, errors."""

# ruff: noqa: F811  (the Dovecot fixtures are imported from tests/dovecot.py, then named as arguments)

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from khaosat.errors import MailboxError
from khaosat.intake.imap import ImapSource, batches, server_folder
from khaosat.intake.sources import Incoming

from ..support.dovecot import Dovecot, User, dovecot, free_port, imap_user, message, spare_dovecot  # noqa: F401

PROCESSED, REVIEW = "khaosat.processed", "khaosat.review"  # the server's names (Dovecot's delimiter is ".")


@pytest.fixture
def open_sources() -> Iterator[list[ImapSource]]:
    sources: list[ImapSource] = []
    yield sources
    for source in sources:
        source.close()


@pytest.fixture
def make_source(dovecot: Dovecot, imap_user: User, open_sources: list[ImapSource]) -> Any:
    def make(capabilities: set[str] | None = None, **overrides: Any) -> ImapSource:
        source = ImapSource(dovecot.settings(imap_user, **overrides), imap_user.password, capabilities=capabilities)
        open_sources.append(source)
        return source

    return make


def fill(dovecot: Dovecot, user: User, count: int) -> list[bytes]:
    messages = [message(subject=f"Phiếu số {number}") for number in range(count)]
    dovecot.append_many(user, "INBOX", messages)
    return messages


def test_fetch_peeks_oldest_first_and_leaves_messages_unseen(dovecot, imap_user, make_source):
    """Every waiting message comes back in UID order with its raw bytes; none is marked \\Seen."""
    sent = fill(dovecot, imap_user, 5)
    source = make_source(batch_size=2)
    items = list(source.fetch())
    assert [item.data for item in items] == sent
    assert [item.uid for item in items] == sorted(item.uid for item in items)
    assert {item.uidvalidity for item in items} == {dovecot.uidvalidity(imap_user)}
    assert items[0].source == f"imap:{imap_user.name}@127.0.0.1"
    assert items[0].folder == "INBOX"
    assert items[0].name == ""
    assert all(b"\\Seen" not in flags for flags, _data in dovecot.messages(imap_user, "INBOX").values())


def test_search_sends_no_charset(dovecot, imap_user, make_source, caplog):
    """The UID range search carries no CHARSET argument (Exchange rejects it)."""
    fill(dovecot, imap_user, 1)
    caplog.set_level(logging.DEBUG, logger="imapclient")
    assert len(list(make_source().fetch())) == 1
    searches = [record.getMessage() for record in caplog.records if "SEARCH" in record.getMessage()]
    assert searches
    assert not any("CHARSET" in line.upper() for line in searches)


def test_settle_moves_to_processed_and_review(dovecot, imap_user, make_source):
    """With MOVE the message leaves the inbox for the folder asked; the folders are created."""
    sent = fill(dovecot, imap_user, 3)
    source = make_source()
    first, second, _third = list(source.fetch())
    assert source.settle(first, review=False) == "khaosat/processed"
    assert source.settle(second, review=True) == "khaosat/review"
    assert {PROCESSED, REVIEW} <= set(dovecot.folders(imap_user))
    assert [data for _flags, data in dovecot.messages(imap_user, PROCESSED).values()] == [sent[0]]
    assert [data for _flags, data in dovecot.messages(imap_user, REVIEW).values()] == [sent[1]]
    assert [data for _flags, data in dovecot.messages(imap_user, "INBOX").values()] == [sent[2]]
    assert [item.data for item in source.fetch()] == [sent[2]]


def test_settle_without_move_copies_then_expunges_only_that_uid(dovecot, imap_user, make_source):
    """Without MOVE: COPY, \\Deleted, UID EXPUNGE of that message; other \\Deleted ones stay."""
    sent = fill(dovecot, imap_user, 2)
    dovecot.append(imap_user, "INBOX", message(subject="đã xoá bởi người khác"), flags=[r"\Deleted"])
    source = make_source(capabilities={"UIDPLUS"})
    items = list(source.fetch())
    assert [item.data for item in items] == sent  # a message already flagged \Deleted is not offered
    source.settle(items[0], review=False)
    inbox = dovecot.messages(imap_user, "INBOX")
    assert len(inbox) == 2  # the other deleted message was not expunged: no bare EXPUNGE
    assert sent[0] not in [data for _flags, data in inbox.values()]
    assert [data for _flags, data in dovecot.messages(imap_user, PROCESSED).values()] == [sent[0]]


def test_settle_without_uidplus_leaves_the_original_flagged_deleted(dovecot, imap_user, make_source):
    """Without MOVE and UIDPLUS the copy is made, the original stays \\Deleted and is not fetched again."""
    sent = fill(dovecot, imap_user, 1)
    source = make_source(capabilities=set())
    (item,) = list(source.fetch())
    assert source.settle(item, review=True) == "khaosat/review"
    ((flags, data),) = dovecot.messages(imap_user, "INBOX").values()
    assert data == sent[0] and b"\\Deleted" in flags
    assert [data for _flags, data in dovecot.messages(imap_user, REVIEW).values()] == sent
    assert list(source.fetch()) == []


def test_a_dropped_connection_mid_poll_reconnects_and_completes(dovecot, imap_user, make_source):
    """The server kicks the client between two batches: one reconnect, and the poll completes."""
    sent = fill(dovecot, imap_user, 5)
    source = make_source(batch_size=2)
    received: list[Incoming] = []
    for item in source.fetch():
        received.append(item)
        if len(received) == 2:
            dovecot.kick(imap_user)
    assert [item.data for item in received] == sent
    assert source.reconnects == 1


def test_settle_after_a_dropped_connection(dovecot, imap_user, make_source):
    """A settle on a connection the server dropped goes through on a fresh one."""
    fill(dovecot, imap_user, 2)
    source = make_source()
    items = list(source.fetch())
    dovecot.kick(imap_user)
    for item in items:
        source.settle(item, review=False)
    assert dovecot.messages(imap_user, "INBOX") == {}
    assert len(dovecot.messages(imap_user, PROCESSED)) == 2


def test_server_going_down_mid_poll_raises_mailbox_error(spare_dovecot):
    """When the server is gone for good, the poll ends with MailboxError after one reconnect."""
    user = spare_dovecot.add_user()
    fill(spare_dovecot, user, 3)
    source = ImapSource(spare_dovecot.settings(user, batch_size=1, timeout=5), user.password)
    poll = source.fetch()
    next(poll)
    spare_dovecot.stop()
    with pytest.raises(MailboxError, match="lỗi khi kết nối"):
        next(poll)
    source.close()


def test_nothing_listening_raises_mailbox_error(dovecot, imap_user):
    """An unreachable server is a MailboxError naming where it tried."""
    port = free_port()
    source = ImapSource(dovecot.settings(imap_user, port=port, timeout=5), imap_user.password)
    with pytest.raises(MailboxError, match=f"127.0.0.1:{port}"):
        list(source.fetch())


def test_wrong_password_names_the_user_not_the_password(spare_dovecot, caplog):
    """A refused login says which user; the password appears nowhere, not even in debug logs."""
    caplog.set_level(logging.DEBUG)
    password = "sai-mật-khẩu-9f3c"
    imap_user = spare_dovecot.add_user()
    source = ImapSource(spare_dovecot.settings(imap_user), password)
    with pytest.raises(MailboxError) as raised:
        list(source.fetch())
    assert imap_user.name in str(raised.value)
    assert password not in str(raised.value)
    assert password not in caplog.text


def test_a_non_ascii_password_logs_in(dovecot, open_sources):
    """A Vietnamese password goes through AUTHENTICATE PLAIN (LOGIN is ASCII only)."""
    user = dovecot.add_user(password="mật-khẩu-Đà-Lạt")
    fill(dovecot, user, 0)
    source = ImapSource(dovecot.settings(user), user.password)
    open_sources.append(source)
    assert list(source.fetch()) == []


def test_missing_password_names_the_environment_variable(dovecot, imap_user):
    source = ImapSource(dovecot.settings(imap_user, password_env="KHAOSAT_TEST_NO_SUCH_VARIABLE"))
    with pytest.raises(MailboxError, match="KHAOSAT_TEST_NO_SUCH_VARIABLE"):
        list(source.fetch())


def test_tls_is_verified_against_the_configured_ca(dovecot, imap_user, make_source):
    """Implicit TLS and STARTTLS work with the server's CA; without it the certificate is refused."""
    sent = fill(dovecot, imap_user, 1)
    ca_file = str(dovecot.ca_file)
    tls = make_source(security="tls", port=dovecot.tls_port, ca_file=ca_file)
    assert [item.data for item in tls.fetch()] == sent
    starttls = make_source(security="starttls", ca_file=ca_file)
    assert [item.data for item in starttls.fetch()] == sent
    unverified = make_source(security="tls", port=dovecot.tls_port, verify_tls=False)
    assert [item.data for item in unverified.fetch()] == sent
    with pytest.raises(MailboxError, match="certificate"):
        list(make_source(security="tls", port=dovecot.tls_port).fetch())


def test_one_thread_per_source(dovecot, imap_user, make_source):
    """While connected, a source used from a second thread refuses instead of sharing its connection."""
    fill(dovecot, imap_user, 1)
    source = make_source()
    list(source.fetch())
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: errors.extend(_error_of(lambda: list(source.fetch()))))
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    source.close()  # closed, it may serve the next poll from another thread
    thread = threading.Thread(target=lambda: errors.extend(_error_of(lambda: list(source.fetch()))))
    thread.start()
    thread.join()
    assert len(errors) == 1


def _error_of(call: Any) -> list[BaseException]:
    try:
        call()
    except Exception as exc:
        return [exc]
    return []


@pytest.mark.parametrize(
    ("name", "delimiter", "prefix", "expected"),
    [
        ("khaosat/processed", ".", "", "khaosat.processed"),
        ("khaosat/processed", "/", "", "khaosat/processed"),
        ("khaosat/processed", ".", "INBOX.", "INBOX.khaosat.processed"),
        ("INBOX/khaosat", ".", "INBOX.", "INBOX.khaosat"),
        ("inbox", ".", "INBOX.", "INBOX"),
        ("Phiếu", "", "", "Phiếu"),
    ],
)
def test_server_folder_names(name, delimiter, prefix, expected):
    assert server_folder(name, delimiter, prefix) == expected


def test_batches_are_sorted_and_bounded():
    assert list(batches([5, 1, 3, 2, 4], 2)) == [[1, 2], [3, 4], [5]]
    assert list(batches([], 3)) == []
