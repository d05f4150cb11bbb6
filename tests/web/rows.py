"""Reading the database back in the web tests: the responses of a survey, a snapshot of every row."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from khaosat.models import InboundMessage, Response, Survey

FIELD = re.compile(r'name="(_csrf|_base|_ma)" value="([^"]*)"')


def responses(engine: Engine, survey: Survey) -> list[Response]:
    with Session(engine) as session:
        return list(
            session.exec(select(Response).where(col(Response.survey_id) == survey.id).order_by(col(Response.id)))
        )


def counted(engine: Engine, survey: Survey) -> list[Response]:
    return [response for response in responses(engine, survey) if response.counted]


def inbound_of(engine: Engine, response: Response) -> InboundMessage:
    with Session(engine) as session:
        inbound = session.get(InboundMessage, response.inbound_id)
        assert inbound is not None
        return inbound


def reload(engine: Engine, survey: Survey) -> Survey:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Survey, survey.id)
        assert row is not None
        return row


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: what "no row changed" compares."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(sa.select(table))), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of a form page (its CSRF token, the version it was made from)."""
    return dict(FIELD.findall(html))


def answers(**given: str) -> dict[str, str]:
    """A full answer: every rating 4, the overall 5, then ``given``."""
    ratings = [
        f"B{section}_{item}"
        for section, items in [(1, 4), (2, 4), (3, 5), (4, 3), (5, 3)]
        for item in range(1, items + 1)
    ]
    return {**dict.fromkeys(ratings, "4"), "C1": "0", "C2": "1", "D1": "5", **given}
