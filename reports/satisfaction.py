"""Satisfaction indices: pure arithmetic on answers (QUESTIONNAIRE.md, "Numbers").

- item satisfaction = answers 4 or 5 / valid answers, where only 1–5 are valid ("na", a
  blank or an uncertain mark are not); also the item's mean on the 1–5 scale;
- factor index = mean of its items' satisfaction (items without any valid answer left out);
- overall index = mean of the factor indices (factors without any valid answer left out);
- the three-level view of one-stop-shop reports: 5 = Rất hài lòng, 4 = Hài lòng,
  1–3 = Không hài lòng, counted on the overall question(s) of the questionnaire (section
  ``overall``), or on every factor item when the questionnaire has none.

Everything is computed from a ``Tally``: how many responses, and how many gave each value to
each question. Our own responses are tallied (``tally_of``, or by the database), a sub-unit
reports its tally (reports/subunits.py), and tallies add up, so a group's score is the same
whichever way its answers came. Ratios are exact fractions; formatting rounds them only when
they are shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..survey.questionnaire import Questionnaire

RATINGS = frozenset({"1", "2", "3", "4", "5"})
SATISFIED = frozenset({"4", "5"})

Answers = Mapping[str, str | None]  # one response: question code → option value (None: blank)
ValueCounts = Mapping[str, int]  # option value → how many responses gave it


@dataclass(frozen=True)
class Tally:
    """A group's responses, and for each question how many of them gave each value (blanks not counted)."""

    responses: int = 0
    counts: Mapping[str, ValueCounts] = field(default_factory=dict)  # question code → value → count

    def __add__(self, other: Tally) -> Tally:
        merged: dict[str, Counter[str]] = {question: Counter(values) for question, values in self.counts.items()}
        for question, values in other.counts.items():
            merged.setdefault(question, Counter()).update(values)
        return Tally(self.responses + other.responses, {q: dict(values) for q, values in merged.items()})

    def of(self, question: str) -> ValueCounts:
        return self.counts.get(question, {})


def tally_of(responses: Iterable[Answers]) -> Tally:
    """The tally of a list of responses."""
    counts: dict[str, Counter[str]] = {}
    total = 0
    for answers in responses:
        total += 1
        for question, value in answers.items():
            if value is not None:
                counts.setdefault(question, Counter())[value] += 1
    return Tally(total, {question: dict(values) for question, values in counts.items()})


def sum_tallies(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


@dataclass(frozen=True)
class Levels:
    """The three-level view: how many valid answers were 5, 4, and 1–3."""

    very: int = 0
    satisfied: int = 0
    not_satisfied: int = 0

    @property
    def valid(self) -> int:
        return self.very + self.satisfied + self.not_satisfied

    def __add__(self, other: Levels) -> Levels:
        very, satisfied = self.very + other.very, self.satisfied + other.satisfied
        return Levels(very, satisfied, self.not_satisfied + other.not_satisfied)

    def shares(self) -> tuple[Fraction, Fraction, Fraction] | None:
        if not self.valid:
            return None
        return (
            Fraction(self.very, self.valid),
            Fraction(self.satisfied, self.valid),
            Fraction(self.not_satisfied, self.valid),
        )


@dataclass(frozen=True)
class ItemScore:
    question: str
    valid: int
    satisfied: int
    points: int  # the sum of the valid answers, for the mean
    levels: Levels

    @property
    def ratio(self) -> Fraction | None:
        """Answers 4 or 5 over valid answers; None when no answer was valid."""
        return Fraction(self.satisfied, self.valid) if self.valid else None

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.points, self.valid) if self.valid else None


@dataclass(frozen=True)
class Factor:
    code: str
    title: str
    items: tuple[str, ...]  # question codes


@dataclass(frozen=True)
class Scheme:
    """What the arithmetic needs from a questionnaire: factors, their items, the overall question."""

    factors: tuple[Factor, ...]
    overall: tuple[str, ...] = ()

    @property
    def rated(self) -> tuple[str, ...]:
        return tuple(code for factor in self.factors for code in factor.items) + self.overall

    @property
    def level_questions(self) -> tuple[str, ...]:
        return self.overall or tuple(code for factor in self.factors for code in factor.items)


@dataclass(frozen=True)
class GroupScore:
    """The satisfaction of one group of responses (a unit, a procedure, the whole round)."""

    key: str
    name: str
    responses: int
    items: dict[str, ItemScore]
    factors: dict[str, Fraction | None]  # factor code → index
    index: Fraction | None  # the overall index
    levels: Levels


def scheme_of(questionnaire: Questionnaire) -> Scheme:
    """The factors in questionnaire order, with the section title of each, and the overall questions."""
    factors: dict[str, Factor] = {}
    overall: list[str] = []
    for section in questionnaire.sections:
        rated = [q.code for q in section.questions if q.kind == "choice" and _is_rating(q.options)]
        if section.overall:
            overall.extend(rated)
            continue
        for question in section.questions:
            if question.factor and question.code in rated:
                known = factors.get(question.factor) or Factor(question.factor, section.title, ())
                factors[question.factor] = Factor(known.code, known.title, (*known.items, question.code))
    return Scheme(tuple(factors.values()), tuple(overall))


def _is_rating(options: Iterable[object]) -> bool:
    return {getattr(option, "value", None) for option in options} >= RATINGS


def levels_of(counts: ValueCounts) -> Levels:
    """The three levels of one question's value counts (values other than 1–5 are not valid)."""
    very, satisfied = counts.get("5", 0), counts.get("4", 0)
    return Levels(very, satisfied, sum(counts.get(value, 0) for value in ("1", "2", "3")))


def count_levels(values: Iterable[str | None]) -> Levels:
    return levels_of(Counter(value for value in values if value is not None))


def item_from_counts(question: str, counts: ValueCounts) -> ItemScore:
    valid = {value: count for value, count in counts.items() if value in RATINGS and count}
    return ItemScore(
        question=question,
        valid=sum(valid.values()),
        satisfied=sum(count for value, count in valid.items() if value in SATISFIED),
        points=sum(int(value) * count for value, count in valid.items()),
        levels=levels_of(valid),
    )


def item_score(question: str, values: Iterable[str | None]) -> ItemScore:
    return item_from_counts(question, Counter(value for value in values if value is not None))


def mean_of(ratios: Iterable[Fraction | None]) -> Fraction | None:
    """The mean of the known ratios; None when none is known."""
    known = [ratio for ratio in ratios if ratio is not None]
    return sum(known, Fraction(0)) / len(known) if known else None


def factor_indices(scheme: Scheme, items: Mapping[str, ItemScore]) -> dict[str, Fraction | None]:
    return {factor.code: mean_of(items[code].ratio for code in factor.items) for factor in scheme.factors}


def score_tally(key: str, name: str, tally: Tally, scheme: Scheme) -> GroupScore:
    """The satisfaction of a group from its tally."""
    items = {code: item_from_counts(code, tally.of(code)) for code in scheme.rated}
    factors = factor_indices(scheme, items)
    levels = sum((levels_of(tally.of(code)) for code in scheme.level_questions), Levels())
    return GroupScore(key, name, tally.responses, items, factors, mean_of(factors.values()), levels)


def score_group(key: str, name: str, responses: Sequence[Answers], scheme: Scheme) -> GroupScore:
    return score_tally(key, name, tally_of(responses), scheme)


def score_groups(grouped: Mapping[tuple[str, str], Sequence[Answers]], scheme: Scheme) -> list[GroupScore]:
    """One score per (key, name) group, in key order."""
    return [score_group(key, name, grouped[key, name], scheme) for key, name in sorted(grouped)]


def score_tallies(tallies: Mapping[tuple[str, str], Tally], scheme: Scheme) -> list[GroupScore]:
    """One score per (key, name) tally, in key order."""
    return [score_tally(key, name, tallies[key, name], scheme) for key, name in sorted(tallies)]


def as_percent(ratio: Fraction | None) -> float | None:
    """A ratio as a percentage for display and spreadsheets (None stays None)."""
    return None if ratio is None else float(ratio * 100)
