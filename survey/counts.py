"""The counters: a round's figures per unit, procedure and channel, moved with the rows they count.

Whatever moves a figure — a dossier stored or moved by a re-import, a survey made, sent,
failed, answered or its reply withdrawn — adds its difference to the ``RoundCount`` rows in
the same transaction, so a crash can never leave a counter out of step with the rows, and a
round's rates cost the same at a million dossiers as at a thousand. The figures are those
reports/rates.py defines: dossiers received in the round (with or without a survey), kept
under channel ""; and per survey channel the surveys made, sent (an invitation delivered, or
a reply received), returned (a counted reply) and failed (every channel failed).

A dossier belongs to the round in progress on the day it was received, or the next one to
start (``period_for``); storing it makes that Round row, so the rows alone say the rounds:
a day belongs to the Round with the earliest deadline on or after it. ``recount`` computes
a round's figures from the rows that way; ``rebuild_counts`` replaces every counter with them
(after bulk inserts, or to repair); ``khaosat audit`` counts the same figures in its own
passes over the rows (``survey_figure_columns``, ``RoundDays``).

The differences of a transaction are gathered in its session and written when it commits,
just before the COMMIT, in key order: a counter is locked only for that moment, after every
survey the transaction locked, so two daemons never wait on each other in a cycle. A counter
changes by ``UPDATE … SET n = n + :d``; a missing one is first inserted with ``ON CONFLICT DO
NOTHING``, so two daemons on one PostgreSQL database never lose a change. A rollback (or a
crash) drops the differences with the rows. (Counting inside a SAVEPOINT is not supported:
its rollback would not drop them.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from ..models import Dossier, Round, RoundCount, Survey, SurveyStatus
from ..settings import RoundSettings
from .rounds import Period, period_for
from .totals import FIGURES, UNIT_TOTALS, Counts, UnitTotal, unit_totals_from_rows

COUNTERS: sa.Table = RoundCount.__table__  # type: ignore[attr-defined]
DOSSIERS = ""  # the channel of the dossiers' own counter
PENDING = "khaosat.counts"  # the session.info key of the differences waiting for the commit


class CountKey(NamedTuple):
    round_id: int
    unit_id: int
    procedure_id: int
    channel: str  # a survey channel, or DOSSIERS


Changes = dict[CountKey, Counts]


class Filed(NamedTuple):
    """Where a dossier counts, as its row says: the day received, its unit and its procedure."""

    received_on: date
    unit_id: int
    procedure_id: int


# --- pure -----------------------------------------------------------------------------------


def survey_figures(survey: Survey) -> Counts:
    """What one survey adds to its counter."""
    responded = bool(survey.responded)
    return Counts(
        surveys=1,
        sent=int(survey.sent_at is not None or responded),
        returned=int(responded),
        failed=int(survey.status == SurveyStatus.failed),
    )


def survey_key(survey: Survey, procedure_id: int) -> CountKey:
    assert survey.round_id is not None and survey.unit_id is not None
    return CountKey(survey.round_id, survey.unit_id, procedure_id, str(survey.channel))


def accumulate(changes: Changes, key: CountKey, counts: Counts) -> None:
    changes[key] = changes.get(key, Counts()) + counts


# --- writes ---------------------------------------------------------------------------------


def add(session: Session, changes: Mapping[CountKey, Counts]) -> None:
    """Add each key's difference to its counter when the session's transaction commits."""
    pending = _pending(session)
    for key, delta in changes.items():
        accumulate(pending, key, delta)


def _pending(session: Session) -> Changes:
    pending: Changes | None = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = {}
        sa.event.listen(session, "before_commit", _write_pending)
        sa.event.listen(session, "after_transaction_end", _forget_pending)
    return pending


def _write_pending(session: Session) -> None:
    pending: Changes = session.info[PENDING]
    for key in sorted(pending):
        if pending[key]:
            _add_one(session, key, pending[key])
    pending.clear()


def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: written if committed, void if not
        session.info[PENDING].clear()


def _add_one(session: Session, key: CountKey, delta: Counts) -> None:
    row = sa.and_(*(COUNTERS.c[name] == value for name, value in key._asdict().items()))
    moved = {name: COUNTERS.c[name] + getattr(delta, name) for name in FIGURES if getattr(delta, name)}
    update = sa.update(COUNTERS).where(row).values(moved)
    if session.execute(update).rowcount == 0:  # type: ignore[attr-defined]
        session.execute(_insert(session).values(**key._asdict()).on_conflict_do_nothing())
        session.execute(update)


def _insert(session: Session) -> Any:
    """The dialect's INSERT (both offer ON CONFLICT DO NOTHING), imported when a counter is new."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(COUNTERS).values(**dict.fromkeys(FIGURES, 0))


def ensure_round(session: Session, period: Period) -> Round:
    """The Round row of ``period``, created when missing."""
    row = session.exec(select(Round).where(Round.name == period.name)).first()
    if row is None:
        row = Round(name=period.name, starts_on=period.starts_on, ends_on=period.ends_on)
        session.add(row)
        session.flush()
    return row


def round_ids(session: Session, rounds: list[RoundSettings], days: Iterable[date]) -> dict[date, int]:
    """The Round row of each day (``period_for``), made when missing."""
    periods = {day: period_for(day, rounds) for day in set(days)}
    ids: dict[str, int] = {}
    for period in periods.values():
        if period.name not in ids:
            row = ensure_round(session, period)
            assert row.id is not None
            ids[period.name] = row.id
    return {day: ids[period.name] for day, period in periods.items()}


def dossiers_moved(
    session: Session, rounds: list[RoundSettings], moves: Iterable[tuple[Filed | None, Filed | None]]
) -> None:
    """Each dossier leaves its old counter (None: it is new) for its new one."""
    moves = list(moves)
    days = [filed.received_on for move in moves for filed in move if filed is not None]
    round_of = round_ids(session, rounds, days)
    changes: Changes = {}
    for old, new in moves:
        for filed, sign in ((old, -1), (new, 1)):
            if filed is not None:
                key = CountKey(round_of[filed.received_on], filed.unit_id, filed.procedure_id, DOSSIERS)
                accumulate(changes, key, Counts(dossiers=sign))
    add(session, changes)


def survey_made(session: Session, survey: Survey, procedure_id: int) -> None:
    """A new survey (flushed) joins its counter."""
    add(session, {survey_key(survey, procedure_id): survey_figures(survey)})


@contextmanager
def survey_change(session: Session, survey: Survey) -> Iterator[None]:
    """Count what the block changes in ``survey``.

    The survey is locked and read again first (FOR UPDATE on PostgreSQL), so a change made
    meanwhile by another daemon is counted once, from the state it left.
    """
    session.flush()
    session.refresh(survey, with_for_update=True)
    procedure_id = session.exec(select(Dossier.procedure_id).where(col(Dossier.id) == survey.dossier_id)).one()
    before_key, before = survey_key(survey, procedure_id), survey_figures(survey)
    yield
    changes: Changes = {}
    accumulate(changes, before_key, -before)
    accumulate(changes, survey_key(survey, procedure_id), survey_figures(survey))
    add(session, changes)


# --- reads ----------------------------------------------------------------------------------


def unit_totals(session: Session, round_name: str) -> list[UnitTotal]:
    """The round's figures per unit (``survey.totals.UNIT_TOTALS``), by unit code."""
    return unit_totals_from_rows(session.execute(sa.text(UNIT_TOTALS), {"round": round_name}))


def stored(session: Session, round_id: int) -> dict[CountKey, Counts]:
    """The round's counters as they stand, zeros left out."""
    query = sa.select(COUNTERS).where(COUNTERS.c.round_id == round_id)
    found = {}
    for row in session.execute(query).mappings():
        counts = Counts(*(row[name] for name in FIGURES))
        if counts:
            found[CountKey(*(row[name] for name in CountKey._fields))] = counts
    return found


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """How many rows of the group meet ``condition`` (0 for none)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def survey_figure_columns() -> list[sa.ColumnElement[int]]:
    """``survey_figures`` summed over a group of survey rows in SQL: surveys, sent, returned, failed."""
    responded = col(Survey.responded).is_(True)
    return [
        sa.func.count(),
        count_if(sa.or_(col(Survey.sent_at).is_not(None), responded)),
        count_if(responded),
        count_if(col(Survey.status) == SurveyStatus.failed),
    ]


class RoundDays(NamedTuple):
    """The days whose dossiers belong to a round: after the previous round's deadline, up to its own."""

    after: date | None
    ends_on: date

    def contains(self, day: date) -> bool:
        return day <= self.ends_on and (self.after is None or day > self.after)

    def condition(self, column: Any) -> sa.ColumnElement[bool]:
        """The days in SQL, a range with both ends even for the first round: given only an upper
        end, SQLite reads every dossier rather than the days' index (3.6 s instead of 0.1 at 1M)."""
        after = column >= date.min if self.after is None else column > self.after
        return sa.and_(after, column <= self.ends_on)


def round_days(session: Session, round_id: int) -> RoundDays:
    """The round's days, from the Round rows: after the latest deadline before its own, up to its own."""
    ends_on = session.exec(select(col(Round.ends_on)).where(col(Round.id) == round_id)).one()
    after = session.exec(select(sa.func.max(col(Round.ends_on))).where(col(Round.ends_on) < ends_on)).one()
    return RoundDays(after, ends_on)


def recount(session: Session, round_id: int) -> dict[CountKey, Counts]:
    """The round's figures computed from the rows (dossiers and surveys), zeros left out."""
    counted: dict[CountKey, Counts] = {}
    in_round = round_days(session, round_id).condition(col(Dossier.received_on))
    dossiers = (
        select(Dossier.unit_id, Dossier.procedure_id, sa.func.count())
        .where(in_round)
        .group_by(col(Dossier.unit_id), col(Dossier.procedure_id))
    )
    for unit_id, procedure_id, count in session.exec(dossiers):
        counted[CountKey(round_id, unit_id, procedure_id, DOSSIERS)] = Counts(dossiers=count)
    surveys = (
        sa.select(col(Survey.unit_id), col(Dossier.procedure_id), col(Survey.channel), *survey_figure_columns())
        .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
        .where(col(Survey.round_id) == round_id)
        .group_by(col(Survey.unit_id), col(Dossier.procedure_id), col(Survey.channel))
    )
    for unit_id, procedure_id, channel, made, sent, returned, failed in session.execute(surveys):
        key = CountKey(round_id, unit_id, procedure_id, str(channel))
        counted[key] = Counts(surveys=made, sent=int(sent), returned=int(returned), failed=int(failed))
    return counted


def ensure_dossier_rounds(session: Session, rounds: list[RoundSettings]) -> None:
    """Make the Round row of every dossier's round: a database filled before the counters (or by
    bulk inserts) may lack some, and ``recount`` reads the rounds from those rows. Flushes."""
    round_ids(session, rounds, session.exec(select(col(Dossier.received_on)).distinct()).all())


def rebuild_counts(session: Session) -> None:
    """Replace every counter with the figures recounted from the rows; commits (one transaction).

    Every dossier's round must have its Round row (the store makes it; else ``ensure_dossier_rounds``).

    On PostgreSQL the counters are locked first: a writer in flight finishes before the
    recount, a later one waits for it and then adds its change to the rebuilt counters.
    """
    session.flush()
    session.info.get(PENDING, {}).clear()  # the rows they come from are flushed: the recount has them
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"LOCK TABLE {COUNTERS.name} IN EXCLUSIVE MODE"))
    session.execute(sa.delete(COUNTERS))
    rows = [
        {**key._asdict(), **{name: getattr(counts, name) for name in FIGURES}}
        for round_id in session.exec(select(Round.id)).all()
        if round_id is not None
        for key, counts in recount(session, round_id).items()
    ]
    if rows:
        session.execute(sa.insert(COUNTERS), rows)
    session.commit()


def fill_if_never_counted(session: Session, rounds: list[RoundSettings]) -> bool:
    """Count a database whose dossiers were stored before the counters existed (upgraded from the
    first release): every dossier gets its round, then every counter is recomputed. True if it did."""
    never_counted = session.exec(select(RoundCount.round_id).limit(1)).first() is None
    if not never_counted or session.exec(select(Dossier.id).limit(1)).first() is None:
        return False
    ensure_dossier_rounds(session, rounds)
    rebuild_counts(session)
    return True
