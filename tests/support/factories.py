"""Rows for tests, made the way the importer would make them."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from khaosat.models import Dossier, Procedure, Unit, utcnow
from khaosat.settings import Settings, default_rounds
from khaosat.survey.counts import Filed, dossiers_moved


def local_today(settings: Settings) -> date:
    return datetime.now(settings.organization.zone).date()


def add_dossier(
    session: Session,
    code: str,
    *,
    received_on: date,
    unit: str = "QLCN",
    unit_name: str = "Phòng Quản lý chuyên ngành",
    procedure: str = "1.004",
    procedure_name: str = "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
    applicant: str = "Công ty TNHH Ánh Dương",
    email: str = "",
    fax: str = "",
    phone: str = "",
    address: str = "",
) -> Dossier:
    unit_row = session.exec(select(Unit).where(Unit.code == unit)).first() or Unit(code=unit, name=unit_name)
    procedure_row = session.exec(select(Procedure).where(Procedure.code == procedure)).first() or Procedure(
        code=procedure, name=procedure_name
    )
    session.add_all([unit_row, procedure_row])
    session.flush()
    assert unit_row.id is not None and procedure_row.id is not None
    now = utcnow()
    dossier = Dossier(
        code=code,
        procedure_id=procedure_row.id,
        unit_id=unit_row.id,
        applicant=applicant,
        email=email,
        fax=fax,
        phone=phone,
        address=address,
        received_on=received_on,
        fingerprint=code,
        created_at=now,
        updated_at=now,
    )
    session.add(dossier)
    dossiers_moved(session, default_rounds(), [(None, Filed(received_on, unit_row.id, procedure_row.id))])
    session.commit()
    return dossier
