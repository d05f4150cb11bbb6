"""The intake: every item a source holds is archived, recorded, processed, then moved on.

Each step can be repeated after a crash. The raw bytes are archived under their SHA-256
and an ``InboundMessage`` committed before anything else; processing and the state change
that ends it are one transaction; the item is moved on the server (or in the scan folder)
last. An item already recorded as done is only moved again, never processed twice; the
same bytes under a new UID (after a UIDVALIDITY change) are recognised by their hash.

Failures are contained per item: one bad message goes to review with its reason and the
run goes on. Only a failure of the source itself (the mailbox is down) ends the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..models import InboundMessage, InboundState, utcnow
from ..reader.filetypes import sniff
from ..settings import Settings
from ..survey.layout import LayoutMap
from .archive import archive_raw
from .handlers import Handled, ItemHandler
from .sources import Incoming, Source

log = logging.getLogger(__name__)
SETTLE_GROUP = 50  # items moved on with one server command


@dataclass
class IntakeReport:
    received: int = 0  # new items recorded
    repeated: int = 0  # items already done, only moved again
    responses: int = 0
    duplicates: int = 0
    review: int = 0
    bounces: int = 0
    autoreplies: int = 0
    fax_reports: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, handled: Handled) -> None:
        self.responses += handled.responses
        self.duplicates += handled.duplicates
        self.review += handled.review_items
        self.bounces += handled.kind == "bounce"
        self.autoreplies += handled.kind == "autoreply"
        self.fax_reports += handled.kind == "fax-report"


class Intake:
    """Takes everything waiting in a source; one instance per run."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        layouts: Mapping[str, LayoutMap],
        *,
        should_stop: Callable[[], bool] = lambda: False,
        now: Callable[[], datetime] = utcnow,
        report: IntakeReport | None = None,
    ) -> None:
        self.engine, self.settings, self.layouts = engine, settings, layouts
        self.should_stop, self.now = should_stop, now
        self.report = report if report is not None else IntakeReport()

    def run(self, source: Source) -> IntakeReport:
        """Take every item; items are moved on in groups, after their records are committed.

        A crash before a group is moved only leaves recorded items on the source: the next
        run recognises them and moves them without processing them again.
        """
        done: dict[bool, list[tuple[Incoming, str]]] = {False: [], True: []}
        for item in source.fetch():
            if self.should_stop():
                break
            sha, review = self.take(item)
            done[review].append((item, sha))
            if len(done[review]) >= SETTLE_GROUP:
                self._settle(source, done[review], review)
        for review, group in done.items():
            self._settle(source, group, review)
        return self.report

    def take(self, item: Incoming) -> tuple[str, bool]:
        """Archive, record and process one item: (its SHA-256, whether it goes to review)."""
        sha, raw_path = archive_raw(item.data, self.settings.storage.dir)
        with Session(self.engine, expire_on_commit=False) as session:
            inbound = self._record(session, item, sha)
            if inbound.state is InboundState.received:
                self._process(session, inbound, item, str(raw_path))
            else:
                self.report.repeated += 1
            return sha, inbound.state is InboundState.review

    def _record(self, session: Session, item: Incoming, sha: str) -> InboundMessage:
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
            kind="message" if not item.name or sniff(item.data) == "eml" else "file",
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

    def _process(self, session: Session, inbound: InboundMessage, item: Incoming, raw_path: str) -> None:
        handler = ItemHandler(session, self.settings, self.layouts, inbound, raw_path, now=self.now())
        try:
            handled = handler.handle(item.data, item.name)
            inbound.kind, inbound.state = handled.kind, handled.state
            inbound.reason = handled.reason or "; ".join(handled.notes)[:2000]
        except Exception as exc:  # one bad item must not stop the intake; a person looks at it
            log.exception("cannot process %s %s", item.source, item.name or item.uid)
            session.rollback()
            handled = handler.failed(exc)
            inbound.state, inbound.reason = InboundState.review, handled.reason
            self.report.errors.append(f"{item.name or item.uid}: {exc}")
        inbound.processed_at = self.now()
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
