"""One intake run over every configured source: the mailbox, then the scan folder."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import leases
from ..errors import MailboxError
from ..mailer.outbox import worker_name
from ..models import FormLayout
from ..settings import Settings
from ..survey.layout import LayoutMap
from ..survey.layouts import questionnaire_layouts, stored_layouts
from .imap import ImapSource
from .pipeline import Intake, IntakeReport
from .scanfolder import ScanFolderSource
from .sources import Source

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=30)


def known_layouts(engine: Engine, settings: Settings) -> dict[str, LayoutMap]:
    """Every form version ever sent (stored maps), and the configured questionnaire's."""
    with Session(engine) as session:
        rows = session.exec(select(FormLayout.version, FormLayout.layout)).all()
    layouts = questionnaire_layouts(("", settings.survey.questionnaire))
    layouts.update(stored_layouts(rows))
    return layouts


def configured_sources(settings: Settings) -> list[Source]:
    sources: list[Source] = []
    if settings.imap.host:
        sources.append(ImapSource(settings.imap))
    settings.intake.scan_dir.mkdir(parents=True, exist_ok=True)
    sources.append(ScanFolderSource(settings.intake.scan_dir))
    return sources


def intake_once(
    engine: Engine,
    settings: Settings,
    *,
    sources: Sequence[Source] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> IntakeReport:
    """Poll every source once; a source that fails is reported and the others still run."""
    layouts = known_layouts(engine, settings)
    report = IntakeReport()
    me = worker_name()
    for source in sources if sources is not None else configured_sources(settings):
        lock_name = f"intake:{source.name}"
        with Session(engine) as session:
            if not leases.acquire(session, lock_name, holder=me, ttl=LEASE):
                report.errors.append(f"{source.name}: another intake is polling it")
                source.close()
                continue
        try:
            Intake(engine, settings, layouts, should_stop=should_stop, report=report).run(source)
        except MailboxError as exc:
            log.error("intake from %s stopped: %s", source.name, exc)
            report.errors.append(f"{source.name}: {exc}")
        finally:
            source.close()
            with Session(engine) as session:
                leases.release(session, lock_name, holder=me)
    return report
