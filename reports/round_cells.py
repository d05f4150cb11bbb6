"""A round read from the database as cells: per unit, procedure and channel, the figures and the answers' tally.

Every table of the round report is a sum of cells (reports/round.py): per unit, per
procedure, per channel, for the whole round. Our own cells come from the round's counters
(the figures ``report rates`` reads) and from the answers of the counted responses, tallied
by the database (one GROUP BY, whatever the number of replies); a sub-unit's come from its
import (reports/subunits.py) under the channel ``SUBUNIT``. The comments are read here too:
the text typed in filled PDFs and on the web, and the paper forms whose comment box was
kept as an image crop at intake (``[storage] dir``/evidence/<inbound>/<code>-p<page>-<question>.png).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from ..models import Answer, Dossier, Procedure, Response, ResponseMethod, Round, RoundCount, Survey, Unit
from ..survey.codes import display_code
from .satisfaction import Tally
from .subunits import reported_cells

SUBUNIT = "subunit"  # the channel of a sub-unit's own results
DOSSIERS = ""  # the counters' channel of the dossiers received (a dossier has no channel)
Named = tuple[str, str]  # (code, name)


@dataclass(frozen=True)
class Cell:
    """One unit, procedure and channel of a round."""

    unit: Named
    procedure: Named
    channel: str  # a survey channel, DOSSIERS, or SUBUNIT
    dossiers: int = 0
    sent: int = 0
    returned: int = 0
    failed: int = 0
    tally: Tally = field(default_factory=Tally)
    subunit: str = ""  # the sub-unit that reported it


@dataclass(frozen=True)
class Comment:
    survey: str  # the survey's code as printed (XXXX-XXXX)
    unit: str
    procedure: str
    method: str  # acroform (a PDF filled on screen), web, manual
    text: str


@dataclass(frozen=True)
class PaperComment:
    """A paper or fax form counted in the round: its comment box is an image, listed by survey code."""

    survey: str
    unit: str
    crops: list[str]  # the images, relative to [storage] dir; empty when none was kept


Key = tuple[str, str, str]  # unit code, procedure code, channel


def _round(round_name: str) -> sa.ColumnElement[bool]:
    return col(Round.name) == round_name


def counter_cells(session: Session, round_name: str) -> dict[Key, Cell]:
    """The round's counters, each unit, procedure and channel apart."""
    query = (
        sa.select(
            col(Unit.code),
            col(Unit.name),
            col(Procedure.code),
            col(Procedure.name),
            col(RoundCount.channel),
            col(RoundCount.dossiers),
            col(RoundCount.sent),
            col(RoundCount.returned),
            col(RoundCount.failed),
        )
        .select_from(RoundCount)
        .join(Round, col(Round.id) == col(RoundCount.round_id))
        .join(Unit, col(Unit.id) == col(RoundCount.unit_id))
        .join(Procedure, col(Procedure.id) == col(RoundCount.procedure_id))
        .where(_round(round_name))
    )
    return {
        (unit, procedure, str(channel)): Cell((unit, unit_name), (procedure, procedure_name), str(channel), *figures)
        for unit, unit_name, procedure, procedure_name, channel, *figures in session.execute(query)
        if any(figures)
    }


def _counted(query: Any, round_name: str) -> Any:
    """``query`` over the round's counted responses, joined to their survey, dossier, unit and procedure."""
    return (
        query.join(Survey, col(Survey.id) == col(Response.survey_id))
        .join(Round, col(Round.id) == col(Survey.round_id))
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .join(Unit, col(Unit.id) == col(Survey.unit_id))
        .join(Procedure, col(Procedure.id) == col(Dossier.procedure_id))
        .where(_round(round_name), col(Response.counted).is_(True))
    )


def tallies(session: Session, round_name: str, questions: Sequence[str]) -> dict[Key, Tally]:
    """The answers of the round's counted responses to ``questions``, tallied per unit, procedure and channel."""
    where = (col(Unit.code), col(Procedure.code), col(Survey.channel))
    responses = _counted(sa.select(*where, sa.func.count()).select_from(Response), round_name).group_by(*where)
    answered = (
        _counted(
            sa.select(*where, col(Answer.question), col(Answer.value), sa.func.count())
            .select_from(Answer)
            .join(Response, col(Response.id) == col(Answer.response_id)),
            round_name,
        )
        .where(col(Answer.question).in_(questions), col(Answer.value).is_not(None))
        .group_by(*where, col(Answer.question), col(Answer.value))
    )
    counts: dict[Key, dict[str, dict[str, int]]] = defaultdict(dict)
    for unit, procedure, channel, question, value, count in session.execute(answered):
        counts[str(unit), str(procedure), str(channel)].setdefault(str(question), {})[str(value)] = int(count)
    return {
        (str(unit), str(procedure), str(channel)): Tally(int(total), counts.get((unit, procedure, str(channel)), {}))
        for unit, procedure, channel, total in session.execute(responses)
    }


def our_cells(session: Session, round_name: str, questions: Sequence[str]) -> list[Cell]:
    """The round's own cells: the counters' figures with the tally of their answers."""
    cells = counter_cells(session, round_name)
    found = tallies(session, round_name, questions)
    result = [
        Cell(c.unit, c.procedure, c.channel, c.dossiers, c.sent, c.returned, c.failed, found.get(key, Tally()))
        for key, c in cells.items()
    ]
    # A tally without its counter would be a counter out of step (``khaosat audit`` says so): show it anyway.
    names = {(c.unit[0], c.procedure[0]): (c.unit, c.procedure) for c in cells.values()}
    for key, tally in found.items():
        if key not in cells:
            unit, procedure = names.get(key[:2], ((key[0], key[0]), (key[1], key[1])))
            result.append(Cell(unit, procedure, key[2], tally=tally))
    return result


def subunit_cells(session: Session, round_name: str) -> list[Cell]:
    return [
        Cell(
            cell.unit,
            cell.procedure,
            SUBUNIT,
            cell.dossiers,
            cell.sent,
            cell.returned,
            tally=cell.tally,
            subunit=cell.subunit,
        )
        for cell in reported_cells(session, round_name)
    ]


def round_cells(session: Session, round_name: str, questions: Sequence[str]) -> list[Cell]:
    """Every cell of the round: ours, then the sub-units'."""
    return [*our_cells(session, round_name, questions), *subunit_cells(session, round_name)]


# --- comments -------------------------------------------------------------------------------


def comments(session: Session, round_name: str) -> list[Comment]:
    """The text comments of the round's counted responses (PDFs filled on screen, the web, entered by hand)."""
    query = _counted(
        sa.select(col(Survey.code), col(Unit.code), col(Procedure.code), col(Response.method), col(Response.comment))
        .select_from(Response)
        .where(col(Response.comment) != ""),
        round_name,
    ).order_by(col(Unit.code), col(Survey.code))
    return [
        Comment(display_code(code), unit, procedure, str(method), text.strip())
        for code, unit, procedure, method, text in session.execute(query)
        if text.strip()
    ]


def paper_comments(
    session: Session, round_name: str, storage: Path, text_questions: Iterable[str]
) -> list[PaperComment]:
    """The round's counted paper and fax forms (read by their marks), each with its comment crops if kept."""
    query = _counted(
        sa.select(col(Survey.code), col(Unit.code), col(Response.inbound_id))
        .select_from(Response)
        .where(col(Response.method) == ResponseMethod.omr),
        round_name,
    ).order_by(col(Unit.code), col(Survey.code))
    questions = list(text_questions)
    folders: dict[int, list[str]] = {}  # inbound id → the files of its evidence folder, listed once
    return [
        PaperComment(display_code(code), unit, _crops(storage, inbound_id, code, questions, folders))
        for code, unit, inbound_id in session.execute(query)
    ]


def _crops(
    storage: Path, inbound_id: int | None, code: str, questions: Sequence[str], folders: dict[int, list[str]]
) -> list[str]:
    """The comment crops the intake kept for the form ``code`` (intake/handlers.py names them)."""
    if inbound_id is None:
        return []
    folder = storage / "evidence" / str(inbound_id)
    if inbound_id not in folders:
        folders[inbound_id] = sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []
    endings = tuple(f"-{question}.png" for question in questions)
    names = [name for name in folders[inbound_id] if name.startswith(f"{code}-p") and name.endswith(endings)]
    return [str((folder / name).relative_to(storage)) for name in names]
