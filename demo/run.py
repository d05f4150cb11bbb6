"""``khaosat demo``: the whole loop on this machine, with an embedded mail server and no setup.

A workspace folder gets a configuration, an SQLite database and a sample export of about
60 dossiers in 4 units written the way one-stop systems write them (``workspace``). The
dossiers are imported; every form is dispatched to an embedded SMTP server that files each
message as an .eml in the workspace (``mail_server``: the applicants' mailboxes); the paper
forms go in a print batch. Simulated applicants then answer about 85% of the forms (filled
PDFs by email, paper scans, one bounce, one auto-reply) into the scan folder
(``applicants``); the intake reads them; the rates are counted and the ISO board's status
email, with its PDF, is sent and kept; last, ``khaosat audit`` proves the figures add up.
``demo_web`` then serves the online form of the workspace, for one unanswered survey's link.
"""

from __future__ import annotations

import secrets
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from ..database import init_schema
from ..dossiers import import_files
from ..intake.archive import archive_files
from ..intake.pipeline import IntakeReport
from ..intake.run import intake_once
from ..intake.scanfolder import ScanFolderSource
from ..mailer.dispatch import DispatchReport, dispatch_once
from ..mailer.printing import build_print_batch, confirm_print_batch
from ..mailer.status import send_status
from ..models import Channel, Dossier, Survey, make_engine
from ..reports.audit import AuditReport, audit
from ..reports.rates import RatesReport, unit_rates
from ..settings import Settings, load_settings
from ..survey.personal import dossier_form
from ..survey.render import FormRenderer, renderer_for
from .applicants import write_replies
from .mail_server import Mailbox, embedded_mail_server
from .workspace import write_config, write_sample_export


@dataclass
class DemoResult:
    """What one run of the demo did, for the summary ``khaosat demo`` prints."""

    workspace: Path
    dispatch: DispatchReport
    mail: Counter[str]
    print_file: Path | None
    replies: dict[str, int]
    intake: IntakeReport
    rates: RatesReport
    status_pdf: Path
    audit: AuditReport


def run_demo(workspace: Path, smtp_port: int) -> DemoResult:
    """Run the whole loop in ``workspace`` with the mail server on ``smtp_port``."""
    workspace.mkdir(parents=True, exist_ok=True)
    with embedded_mail_server(workspace / "mailboxes", smtp_port) as mailbox:
        settings = load_settings(write_config(workspace, smtp_port), environ={})
        export = workspace / "ho-so-mau.xlsx"
        write_sample_export(export, datetime.now(settings.organization.zone).date())
        return _loop(workspace, settings, export, mailbox)


def _loop(workspace: Path, settings: Settings, export: Path, mailbox: Mailbox) -> DemoResult:
    settings.storage.dir.mkdir(parents=True, exist_ok=True)
    settings.intake.scan_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        init_schema(engine)
        with DbSession(engine) as session:
            import_files([export], session=session, settings=settings)
        report = dispatch_once(engine, settings)
        renderer = renderer_for(settings.survey.questionnaire)
        with DbSession(engine, expire_on_commit=False) as session:
            batch = build_print_batch(
                session, settings, renderer, channel=Channel.post, output=workspace / "in-buu-dien.pdf"
            )
            if batch:
                confirm_print_batch(session, batch.batch_id)
        sent_mail = Counter(mailbox.received)
        paper_forms = _posted_forms(engine, settings, renderer)
        replies = write_replies(mailbox.folder, settings.intake.scan_dir, renderer.layout, paper_forms=paper_forms)
        sources = [ScanFolderSource(settings.intake.scan_dir, min_age=0)]
        intake = intake_once(engine, settings, sources=sources)
        with DbSession(engine) as session:
            rates = unit_rates(session, settings)
        status = send_status(engine, settings)
        status_pdf = workspace / "bao-cao-tien-do.pdf"
        shutil.copyfile(status.pdf_path, status_pdf)
        with DbSession(engine) as session:
            audited = audit(session, settings, raw_path=archive_files(settings.storage.dir))
    finally:
        engine.dispose()
    printed = batch.file if batch else None
    return DemoResult(workspace, report, sent_mail, printed, replies, intake, rates, status_pdf, audited)


def _posted_forms(engine: Engine, settings: Settings, renderer: FormRenderer) -> list[bytes]:
    """The personalised form of every dossier reached by post, as printed in the batch."""
    with DbSession(engine) as session:
        codes = session.exec(select(Dossier.code).join(Survey).where(col(Survey.channel) == Channel.post)).all()
        return [dossier_form(session, code, settings=settings, renderer=renderer)[1] for code in codes]


@contextmanager
def demo_web(workspace: Path, port: int) -> Iterator[str]:
    """The online form of the demo in ``workspace``, served on ``port`` until the block ends:
    the link of one survey nobody answered (a signing key made for the occasion)."""
    from ..web.server import WebThread  # FastAPI and uvicorn: only when the form is served

    settings = load_settings(workspace / "config.toml", environ={})
    base_url = f"http://127.0.0.1:{port}"
    web = settings.web.model_copy(update={"port": port, "base_url": base_url})
    settings = settings.model_copy(update={"web": web.with_secrets(secrets.token_urlsafe(32), {})})
    engine = make_engine(settings.database_url)
    thread = WebThread(settings, engine)
    try:
        with DbSession(engine) as session:
            token = session.exec(
                select(Survey.token).where(col(Survey.responded).is_(False)).order_by(col(Survey.id))
            ).first()
        thread.start()
        while not thread.started and thread.thread.is_alive():
            thread.thread.join(0.05)
        yield f"{base_url}/p/{token}" if token else f"{base_url}/ma"
    finally:
        thread.stop()
        engine.dispose()
