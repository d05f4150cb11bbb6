"""A round of surveys for report tests: dossiers per unit, some sent, some returned with answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from khaosat.mailer.outbox import mark_sent, queue_new_surveys
from khaosat.models import Dossier, OutboxMessage, ResponseMethod, Survey, Unit
from khaosat.settings import Settings
from khaosat.survey.responses import ReadAnswers, record_answers

from .factories import add_dossier

# 08:00 on Monday 30 November 2026 in Asia/Ho_Chi_Minh: round 2026-2 (1/11 – 20/12) is open.
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
RECEIVED = date(2026, 11, 10)

UNIT_NAMES = {
    "QLCN": "Phòng Quản lý chuyên ngành",
    "KHTC": "Phòng Kế hoạch – Tài chính",
    "TDC": "Chi cục Tiêu chuẩn Đo lường Chất lượng",
}

AnswersFor = Callable[[str, int], Mapping[str, str | None]]


def overall_five(unit: str, index: int) -> Mapping[str, str | None]:
    return {"D1": "5"}


def seed_round(
    engine: Engine,
    settings: Settings,
    counts: Mapping[str, tuple[int, int, int]],
    *,
    answers: AnswersFor = overall_five,
    procedure: Callable[[str, int], tuple[str, str]] | None = None,
    received_on: date = RECEIVED,
    today: date = TODAY,
) -> None:
    """Per unit code (dossiers, sent, returned): the first ``sent`` delivered, the first ``returned`` answered."""
    with Session(engine) as session:
        for unit, (dossiers, _, _) in counts.items():
            for index in range(dossiers):
                code, name = procedure(unit, index) if procedure else ("1.004", "Cấp giấy chứng nhận hoạt động KH&CN")
                add_dossier(
                    session,
                    f"{unit}-{index:03d}",
                    received_on=received_on,
                    unit=unit,
                    unit_name=UNIT_NAMES.get(unit, unit),
                    procedure=code,
                    procedure_name=name,
                    email=f"{unit.lower()}{index}@example.vn",
                )
        queue_new_surveys(session, settings, form_version="1", today=today)
        for unit, (_, sent, returned) in counts.items():
            rows = unit_outbox(session, unit)
            for index, (row, survey) in enumerate(rows[:sent]):
                mark_sent(session, row, now=NOW - timedelta(days=10))
                if index < returned:
                    record_more(session, survey, answers(unit, index))
        session.commit()


def unit_outbox(session: Session, unit: str) -> list[tuple[OutboxMessage, Survey]]:
    rows = session.exec(
        select(OutboxMessage, Survey)
        .join(Survey, col(Survey.id) == col(OutboxMessage.survey_id))
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Unit, col(Unit.id) == col(Survey.unit_id))
        .where(col(Unit.code) == unit)
        .order_by(col(Dossier.code))
    ).all()
    return [(row, survey) for row, survey in rows]


def record_more(session: Session, survey: Survey, answers: Mapping[str, str | None]) -> None:
    read = ReadAnswers(answers=dict(answers), method=ResponseMethod.acroform)
    record_answers(session, survey, read, matched_by="qr", now=NOW - timedelta(days=5))


def answer_next(engine: Engine, unit: str, how_many: int, answers: AnswersFor = overall_five) -> None:
    """Record replies for the next ``how_many`` sent, unanswered surveys of ``unit``."""
    with Session(engine) as session:
        waiting = [survey for row, survey in unit_outbox(session, unit) if survey.sent_at and not survey.responded]
        for index, survey in enumerate(waiting[:how_many]):
            record_more(session, survey, answers(unit, index))
        session.commit()
