"""One intake run over every configured source: the mailbox, then the scan folder.

Each source is polled under its lease (``intake:<source>``), renewed while the poll runs: an
intake in another process, on this host or another, leaves the source alone meanwhile, and
the lease of an intake that was killed expires at most ``LEASE_TTL`` after its death.
The files of every source are read by one reading child process, stopped when the run ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import leases
from ..errors import MailboxError
from ..models import FormLayout
from ..settings import Settings
from ..survey.layout import LayoutMap
from ..survey.layouts import questionnaire_layouts, stored_layouts
from .imap import ImapSource
from .pipeline import Intake, IntakeReport
from .reading import ReadingWorker
from .scanfolder import ScanFolderSource
from .sources import Source

log = logging.getLogger(__name__)
LEASE_TTL = timedelta(minutes=1)  # renewed every 20 seconds while the source is polled


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
    lease_ttl: timedelta = LEASE_TTL,
) -> IntakeReport:
    """Poll every source once; a source that fails is reported and the others still run."""
    layouts = known_layouts(engine, settings)
    report = IntakeReport()
    holder = leases.holder_name()
    worker = ReadingWorker(layouts, settings)
    try:
        for source in sources if sources is not None else configured_sources(settings):
            intake = Intake(engine, settings, layouts, should_stop=should_stop, report=report, worker=worker)
            _poll(engine, intake, source, holder, lease_ttl)
    finally:
        worker.close()
    return report


def _poll(engine: Engine, intake: Intake, source: Source, holder: str, lease_ttl: timedelta) -> None:
    """One source, under its lease; its failure is reported, not raised."""
    with leases.held(engine, f"intake:{source.name}", holder=holder, ttl=lease_ttl) as mine:
        try:
            if mine:
                intake.run(source)
            else:
                intake.report.errors.append(f"{source.name}: một tiến trình tiếp nhận khác đang đọc nguồn này")
        except MailboxError as exc:
            log.error("intake from %s stopped: %s", source.name, exc)
            intake.report.errors.append(f"{source.name}: {exc}")
        finally:
            source.close()
