"""Satisfaction arithmetic on hand-made answers, checked against numbers computed by hand."""

from fractions import Fraction

from khaosat.reports.satisfaction import (
    Factor,
    Levels,
    Scheme,
    as_percent,
    item_score,
    mean_of,
    scheme_of,
    score_group,
    score_groups,
)
from khaosat.survey.questionnaire import load_questionnaire

SCHEME = Scheme(factors=(Factor("a", "A", ("a1", "a2")), Factor("b", "B", ("b1",))), overall=("D1",))
RESPONSES = [
    {"a1": "5", "a2": "4", "b1": "3", "D1": "5"},
    {"a1": "4", "a2": "na", "b1": None, "D1": "4"},
    {"a1": "2", "a2": "5", "b1": "5", "D1": "2"},
    {"a1": "na", "a2": None, "b1": "4"},
]


def test_item_counts_only_answers_one_to_five():
    """ "na", blanks and anything outside 1–5 are not valid answers."""
    score = item_score("a1", ["5", "4", "2", "na", None, "", "6", "0"])
    assert (score.valid, score.satisfied, score.points) == (3, 2, 11)
    assert score.ratio == Fraction(2, 3) and score.mean == Fraction(11, 3)
    assert score.levels == Levels(very=1, satisfied=1, not_satisfied=1)


def test_item_without_valid_answers_has_no_ratio():
    score = item_score("a2", ["na", None])
    assert score.valid == 0 and score.ratio is None and score.mean is None


def test_factor_and_overall_indices_by_hand():
    """a1 = 2/3, a2 = 2/2, b1 = 2/3 → A = 5/6, B = 2/3, overall = 3/4."""
    group = score_group("QLCN", "Phòng Quản lý chuyên ngành", RESPONSES, SCHEME)
    assert group.responses == 4
    assert group.items["a1"].ratio == Fraction(2, 3)
    assert group.items["a2"].ratio == 1
    assert group.items["b1"].ratio == Fraction(2, 3)
    assert group.factors == {"a": Fraction(5, 6), "b": Fraction(2, 3)}
    assert group.index == Fraction(3, 4) and as_percent(group.index) == 75.0


def test_three_levels_are_counted_on_the_overall_question():
    group = score_group("all", "", RESPONSES, SCHEME)
    assert group.levels == Levels(very=1, satisfied=1, not_satisfied=1)
    assert group.levels.shares() == (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))


def test_without_an_overall_question_levels_pool_the_factor_items():
    scheme = Scheme(factors=SCHEME.factors)
    group = score_group("all", "", RESPONSES, scheme)
    # valid factor answers: 5 4 3 | 4 | 2 5 5 | 4 → 5: 3, 4: 3, 1–3: 2
    assert group.levels == Levels(very=3, satisfied=3, not_satisfied=2)


def test_a_factor_without_valid_answers_is_left_out_of_the_overall_index():
    group = score_group("x", "", [{"a1": "5", "a2": "3", "b1": "na"}], SCHEME)
    assert group.factors == {"a": Fraction(1, 2), "b": None}
    assert group.index == Fraction(1, 2)
    assert score_group("x", "", [], SCHEME).index is None
    assert mean_of([None, None]) is None


def test_groups_are_scored_in_key_order():
    grouped = {("TDC", "Chi cục"): RESPONSES[:1], ("KHTC", "Phòng KH–TC"): RESPONSES[1:]}
    groups = score_groups(grouped, SCHEME)
    assert [(g.key, g.responses) for g in groups] == [("KHTC", 3), ("TDC", 1)]


def test_scheme_of_the_default_questionnaire():
    """The five SIPAS factors with their rated items; D1 is the overall question; C is not rated."""
    scheme = scheme_of(load_questionnaire())
    assert [(f.code, len(f.items)) for f in scheme.factors] == [
        ("access", 4),
        ("procedure", 4),
        ("officials", 5),
        ("result", 3),
        ("feedback", 3),
    ]
    assert scheme.factors[0].title == "B1. Tiếp cận dịch vụ"
    assert scheme.overall == ("D1",)
    assert "C1" not in scheme.rated
