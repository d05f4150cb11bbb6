"""Every report file of one seeded round, with units and procedures named at will (names from an export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session

from khaosat.database import init_schema
from khaosat.mailer.outbox import mark_sent, queue_new_surveys
from khaosat.models import Dossier, InboundMessage, ResponseMethod, make_engine, utcnow
from khaosat.reports.pdf import status_pdf
from khaosat.reports.rates import unit_rates
from khaosat.reports.rates_format import rates_csv
from khaosat.reports.round import build_round_report
from khaosat.reports.round_pdf import round_pdf
from khaosat.reports.round_view import round_report_view
from khaosat.reports.round_xlsx import round_xlsx
from khaosat.reports.status import build_status
from khaosat.reports.status_view import status_view
from khaosat.reports.subunit_results import SubunitResults, SubunitRow
from khaosat.reports.subunits import store_results
from khaosat.settings import Settings
from khaosat.survey.responses import ReadAnswers, record_answers

from ..support.factories import add_dossier
from ..support.report_data import NOW, RECEIVED, TODAY, record_more, unit_outbox
from ..support.settings import make_settings

Named = tuple[str, str]  # (code, name)
PREVIOUS = date(2026, 5, 10)  # a day of round 2026-1, the round before NOW's


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


def seed_every_section(
    session: Session, settings: Settings, units: Sequence[Named], procedures: Sequence[Named]
) -> None:
    """What the round report's later pages show: the previous round, a typed comment and a paper form per unit
    (the comment is the unit's name), and a sub-unit reporting for every unit and procedure."""
    for index, (unit, unit_name) in enumerate(units):
        procedure, procedure_name = procedures[index % len(procedures)]
        add_dossier(session, f"HS-CU-{index:03d}", received_on=PREVIOUS, unit=unit, unit_name=unit_name,
                    procedure=procedure, procedure_name=procedure_name, email=f"cu{index}@example.vn")  # fmt: skip
        add_dossier(session, f"HS-GIAY-{index:03d}", received_on=RECEIVED, unit=unit, unit_name=unit_name,
                    procedure=procedure, procedure_name=procedure_name, email=f"giay{index}@example.vn")  # fmt: skip
    queue_new_surveys(session, settings, form_version="1", today=PREVIOUS + timedelta(days=1))
    queue_new_surveys(session, settings, form_version="1", today=TODAY)
    inbound = InboundMessage(source="scan", sha256="5" * 64, name="scan.pdf", received_at=utcnow())
    session.add(inbound)
    session.flush()
    for unit, unit_name in units:
        for row, survey in unit_outbox(session, unit):
            if survey.responded:
                continue
            if survey.sent_at is None:
                mark_sent(session, row, now=NOW)
            dossier = session.get(Dossier, survey.dossier_id)
            paper = dossier is not None and dossier.code.startswith("HS-GIAY")
            method, comment = (ResponseMethod.omr, "") if paper else (ResponseMethod.web, unit_name)
            read = ReadAnswers({"D1": "4", "B2_1": "5"}, method, comment=comment)
            record_answers(session, survey, read, matched_by="qr", inbound_id=inbound.id, now=NOW)
            if paper:
                folder = settings.storage.dir / "evidence" / str(inbound.id)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{survey.code}-p2-E1.png").write_bytes(b"\x89PNG")
    rows = [
        SubunitRow(unit, name, procedure, procedure_name, 3, 2, 1, {"D1": {"5": 1}})
        for (unit, name), (procedure, procedure_name) in zip(units, procedures * len(units), strict=False)
    ]
    results = SubunitResults(units[-1][1], "2026-2", "1", "xlsx", rows)
    store_results(session, results, file_name=f"{units[-1][1]}.xlsx", sha256="a" * 64, actor=units[0][1], now=NOW)
    session.commit()


def report_files(
    folder: Path,
    units: Sequence[Named],
    procedures: Sequence[Named],
    *,
    organization: str | None = None,
    every_section: bool = False,
) -> ReportFiles:
    """Seed a fresh SQLite database under ``folder`` and render the status and round reports and the rates CSV.

    With ``every_section`` the round also has a previous round, comments and a sub-unit's results."""
    overrides = {"name": organization} if organization else {}
    settings = make_settings(folder, database={"url": f"sqlite:///{folder / 'khaosat.db'}"}, organization=overrides)
    engine = make_engine(settings.database_url)
    init_schema(engine)
    try:
        with Session(engine) as session:
            seed(session, settings, units, procedures)
            if every_section:
                seed_every_section(session, settings, units, procedures)
            status = status_view(build_status(session, settings, NOW), settings.organization.zone)
            report = build_round_report(session, settings, None, NOW)
            rates = unit_rates(session, settings, today=TODAY)
    finally:
        engine.dispose()
    view = round_report_view(report, settings.organization.zone)
    xlsx = round_xlsx(report, settings.organization.zone)
    return ReportFiles(status_pdf(status), round_pdf(view), xlsx, rates_csv(rates))
