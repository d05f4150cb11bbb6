"""The round report (MISSION.md P7, P8): for the board and the province, a round's rates and satisfaction.

Rates per unit are ``unit_rates`` for the round, the very figures of ``report rates`` and of
the status email, sub-units' own results included. Every other table is a sum of the
round's cells (reports/round_cells.py): rates and satisfaction per procedure and per
channel, satisfaction per unit and for the whole round, each computed from a tally of the
answers with the questionnaire's factors (reports/satisfaction.py). The previous round is
computed the same way, for the round-to-round change. Then the comments, and the sub-units'
imports with their files' hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from ..language import N_, tr
from ..settings import RoundSettings, Settings
from ..survey.questionnaire import load_questionnaire
from ..survey.rounds import Period, periods_around
from .rates import RatesReport, UnitRate, resolve_round, unit_rate, unit_rates
from .round_cells import DOSSIERS, SUBUNIT, Cell, Comment, PaperComment, comments, paper_comments, round_cells
from .satisfaction import GroupScore, Scheme, scheme_of, score_tally, sum_tallies
from .status import days_left
from .subunits import ImportRecord, imports_of

WHOLE_ROUND = N_("Toàn đợt")
CHANNEL_NAMES = {  # Vietnamese templates: tr() where shown
    "email": N_("Thư điện tử"),
    "fax": N_("Fax"),
    "post": N_("Bưu điện"),
    "counter": N_("Tại Bộ phận một cửa"),
    "web": N_("Trực tuyến (trang web)"),
    SUBUNIT: N_("Đơn vị trực thuộc tự khảo sát"),
}

Named = tuple[str, str]


@dataclass(frozen=True)
class RoundFigures:
    """One round's rates per unit and its cells: everything the tables are summed from."""

    rates: RatesReport
    cells: list[Cell]

    @property
    def period(self) -> Period:
        return self.rates.round


@dataclass(frozen=True)
class PreviousRound:
    period: Period
    rates: RatesReport
    by_unit: dict[str, GroupScore]  # unit code → its satisfaction
    overall: GroupScore


@dataclass(frozen=True)
class RoundReport:
    organization: str
    generated_at: datetime  # aware UTC
    today: date  # in the organisation's zone
    rates: RatesReport
    days_left: int
    scheme: Scheme
    questions: dict[str, str]  # rated question code → its text
    questionnaire: Named  # (id, version)
    cells: list[Cell]
    by_unit: list[GroupScore]
    by_procedure: list[GroupScore]
    by_channel: list[GroupScore]
    overall: GroupScore
    procedure_rates: list[UnitRate]
    channel_rates: list[UnitRate]
    previous: PreviousRound | None
    comments: list[Comment]
    paper_comments: list[PaperComment]
    imports: list[ImportRecord]

    @property
    def period(self) -> Period:
        return self.rates.round


# --- pure -----------------------------------------------------------------------------------


def latest_started(today: date, rounds: list[RoundSettings]) -> Period:
    """The last round that has started by ``today`` (the one in progress, or the one just closed)."""
    periods = periods_around(today, rounds, years_after=0)
    return max((p for p in periods if p.starts_on <= today), key=lambda p: p.starts_on)


def round_ending_on(day: date, rounds: list[RoundSettings]) -> Period | None:
    """The round whose deadline is ``day``, if any: its report is due."""
    return next((p for p in periods_around(day, rounds, years_after=0) if p.ends_on == day), None)


def previous_period(period: Period, rounds: list[RoundSettings]) -> Period | None:
    """The round before ``period``: the latest that ended before it started."""
    earlier = [p for p in periods_around(period.starts_on, rounds, years_after=0) if p.ends_on < period.starts_on]
    return max(earlier, key=lambda p: p.starts_on, default=None)


def channel_of(cell: Cell) -> Named:
    return cell.channel, tr(CHANNEL_NAMES[cell.channel]) if cell.channel in CHANNEL_NAMES else cell.channel


GROUPINGS: dict[str, Callable[[Cell], Named]] = {
    "unit": lambda cell: cell.unit,
    "procedure": lambda cell: cell.procedure,
    "channel": channel_of,
}


def _groups(cells: Iterable[Cell], by: str) -> dict[str, tuple[str, list[Cell]]]:
    """code → (the first name seen, its cells); dossiers have no channel, so none in a channel group."""
    grouped: dict[str, tuple[str, list[Cell]]] = {}
    for cell in cells:
        if by == "channel" and cell.channel == DOSSIERS:
            continue
        code, name = GROUPINGS[by](cell)
        grouped.setdefault(code, (name, []))[1].append(cell)
    return grouped


def group_scores(
    cells: Iterable[Cell], by: str, scheme: Scheme, names: Mapping[str, str] | None = None, keys: Iterable[str] = ()
) -> list[GroupScore]:
    """The satisfaction of each group, by code; ``keys`` are shown even without a reply; ``names`` win."""
    grouped = _groups(cells, by)
    for key in keys:
        grouped.setdefault(key, ((names or {}).get(key, key), []))
    return [
        score_tally(code, (names or {}).get(code, name), sum_tallies(cell.tally for cell in members), scheme)
        for code, (name, members) in sorted(grouped.items())
    ]


def group_rates(cells: Iterable[Cell], by: str, target: float) -> list[UnitRate]:
    """Dossiers, sent, returned and failed of each group, by code, with the rate against ``target``."""
    return [
        unit_rate(
            code,
            name,
            dossiers=sum(cell.dossiers for cell in members),
            sent=sum(cell.sent for cell in members),
            returned=sum(cell.returned for cell in members),
            failed=sum(cell.failed for cell in members),
            target=target,
        )
        for code, (name, members) in sorted(_groups(cells, by).items())
    ]


def whole(cells: Sequence[Cell], scheme: Scheme) -> GroupScore:
    return score_tally("", tr(WHOLE_ROUND), sum_tallies(cell.tally for cell in cells), scheme)


def unit_names(rates: RatesReport) -> dict[str, str]:
    """Each unit's name as the rates show it (marked when a sub-unit reported it)."""
    return {rate.unit: rate.name for rate in rates.units}


# --- database -------------------------------------------------------------------------------


def round_figures(session: Session, settings: Settings, period: Period, questions: Sequence[str]) -> RoundFigures:
    rates = unit_rates(session, settings, round_name=period.name)
    return RoundFigures(rates, round_cells(session, period.name, questions))


def previous_round(
    session: Session, settings: Settings, period: Period, scheme: Scheme, questions: Sequence[str]
) -> PreviousRound | None:
    """The round before ``period`` with its rates and satisfaction; None when it has no figures."""
    before = previous_period(period, settings.rounds)
    if before is None:
        return None
    figures = round_figures(session, settings, before, questions)
    if not figures.rates.units and not figures.cells:
        return None
    by_unit = group_scores(figures.cells, "unit", scheme)
    return PreviousRound(before, figures.rates, {g.key: g for g in by_unit}, whole(figures.cells, scheme))


def build_round_report(session: Session, settings: Settings, round_name: str | None, now: datetime) -> RoundReport:
    """The round report of ``round_name`` (default: the last round that has started) as of ``now``."""
    today = now.astimezone(settings.organization.zone).date()
    period = resolve_round(settings, round_name or latest_started(today, settings.rounds).name, today)
    questionnaire = load_questionnaire(settings.survey.questionnaire)
    scheme = scheme_of(questionnaire)
    choice = [question.code for question in questionnaire.choice_questions]
    figures = round_figures(session, settings, period, choice)
    names = unit_names(figures.rates)
    target = settings.report.target
    text_questions = [question.code for question in questionnaire.questions if question.kind == "text"]
    return RoundReport(
        organization=settings.organization.name,
        generated_at=now,
        today=today,
        rates=figures.rates,
        days_left=days_left(period, today),
        scheme=scheme,
        questions={code: questionnaire.question(code).text for code in scheme.rated},
        questionnaire=(questionnaire.id, questionnaire.version),
        cells=figures.cells,
        by_unit=group_scores(figures.cells, "unit", scheme, names, keys=names),
        by_procedure=group_scores(figures.cells, "procedure", scheme),
        by_channel=group_scores(figures.cells, "channel", scheme),
        overall=whole(figures.cells, scheme),
        procedure_rates=group_rates(figures.cells, "procedure", target),
        channel_rates=group_rates(figures.cells, "channel", target),
        previous=previous_round(session, settings, period, scheme, choice),
        comments=comments(session, period.name),
        paper_comments=paper_comments(session, period.name, settings.storage.dir, text_questions),
        imports=imports_of(session, period.name),
    )
