"""The schema on both backends."""

from datetime import UTC, date, datetime, timedelta, timezone

from sqlmodel import Session, select

from khaosat.models import Dossier, Procedure, SchemaInfo, Unit, init_schema


def test_init_is_repeatable(engine):
    """Running init on an initialised database keeps its version and data."""
    with Session(engine) as session:
        session.add(Unit(code="VP", name="Văn phòng"))
        session.commit()
    assert init_schema(engine) == 1
    with Session(engine) as session:
        assert session.exec(select(Unit.code)).all() == ["VP"]
        assert session.get(SchemaInfo, 1).version == 1


def test_times_come_back_aware_utc(engine):
    """A time stored in +07:00 comes back as the same instant in UTC."""
    local = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    with Session(engine) as session:
        unit = Unit(code="P1", name="Phòng 1")
        procedure = Procedure(code="T1", name="Thủ tục 1")
        session.add_all([unit, procedure])
        session.flush()
        session.add(
            Dossier(
                code="HS1",
                procedure_id=procedure.id,
                unit_id=unit.id,
                received_on=date(2026, 3, 1),
                fingerprint="x",
                created_at=local,
                updated_at=local,
            )
        )
        session.commit()
    with Session(engine) as session:
        stored = session.exec(select(Dossier)).one().created_at
    assert stored.tzinfo is not None
    assert stored == local
    assert stored.astimezone(UTC).hour == 2
