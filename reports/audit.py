"""``khaosat audit``: proof that each round's figures add up, per unit, down to the raw files.

Per round and unit, with the categories of reports/reconcile.py (sent, pending and failed
dossiers; returned and outstanding forms):

- ``dossiers``: dossiers = sent + pending + failed, from the rows;
- ``sent``: sent = returned + outstanding, from the rows;
- ``counter``: every counter the reports read (each unit, procedure and channel apart)
  equals its recount from the rows (the figures of ``survey.counts.recount``);
- ``survey``: no survey row contradicts itself or its dossier (responded and failed, "sent"
  without a date, another unit or round than its dossier's…);
- ``reply``: a survey is returned exactly when one of its replies counts, and no reply
  lacks its survey;
- ``raw``: every counted reply points to its archived raw message or file, which is there
  and (with ``--hashes``) still hashes to its name (reports/raw_files.py).

Every mismatch is one ``Problem`` naming its unit and what is wrong. The counters and the
rows are read in one snapshot, so a daemon working meanwhile never shows as a difference:
its change and its counter commit together.

At a province's scale the rows are read once each: every counted reply of the database in
one stream (in survey order, each traced to its file and tallied as it goes by), and per
round one pass over its surveys joined to their dossiers and one over its dossiers, counted
in SQL. What those passes find at fault is read again, only then, to be named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session, col, select

from ..language import N_, tr
from ..models import Procedure, Round, Unit
from ..settings import Settings
from ..survey.counts import FIGURES, CountKey, Counts, round_days, stored
from .rates import resolve_round
from .raw_files import RawCheck, RawPath, by_reply, counted_replies, purged_rounds
from .reconcile import (
    Ledger,
    Names,
    Problem,
    ReplyTally,
    contradictions,
    dossier_tallies,
    ledger_problems,
    recounted,
    replies_without_survey,
    reply_problems,
    survey_faults,
    survey_problem,
    survey_tallies,
    waiting,
)

CHECKS = {
    "dossiers": N_("Hồ sơ = Đã gửi + Chờ gửi + Thất bại"),
    "sent": N_("Đã gửi = Trả lời + Chưa trả lời"),
    "counter": N_("bộ đếm = đếm lại từ dữ liệu"),
    "survey": N_("trạng thái phiếu"),
    "reply": N_("phiếu trả lời được tính"),
    "raw": N_("tệp gốc của phiếu trả lời"),
}
LABELS = {
    "dossiers": N_("Hồ sơ"),
    "surveys": N_("Phiếu"),
    "sent": N_("Đã gửi"),
    "returned": N_("Trả lời"),
    "failed": N_("Thất bại"),
}


@dataclass(frozen=True)
class UnitAudit:
    unit: str
    name: str
    counters: Counts  # summed over procedures and channels
    recount: Counts
    ledger: Ledger


@dataclass(frozen=True)
class RoundAudit:
    round: str
    units: list[UnitAudit]
    problems: list[Problem]
    replies_checked: int = 0  # counted replies traced to their raw file
    erased: int = 0  # of which the raw file was erased by the purge of personal data (privacy.py) ...
    erased_on: date | None = None  # ... on that day

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AuditReport:
    rounds: list[RoundAudit]
    problems: list[Problem]  # those of no round: replies whose survey is gone
    rehashed: bool = False  # every raw file read and hashed again, not only found

    @property
    def ok(self) -> bool:
        return not self.problems and all(audit.ok for audit in self.rounds)


# --- pure -----------------------------------------------------------------------------------


def differences(
    counters: Mapping[CountKey, Counts], recounted: Mapping[CountKey, Counts]
) -> list[tuple[CountKey, str, int, int]]:
    """(key, figure, counter, recount) for every figure of every key that differs."""
    found = []
    for key in sorted(counters.keys() | recounted.keys()):
        kept, truth = counters.get(key, Counts()), recounted.get(key, Counts())
        found += [(key, name, getattr(kept, name), getattr(truth, name)) for name in FIGURES]
    return [difference for difference in found if difference[2] != difference[3]]


def counter_problem(unit: str, procedure: str, channel: str, figure: str, counter: int, counted: int) -> Problem:
    what = tr("kênh {channel}", channel=channel) if channel else tr("hồ sơ")
    where = tr("thủ tục {procedure}, {what}", procedure=procedure, what=what)
    return Problem(
        unit,
        "counter",
        tr(
            "{unit}: {figure} — bộ đếm {counter}, đếm lại từ dữ liệu {counted} ({where})",
            unit=unit,
            figure=tr(LABELS[figure]),
            counter=counter,
            counted=counted,
            where=where,
        ),
        {"figure": figure, "found": counter, "expected": counted, "procedure": procedure, "channel": channel},
    )


def per_unit(counts: Mapping[CountKey, Counts]) -> dict[int, Counts]:
    totals: dict[int, Counts] = {}
    for key, figures in counts.items():
        totals[key.unit_id] = totals.get(key.unit_id, Counts()) + figures
    return totals


def ledger_of(figures: Counts, waiting: tuple[int, int]) -> Ledger:
    """A unit's ledger from its recounted figures and its (pending, outstanding)."""
    pending, outstanding = waiting
    return Ledger(figures.dossiers, figures.sent, pending, figures.failed, figures.returned, outstanding)


def round_audit(
    name: str,
    counters: Mapping[CountKey, Counts],
    recounted: Mapping[CountKey, Counts],
    waiting: Mapping[int, tuple[int, int]],
    units: Names,
    procedures: Mapping[int, str],
    rows: Sequence[Problem] = (),
    replies_checked: int = 0,
) -> RoundAudit:
    """The round's units (by code) and every problem: the counters', the ledgers', and ``rows`` (the rows' own)."""
    kept, truth = per_unit(counters), per_unit(recounted)
    problems = [
        counter_problem(units[key.unit_id][0], procedures[key.procedure_id], key.channel, figure, counter, counted)
        for key, figure, counter, counted in differences(counters, recounted)
    ]
    audited = []
    for unit_id in kept.keys() | truth.keys() | waiting.keys():
        code, unit_name = units[unit_id]
        ledger = ledger_of(truth.get(unit_id, Counts()), waiting.get(unit_id, (0, 0)))
        audited.append(UnitAudit(code, unit_name, kept.get(unit_id, Counts()), truth.get(unit_id, Counts()), ledger))
        problems += ledger_problems(code, ledger)
    checks = list(CHECKS)
    problems = sorted([*problems, *rows], key=lambda problem: (problem.unit, checks.index(problem.check)))
    return RoundAudit(name, sorted(audited, key=lambda unit: unit.unit), problems, replies_checked)


# --- database -------------------------------------------------------------------------------


def _one_snapshot(session: Session) -> None:
    """Read everything that follows at one moment: REPEATABLE READ on PostgreSQL, one read
    transaction on SQLite (whose driver starts none for reads). Call first in the session."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection().exec_driver_sql("BEGIN")


def audit(
    session: Session, settings: Settings, round_name: str | None = None, *, raw_path: RawPath, rehash: bool = False
) -> AuditReport:
    """Every round of the database (or the one named) audited, by start; ``raw_path`` finds an archived file.

    With ``rehash`` every raw file is read and hashed again, not only looked up.
    """
    _one_snapshot(session)
    query = select(Round.id, Round.name).order_by(col(Round.starts_on))
    if round_name is not None:
        query = query.where(col(Round.name) == resolve_round(settings, round_name, None).name)
    rounds = [(round_id, name) for round_id, name in session.exec(query).all() if round_id is not None]
    units = _names(session, Unit)
    procedures = {key: code for key, (code, _) in _names(session, Procedure).items()}
    purged = purged_rounds(session)
    check = RawCheck(raw_path, units, rehash=rehash, purged=purged)
    replies = _traced_replies(session, [round_id for round_id, _ in rounds], check)
    audited = [
        replace(
            _audit_round(session, round_id, name, units, procedures, *replies[round_id]),
            erased=check.erased[round_id],
            erased_on=purged.get(round_id),
        )
        for round_id, name in rounds
    ]
    return AuditReport(audited, replies_without_survey(session), rehashed=rehash)


def _traced_replies(
    session: Session, round_ids: list[int], check: RawCheck
) -> dict[int, tuple[ReplyTally, list[Problem]]]:
    """One pass over every counted reply: each of the rounds' traced to its raw file and tallied for
    its round's reply check. round id → (tally, raw-file problems)."""
    traced: dict[int, tuple[ReplyTally, list[Problem]]] = {round_id: (ReplyTally(), []) for round_id in round_ids}
    for reply in counted_replies(session):
        if reply.round_id in traced:
            tally, problems = traced[reply.round_id]
            tally.see(reply.survey_id, reply.returned)
            if (problem := check.problem(reply)) is not None:
                problems.append(problem)
    return traced


def _audit_round(
    session: Session,
    round_id: int,
    name: str,
    units: Names,
    procedures: Mapping[int, str],
    replies: ReplyTally,
    raw: list[Problem],
) -> RoundAudit:
    """One pass over the round's surveys and one over its dossiers, then its counters; the rows at
    fault are read again only to be named."""
    days = round_days(session, round_id)
    surveys, dossiers = survey_tallies(session, round_id, days), dossier_tallies(session, days)
    rows = by_reply(raw)
    if any(tally.contradicting for tally in surveys):
        rows += [
            survey_problem(row, faults, units)
            for row in contradictions(session, round_id, days)
            if (faults := survey_faults(row, days, name, units))
        ]
    if not replies.agrees(sum(tally.counts.returned for tally in surveys)):
        rows += reply_problems(session, round_id, units)
    truth, ledgers = recounted(round_id, dossiers, surveys), waiting(dossiers, surveys)
    return round_audit(name, stored(session, round_id), truth, ledgers, units, procedures, rows, replies.counted)


def _names(session: Session, model: type[Unit] | type[Procedure]) -> Names:
    """Every row's (code, name): units and procedures are a few hundred rows at most."""
    rows = session.exec(select(model.id, model.code, model.name)).all()
    return {row_id: (code, name) for row_id, code, name in rows if row_id is not None}
