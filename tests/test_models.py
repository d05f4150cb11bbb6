"""The schema on both backends."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from khaosat.database import init_schema, schema_revision
from khaosat.migrations import head
from khaosat.models import Dossier, OutboxMessage, OutboxState, Procedure, Round, Survey, SurveyStatus, Unit


def test_init_is_repeatable(engine):
    """Running init on an initialised database keeps its revision and data."""
    with Session(engine) as session:
        session.add(Unit(code="VP", name="Văn phòng"))
        session.commit()
    assert init_schema(engine) == head()
    with Session(engine) as session:
        assert session.exec(select(Unit.code)).all() == ["VP"]
        assert schema_revision(session.connection()) == head()


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


def _count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


RESPONDED = col(Survey.responded).is_(True)
SURVEY_FIGURES = (
    sa.func.count(),
    _count_if(sa.or_(col(Survey.sent_at).is_not(None), RESPONDED)),
    _count_if(RESPONDED),
    _count_if(col(Survey.status) == SurveyStatus.failed),
)
RECEIVED = col(Dossier.received_on)
COUNTING_QUERIES = {
    "dossiers per unit and procedure, days of a round": (
        select(Dossier.unit_id, Dossier.procedure_id, sa.func.count())
        .where(RECEIVED.between(date(2025, 12, 21), date(2026, 10, 31)))
        .group_by(col(Dossier.unit_id), col(Dossier.procedure_id)),
        "ix_dossier_received",
    ),
    "dossiers per unit, two ranges of days": (
        select(Dossier.unit_id, sa.func.count())
        .where(
            sa.or_(
                RECEIVED.between(date(2025, 12, 21), date(2025, 12, 31)),
                RECEIVED.between(date(2026, 1, 1), date(2026, 10, 31)),
            )
        )
        .group_by(col(Dossier.unit_id)),
        "ix_dossier_received",
    ),
    "surveys per unit, procedure and channel, round by id": (
        select(Survey.unit_id, Dossier.procedure_id, Survey.channel, *SURVEY_FIGURES)
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .where(col(Survey.round_id) == 1)
        .group_by(col(Survey.unit_id), col(Dossier.procedure_id), col(Survey.channel)),
        "ix_survey_round_counts",
    ),
    "surveys per unit, round by name": (
        select(Survey.unit_id, *SURVEY_FIGURES[1:])
        .join(Round, col(Round.id) == col(Survey.round_id))
        .where(col(Round.name) == "2026-1")
        .group_by(col(Survey.unit_id)),
        "ix_survey_round_counts",
    ),
    "the queues: outbox rows waiting, by state and channel": (
        select(OutboxMessage.state, OutboxMessage.channel, sa.func.count())
        .where(col(OutboxMessage.state).in_([OutboxState.pending, OutboxState.uncertain]))
        .group_by(col(OutboxMessage.state), col(OutboxMessage.channel)),
        "ix_outboxmessage_state_channel",
    ),
}


@pytest.mark.parametrize("counting", sorted(COUNTING_QUERIES))
def test_counting_a_round_reads_its_index(engine, counting):
    """A round's counts (by the rows: rates, the audit's recount) search their index, not the whole table.

    PostgreSQL is told to avoid sequential scans: on a few rows it would rightly prefer one, and
    the question is whether the index can serve the query.
    """
    query, index = COUNTING_QUERIES[counting]
    with engine.begin() as connection:
        sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}")]
    text = "\n".join(plan)
    assert index in text, text
    scans = ("SCAN dossier", "SCAN survey", "SCAN outboxmessage", "Seq Scan")
    assert not any(scan in text for scan in scans), text
