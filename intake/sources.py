"""Where returned forms come from: one interface over the IMAP inbox and the scan folder.

A source lists what is waiting (``fetch``) and, once the pipeline has archived, recorded
and processed an item, moves it on (``settle``) so the next poll does not see it again.
Fetching never changes anything on the source; only ``settle`` does. A failure of the
whole source raises ``MailboxError``; anything else about one item is the pipeline's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Incoming:
    """One thing waiting at a source: a raw message from a mailbox, or a dropped file."""

    source: str  # "imap:<username>@<host>" or "scan"
    folder: str  # IMAP folder, or "" for files
    uidvalidity: int  # 0 for files
    uid: int  # 0 for files
    name: str  # file name, or "" for messages
    data: bytes  # the raw message (BODY.PEEK[]) or the file's bytes

    def __repr__(self) -> str:  # never dump megabytes of data into a log or a traceback
        where = f"{self.folder}/{self.uidvalidity}/{self.uid}" if self.uid else self.name
        return f"Incoming({self.source!r}, {where!r}, {len(self.data)} bytes)"


class Source(Protocol):
    name: str

    def fetch(self) -> Iterator[Incoming]:
        """Everything waiting, oldest first (read in batches where the source has them)."""
        ...

    def settle(self, item: Incoming, *, review: bool) -> str:
        """Move ``item`` to the processed place, or the review one; returns where it went."""
        ...

    def settle_all(self, items: Sequence[Incoming], *, review: bool) -> str:
        """``settle`` for several items at once (one server command where the source has one)."""
        ...

    def close(self) -> None: ...
