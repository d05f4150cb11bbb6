"""Mark decisions: pure numbers in, one answer or a reason to review out."""

from __future__ import annotations

import numpy as np
import pytest

from khaosat.reader.decisions import Decision, PageRing, decide, floor, lost_marks, unreadable_page
from khaosat.reader.marks import BILEVEL_THRESHOLDS, Ink, PageScale, crop_size, measure_question

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


def test_a_filled_box_alone_is_the_answer() -> None:
    decision = decide(VALUES, [*inks(0.0, 0.0, 0.0, 0.0), Ink(0.9, 0.85), Ink(0.0, 0.0)])
    assert (decision.value, decision.uncertain) == ("5", False)


def test_a_filled_box_beside_a_mark_is_cancelled() -> None:
    decision = decide(VALUES, [*inks(0.0, 0.0, 0.0, 0.2), Ink(0.9, 0.85), Ink(0.0, 0.0)])
    assert (decision.value, decision.uncertain) == ("4", False)


def test_a_filled_box_beside_two_marks_is_double() -> None:
    decision = decide(VALUES, [*inks(0.2, 0.0, 0.0, 0.2), Ink(0.9, 0.85), Ink(0.0, 0.0)])
    assert (decision.uncertain, decision.reason) == (True, "double")


def test_two_filled_boxes_go_to_review() -> None:
    decision = decide(VALUES, [*inks(0.0, 0.0, 0.0, 0.2), Ink(0.9, 0.85), Ink(0.95, 0.9)])
    assert (decision.uncertain, decision.reason) == (True, "cancelled")


def test_a_ring_around_a_box_is_a_mark() -> None:
    assert decide(VALUES, [*inks(0.0, 0.0), Ink(0.0, 0.0, 0.9), *inks(0.0, 0.0, 0.0)]).value == "3"


def test_a_partial_ring_is_a_trace_for_review() -> None:
    assert decide(VALUES, [*inks(0.0, 0.0), Ink(0.0, 0.0, 0.4), *inks(0.0, 0.0, 0.0)]).reason == "faint"


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
    side = 30.0
    size = crop_size(side)
    box = np.zeros((size, size), np.float32)
    low, high = (size - 30) // 2, (size + 30) // 2
    box[low : low + 2, low:high] = box[low:high, low : low + 2] = 0.9  # the printed border
    box[high - 2 : high, low:high] = box[low:high, high - 2 : high] = 0.9
    marked = box.copy()
    marked[size // 2 - 2 : size // 2 + 2, low + 6 : high - 6] = 0.9  # a stroke across the middle
    blank, stroke = measure_question([box, marked], side, PageScale(ink=0.9))
    assert (blank.ratio, blank.ring) == (0.0, 0.0)
    assert 0.1 < stroke.ratio < 0.3 and stroke.ring == 0.0


# Standard faxes (204×98) of bench/omr.py where a light pencil mark (grey 108–110) was lost
# when the fax was thresholded and the question was read blank: the ink the reader measured
# in each box (in box order) and the box that was marked. (Seed 7, sample 65 lost a tick
# without a trace: nothing on the page can tell it from a blank.)
LOST_PENCIL = {
    "pencil dot, seed 2022 sample 16": ((0.0167, 0.0054, 0.0073, 0.0083, 0.0052, 0.0), 0),
    "pencil tick, seed 2022 sample 26": ((0.0022, 0.0113, 0.0, 0.0019, 0.0, 0.0025), 1),
    "pencil dot, seed 7 sample 78": ((0.0029, 0.0022, 0.022, 0.0051, 0.0031, 0.0027), 2),
}


@pytest.mark.parametrize("case", list(LOST_PENCIL))
def test_what_is_left_of_a_light_mark_on_a_fax_goes_to_review(case: str) -> None:
    """A trace standing out of a question on a 1-bit page goes to review, not blank."""
    ratios, marked = LOST_PENCIL[case]
    assert max(range(len(ratios)), key=ratios.__getitem__) == marked
    grey = decide(VALUES, inks(*ratios))
    assert (grey.value, grey.uncertain) == (None, False)  # the silent error on a grey page's rule
    assert decide(VALUES, inks(*ratios), BILEVEL_THRESHOLDS).reason == "faint"


def test_fax_grain_spread_over_a_question_stays_blank() -> None:
    """On a 1-bit page, dots in several boxes of a question are grain: still blank."""
    decision = decide(VALUES, inks(0.004, 0.012, 0.0, 0.01, 0.003, 0.002), BILEVEL_THRESHOLDS)
    assert (decision.value, decision.uncertain) == (None, False)


def test_a_clear_mark_on_a_fax_is_read_despite_grain_in_another_box() -> None:
    """The trace rule only looks at questions with no mark."""
    assert decide(VALUES, inks(0.0, 0.015, 0.0, 0.2, 0.0, 0.0), BILEVEL_THRESHOLDS).value == "4"


def test_a_1_bit_page_with_many_blank_questions_sends_its_blanks_to_review() -> None:
    """A pencil page whose marks a fax threshold erased: 4 of 10 questions blank → the 4 to review."""
    read = Decision("3", False, "", 1.0)
    blank = Decision(None, False, "", 1.0)
    page = {f"Q{i}": blank if i < 4 else read for i in range(10)}
    assert lost_marks(page, BILEVEL_THRESHOLDS) == ["Q0", "Q1", "Q2", "Q3"]
    assert lost_marks(page) == []  # a grey page keeps a light mark: its blanks are blanks
    fewer = {**page, "Q0": read, "Q1": read}
    assert lost_marks(fewer, BILEVEL_THRESHOLDS) == []  # 2 of 10 is a page with questions skipped


def test_a_trace_of_a_light_mark_on_a_1_bit_page_sends_its_blanks_to_review() -> None:
    """Where a threshold left only part of one light mark, it may have left nothing of another."""
    read = Decision("3", False, "", 1.0)
    blank = Decision(None, False, "", 1.0)
    page = {"Q0": blank, **{f"Q{i}": read for i in range(1, 9)}, "Q9": Decision(None, True, "faint", 0.0)}
    assert lost_marks(page, BILEVEL_THRESHOLDS) == ["Q0"]
    assert lost_marks({**page, "Q9": read}, BILEVEL_THRESHOLDS) == []
    assert lost_marks(page) == []


def test_the_grey_wedge_decides_whether_a_1_bit_page_s_blanks_may_hide_lost_marks() -> None:
    """A device that kept the wedge's palest pencil grey black lost no light mark: its blanks
    are blanks, whatever else the page holds; one that lost it may have erased any."""
    read = Decision("3", False, "", 1.0)
    blank = Decision(None, False, "", 1.0)
    faint = Decision(None, True, "faint", 0.0)
    light = BILEVEL_THRESHOLDS.light_cut
    assert light is not None
    page = {"Q0": blank, **{f"Q{i}": read for i in range(1, 9)}, "Q9": faint}
    assert lost_marks(page, BILEVEL_THRESHOLDS, cut=light) == []  # the trace is only a trace
    few_blank = {**page, "Q9": read}  # no trace, one blank in ten: read blank without a wedge
    assert lost_marks(few_blank, BILEVEL_THRESHOLDS) == []
    assert lost_marks(few_blank, BILEVEL_THRESHOLDS, cut=light - 10) == ["Q0"]
    assert lost_marks(few_blank, cut=0) == []  # a grey page has no cut to fear


def test_a_fill_beside_a_trace_in_a_question_of_two_boxes_goes_to_review() -> None:
    """The fill is not the question's floor: with two boxes the other box's trace (what a
    threshold left of the cross that makes the fill a correction) is not taken off as one."""
    values = ["individual", "organization"]
    fill = Ink(0.94, 0.93, 1.0)
    remains = Ink(0.0, 0.0, specks=0.063)
    assert decide(values, [fill, remains], BILEVEL_THRESHOLDS).reason == "cancelled"
    assert decide(values, [fill, Ink(0.0, 0.0, specks=0.004)], BILEVEL_THRESHOLDS).value == "individual"


def test_a_page_the_reader_does_not_understand_goes_to_review_whole() -> None:
    """Most questions doubtful, or every box looking circled (a shaken photo): the few answers
    that look clear are no safer than the rest."""
    read = Decision("3", False, "", 1.0)
    double = Decision(None, True, "double", 0.0)
    lost = Decision(None, True, "lost", 0.0)
    mostly_doubtful = {**{f"Q{i}": double for i in range(5)}, **{f"Q{i}": read for i in range(5, 10)}}
    assert unreadable_page(mostly_doubtful, PageRing())
    assert not unreadable_page({**mostly_doubtful, "Q0": read}, PageRing())
    assert not unreadable_page({f"Q{i}": lost for i in range(10)}, PageRing())  # a device's cut, not the marks
    clear = {f"Q{i}": read for i in range(10)}
    assert unreadable_page(clear, PageRing(strokes=0.7))
    assert not unreadable_page(clear, PageRing(strokes=0.2))


def test_a_ring_around_one_box_reaching_into_the_next_is_one_answer() -> None:
    ringed = [Ink(0.0, 0.0), Ink(0.0, 0.0, 0.45), Ink(0.0, 0.0, 1.0), *inks(0.0, 0.0, 0.0)]
    assert decide(VALUES, ringed, BILEVEL_THRESHOLDS).value == "3"
    far = [Ink(0.0, 0.0, 0.45), Ink(0.0, 0.0), Ink(0.0, 0.0, 1.0), *inks(0.0, 0.0, 0.0)]
    assert decide(VALUES, far, BILEVEL_THRESHOLDS).reason == "faint"  # not beside the ring: a trace


def test_specks_make_a_trace_and_strokes_a_mark() -> None:
    """Specks (a dithered smudge) carry as much ink as a tick but are not a mark."""
    smudged = [*inks(0.0, 0.0), Ink(0.0, 0.0, specks=0.12), *inks(0.0, 0.0, 0.0)]
    assert decide(VALUES, smudged, BILEVEL_THRESHOLDS).reason == "faint"
    ticked = [*inks(0.0, 0.0), Ink(0.12, 0.0, specks=0.02), *inks(0.0, 0.0, 0.0)]
    assert decide(VALUES, ticked, BILEVEL_THRESHOLDS).value == "3"
    mostly_specks = [*inks(0.0, 0.0), Ink(0.05, 0.0, specks=0.08), *inks(0.0, 0.0, 0.0)]
    assert decide(VALUES, mostly_specks, BILEVEL_THRESHOLDS).reason == "faint"
