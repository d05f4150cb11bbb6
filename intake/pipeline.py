"""The intake: every item a source holds is archived, recorded, processed, then moved on.

Each step can be repeated after a crash. The raw bytes are archived under their SHA-256
and an ``InboundMessage`` committed before anything else; processing and the state change
that ends it are one transaction; the item is moved on the server (or in the scan folder)
last. An item already recorded as done is only moved again, never processed twice; the
same bytes under a new UID (after a UIDVALIDITY change) are recognised by their hash.

Failures are contained per item: one bad message goes to review with its reason and the
run goes on. Only a failure of the source itself (the mailbox is down) ends the run. Once
the cause is fixed, ``reprocess`` runs the same processing again on the archived bytes
(what ``khaosat review resolve ID --retry`` calls).

The work per item is bounded (``[intake]`` limits): the reader decodes no more pages and
pixels than allowed, and it runs in a child process (intake/reading.py) that is stopped when
the item's time is up or that dies without taking the intake with it; either way the file
goes to review with the reason and the batch goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..models import InboundKind, InboundMessage, InboundState, utcnow
from ..reader.filetypes import sniff
from ..settings import Settings
from ..survey.layout import LayoutMap
from .archive import archive_path, archive_raw, read_archived
from .handlers import Handled, ItemHandler, Read
from .reading import ReadingWorker
from .sources import Incoming, Source

log = logging.getLogger(__name__)
SETTLE_GROUP = 50  # items moved on with one server command


@dataclass
class IntakeReport:
    received: int = 0  # new items recorded
    repeated: int = 0  # items already done, only moved again
    responses: int = 0
    duplicates: int = 0
    pages_joined: int = 0  # forms that completed a reply received before (a page returned apart)
    review: int = 0
    bounces: int = 0
    autoreplies: int = 0
    fax_reports: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, handled: Handled) -> None:
        self.responses += handled.responses
        self.duplicates += handled.duplicates
        self.pages_joined += handled.pages_joined
        self.review += handled.review_items
        self.bounces += handled.kind is InboundKind.bounce
        self.autoreplies += handled.kind is InboundKind.autoreply
        self.fax_reports += handled.kind is InboundKind.fax_report


class Intake:
    """Takes everything waiting in a source; one instance per run. Its files are read by
    ``worker`` (one of its own, stopped at the end of ``run``, unless one is given)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        layouts: Mapping[str, LayoutMap],
        *,
        should_stop: Callable[[], bool] = lambda: False,
        now: Callable[[], datetime] = utcnow,
        report: IntakeReport | None = None,
        worker: ReadingWorker | None = None,
    ) -> None:
        self.engine, self.settings, self.layouts = engine, settings, layouts
        self.should_stop, self.now = should_stop, now
        self.report = report if report is not None else IntakeReport()
        self.worker = worker or ReadingWorker(layouts, settings)
        self._owns_worker = worker is None

    def run(self, source: Source) -> IntakeReport:
        """Take every item; items are moved on in groups, after their records are committed.

        A crash before a group is moved only leaves recorded items on the source: the next
        run recognises them and moves them without processing them again.
        """
        done: dict[bool, list[tuple[Incoming, str]]] = {False: [], True: []}
        try:
            for item in source.fetch():
                if self.should_stop():
                    break
                sha, review = self.take(item)
                done[review].append((item, sha))
                if len(done[review]) >= SETTLE_GROUP:
                    self._settle(source, done[review], review)
        finally:
            if self._owns_worker:
                self.worker.close()
        for review, group in done.items():
            self._settle(source, group, review)
        return self.report

    def take(self, item: Incoming) -> tuple[str, bool]:
        """Archive, record and process one item: (its SHA-256, whether it goes to review)."""
        with Session(self.engine, expire_on_commit=False) as session:
            inbound = self.record(session, item)
            if inbound.state is InboundState.received:
                self._process(session, inbound, item)
            else:
                self.report.repeated += 1
            return inbound.sha256, inbound.state is InboundState.review

    def record(self, session: Session, item: Incoming) -> InboundMessage:
        """Archive the item's bytes and record it, committed; or find it recorded before."""
        sha, _ = archive_raw(item.data, self.settings.storage.dir)
        existing = self._find(session, item, sha)
        if existing is not None:
            return existing
        inbound = InboundMessage(
            source=item.source,
            folder=item.folder,
            uidvalidity=item.uidvalidity if item.uid else None,
            uid=item.uid or None,
            sha256=sha,
            name=item.name,
            kind=InboundKind.message if not item.name or sniff(item.data) == "eml" else InboundKind.file,
            received_at=self.now(),
        )
        session.add(inbound)
        try:
            session.commit()
        except sa.exc.IntegrityError:  # the same bytes arrived under another key meanwhile
            session.rollback()
            found = self._find(session, item, sha)
            assert found is not None
            return found
        self.report.received += 1
        return inbound

    def _find(self, session: Session, item: Incoming, sha: str) -> InboundMessage | None:
        if item.uid:
            by_key = session.exec(
                select(InboundMessage).where(
                    col(InboundMessage.source) == item.source,
                    col(InboundMessage.folder) == item.folder,
                    col(InboundMessage.uidvalidity) == item.uidvalidity,
                    col(InboundMessage.uid) == item.uid,
                )
            ).first()
            if by_key is not None:
                return by_key
        return session.exec(select(InboundMessage).where(col(InboundMessage.sha256) == sha)).first()

    def _process(self, session: Session, inbound: InboundMessage, item: Incoming) -> None:
        read = self.worker.for_item(time.monotonic() + self.settings.intake.max_item_seconds)
        handler = _handler(session, inbound, self.settings, self.now(), read, self.layouts)
        try:
            handled = handler.handle(item.data, item.name)
            inbound.kind = handled.kind
        except Exception as exc:  # one bad item must not stop the intake; a person looks at it
            log.exception("cannot process %s %s", item.source, item.name or item.uid)
            session.rollback()
            handled = handler.failed(exc)
            self.report.errors.append(f"{item.name or item.uid}: {exc}")
        _settled(inbound, handled, self.now())
        session.add(inbound)
        session.commit()
        self.report.add(handled)
        log.info("took %s %s: %s %s", item.source, item.name or item.uid, handled.kind, inbound.state)

    def _settle(self, source: Source, group: list[tuple[Incoming, str]], review: bool) -> None:
        if not group:
            return
        where = source.settle_all([item for item, _ in group], review=review)
        with Session(self.engine) as session:
            session.execute(
                sa.update(InboundMessage)
                .where(col(InboundMessage.sha256).in_([sha for _, sha in group]))
                .values(moved_to=where)
            )
            session.commit()
        group.clear()


def reprocess(
    session: Session,
    inbound: InboundMessage,
    *,
    settings: Settings,
    layouts: Mapping[str, LayoutMap],
    now: datetime | None = None,
) -> Handled:
    """Process a recorded item again from its archived bytes, as ``Intake`` did the first time.

    For an item the intake failed on, once the cause is fixed. Works in the caller's
    transaction (nothing is committed) and raises what the processing raises.
    """
    now = now or utcnow()
    worker = ReadingWorker(layouts, settings)
    try:
        read = worker.for_item(time.monotonic() + settings.intake.max_item_seconds)
        handled = _handler(session, inbound, settings, now, read, layouts).handle(
            read_archived(inbound.sha256, settings.storage.dir), inbound.name
        )
    finally:
        worker.close()
    inbound.kind = handled.kind
    _settled(inbound, handled, now)
    session.add(inbound)
    return handled


def _handler(
    session: Session,
    inbound: InboundMessage,
    settings: Settings,
    now: datetime,
    read: Read,
    layouts: Mapping[str, LayoutMap],
) -> ItemHandler:
    raw_path = archive_path(inbound.sha256, settings.storage.dir)
    return ItemHandler(session, settings, inbound, str(raw_path), now=now, read=read, layouts=layouts)


def _settled(inbound: InboundMessage, handled: Handled, now: datetime) -> None:
    inbound.state = handled.state
    inbound.reason = handled.reason or "; ".join(handled.notes)[:2000]
    inbound.processed_at = now
