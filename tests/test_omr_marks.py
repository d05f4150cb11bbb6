"""Mark decisions: pure numbers in, one answer or a reason to review out."""

from __future__ import annotations

import numpy as np

from khaosat.intake.marks import Ink, decide, floor, measure

VALUES = ["1", "2", "3", "4", "5", "na"]


def inks(*ratios: float, cells: float = 0.0) -> list[Ink]:
    return [Ink(ratio, cells) for ratio in ratios]


def test_one_clear_mark_is_the_answer() -> None:
    decision = decide(VALUES, inks(0.0, 0.01, 0.0, 0.2, 0.0, 0.0))
    assert (decision.value, decision.uncertain) == ("4", False)


def test_no_mark_is_blank() -> None:
    decision = decide(VALUES, inks(0.0, 0.005, 0.01, 0.0, 0.0, 0.0))
    assert (decision.value, decision.uncertain) == (None, False)


def test_two_marks_go_to_review() -> None:
    assert decide(VALUES, inks(0.2, 0.0, 0.0, 0.15, 0.0, 0.0)).reason == "double"


def test_a_faint_mark_goes_to_review() -> None:
    assert decide(VALUES, inks(0.0, 0.0, 0.035, 0.0, 0.0, 0.0)).reason == "faint"


def test_a_filled_box_is_a_cancelled_answer() -> None:
    decision = decide(VALUES, [*inks(0.0, 0.0, 0.0, 0.2), Ink(0.9, 0.85), Ink(0.0, 0.0)])
    assert (decision.uncertain, decision.reason) == (True, "cancelled")


def test_a_heavy_cross_is_not_a_fill() -> None:
    decision = decide(VALUES, [*inks(0.0, 0.0, 0.0), Ink(0.65, 0.1), *inks(0.0, 0.0)])
    assert decision.value == "4"


def test_common_noise_is_taken_off_before_deciding() -> None:
    """Fax grain in every box is the question's floor, not a mark."""
    noisy = inks(0.04, 0.045, 0.04, 0.13, 0.04, 0.042)
    assert floor(noisy) > 0.03
    assert decide(VALUES, noisy).value == "4"


def test_a_single_box_question_has_no_floor() -> None:
    assert decide(["yes"], inks(0.2)).value == "yes"
    assert decide(["yes"], inks(0.0)).value is None


def test_measure_counts_ink_inside_the_border_only() -> None:
    box = np.full((40, 40), 240, np.uint8)
    box[0:3, :] = box[:, 0:3] = 0  # the printed border
    assert measure(box, 240.0).ratio == 0.0
    box[18:22, 8:32] = 30  # a stroke across the middle
    assert 0.1 < measure(box, 240.0).ratio < 0.3
