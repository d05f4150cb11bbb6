"""Every report file of one seeded round, with units and procedures named at will (names from an export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from khaosat.database import init_schema
from khaosat.mailer.outbox import mark_sent, queue_new_surveys
from khaosat.models import make_engine
from khaosat.reports.pdf import status_pdf
from khaosat.reports.rates import unit_rates
from khaosat.reports.rates_format import rates_csv
from khaosat.reports.round import build_round_report
from khaosat.reports.round_pdf import round_pdf
from khaosat.reports.round_view import round_report_view
from khaosat.reports.round_xlsx import round_xlsx
from khaosat.reports.status import build_status
from khaosat.reports.status_view import status_view
from khaosat.settings import Settings

from ..support.factories import add_dossier
from ..support.report_data import NOW, RECEIVED, TODAY, record_more, unit_outbox
from ..support.settings import make_settings

Named = tuple[str, str]  # (code, name)


@dataclass(frozen=True)
class ReportFiles:
    status_pdf: bytes
    round_pdf: bytes
    round_xlsx: bytes
    rates_csv: str


def seed(session: Session, settings: Settings, units: Sequence[Named], procedures: Sequence[Named]) -> None:
    """Two dossiers per unit on procedures taken in turn; both sent, the first of each unit answered."""
    for index, (unit, unit_name) in enumerate(units):
        for copy in range(2):
            procedure, procedure_name = procedures[(2 * index + copy) % len(procedures)]
            add_dossier(
                session,
                f"HS-{index:03d}-{copy}",
                received_on=RECEIVED,
                unit=unit,
                unit_name=unit_name,
                procedure=procedure,
                procedure_name=procedure_name,
                email=f"nguoi{index}.{copy}@example.vn",
            )
    queue_new_surveys(session, settings, form_version="1", today=TODAY)
    for unit, _ in units:
        for copy, (row, survey) in enumerate(unit_outbox(session, unit)):
            mark_sent(session, row, now=NOW)
            if copy == 0:
                record_more(session, survey, {"D1": "5", "B1_1": "4"})
    session.commit()


def report_files(
    folder: Path, units: Sequence[Named], procedures: Sequence[Named], *, organization: str | None = None
) -> ReportFiles:
    """Seed a fresh SQLite database under ``folder`` and render the status and round reports and the rates CSV."""
    overrides = {"name": organization} if organization else {}
    settings = make_settings(folder, database={"url": f"sqlite:///{folder / 'khaosat.db'}"}, organization=overrides)
    engine = make_engine(settings.database_url)
    init_schema(engine)
    try:
        with Session(engine) as session:
            seed(session, settings, units, procedures)
            status = status_view(build_status(session, settings, NOW), settings.organization.zone)
            report = build_round_report(session, settings, None, NOW)
            rates = unit_rates(session, settings, today=TODAY)
    finally:
        engine.dispose()
    view = round_report_view(report, settings.organization.zone)
    return ReportFiles(status_pdf(status), round_pdf(view), round_xlsx(report), rates_csv(rates))
