"""The printed form with a web channel: its QR opens the form on a phone, a fax still gives the code,
and nothing of the layout map moves; earlier versions stay readable; place names stay whole."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace

import numpy as np
import pytest
import zxingcpp

from khaosat.demo.applicants import choose_answers
from khaosat.demo.hand import render_pages as hand_pages
from khaosat.demo.replies import fill_on_screen
from khaosat.demo.scanners import CONDITIONS
from khaosat.errors import RenderError
from khaosat.reader import read_document
from khaosat.settings import MAX_BASE_URL
from khaosat.survey.codes import check_symbol, display_code, parse_qr_payload, qr_payload
from khaosat.survey.geometry import MM
from khaosat.survey.layout import LayoutMap
from khaosat.survey.layouts import questionnaire_layouts
from khaosat.survey.links import MAX_QR_LINK, qr_link
from khaosat.survey.questionnaire import load_questionnaire, parse_questionnaire
from khaosat.survey.render import MIN_LINK_MODULE, FormRenderer

from ..support.paths import REPOSITORY
from ..support.render_helpers import CONTEXT, as_fax_reader_sees_it, page_texts, render_pages, widgets

BASE = "https://khaosat.skhcn.example.gov.vn"
# The longest base_url settings accept, with a lower-case path prefix (byte mode in the QR).
LONGEST = "https://motcua.skhcn.lamdong.gov.vn/khaosat/phieu-online"
CODE = "7KX3M9Q" + check_symbol("7KX3M9Q")  # a valid code (CONTEXT's is only a QR text)
CONTEXT = replace(CONTEXT, survey_code=CODE)
RETIRED = REPOSITORY / "survey" / "questionnaires" / "default-1.toml"


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return FormRenderer(load_questionnaire())


def decoded(pdf: bytes, dpi_x: float, dpi_y: float | None = None, fax: bool = False) -> list[str]:
    """The QR text of each page, as zxing-cpp reads it from the page rendered at that resolution."""
    texts = []
    for image in render_pages(pdf, dpi_x, dpi_y):
        results = zxingcpp.read_barcodes(as_fax_reader_sees_it(image) if fax else image)
        texts.append(" | ".join(result.text for result in results))
    return texts


def test_the_qr_opens_the_form_and_a_standard_fax_still_gives_the_code(renderer: FormRenderer) -> None:
    """With a base_url every page's QR is the form's web link, read at 200 dpi and at 204×98 1-bit."""
    pdf = renderer.render(replace(CONTEXT, base_url=BASE))
    link = f"HTTPS://KHAOSAT.SKHCN.EXAMPLE.GOV.VN/K/{renderer.version}/{CODE}"
    assert decoded(pdf, 200) == [link, link]
    assert decoded(pdf, 204, 98, fax=True) == [link, link]
    assert parse_qr_payload(link) == (renderer.version, CODE)


def test_the_longest_address_fits_with_printable_modules(renderer: FormRenderer) -> None:
    """The longest accepted base_url with the longest version makes an 80-character link whose
    modules stay at least MIN_LINK_MODULE in the smallest QR square, and it reads on a fax."""
    assert len(LONGEST) == MAX_BASE_URL
    assert len(qr_link(LONGEST, "X" * 12, CODE)) == MAX_QR_LINK
    context = replace(CONTEXT, base_url=LONGEST)
    modules = len(renderer.qr_cells(context))
    assert renderer.qr_side / modules >= MIN_LINK_MODULE >= 0.75 * MM
    text = renderer.render(context)
    assert decoded(text, 204, 98, fax=True) == [qr_link(LONGEST, renderer.version, CODE)] * 2
    assert "/khaosat/phieu-online/K/" in qr_link(LONGEST, renderer.version, CODE)  # the prefix keeps its case


def test_turning_the_web_channel_on_moves_nothing(renderer: FormRenderer) -> None:
    """Same layout map, same widgets, same file size: only the QR's modules differ."""
    plain, web = renderer.render(CONTEXT), renderer.render(replace(CONTEXT, base_url=BASE))
    assert [w["rect"] for w in widgets(web)] == [w["rect"] for w in widgets(plain)]
    assert len(web) == len(plain) and web != plain
    assert FormRenderer(load_questionnaire()).layout == renderer.layout


def test_without_a_web_channel_the_qr_keeps_its_payload(renderer: FormRenderer) -> None:
    """No base_url: KS/<version>/<code>, as on every form printed before; a blank counter form
    keeps it even with a base_url (it has no code, so nothing online to open)."""
    assert decoded(renderer.render(CONTEXT), 200)[0] == qr_payload(renderer.version, CODE)
    blank = replace(CONTEXT, survey_code=None, base_url=BASE)
    assert decoded(renderer.render(blank), 200)[0] == qr_payload(renderer.version, None)


def test_the_form_says_where_to_type_the_code(renderer: FormRenderer) -> None:
    text = " ".join(page_texts(renderer.render(replace(CONTEXT, base_url=BASE)))[-1].split())
    where = (
        f"quét mã QR bằng điện thoại, hoặc vào khaosat.skhcn.example.gov.vn/ma và nhập mã phiếu {display_code(CODE)}."
    )
    assert where in text


def test_a_link_too_long_for_the_qr_square_is_refused(renderer: FormRenderer) -> None:
    with pytest.raises(RenderError, match="base_url"):
        renderer.render(replace(CONTEXT, base_url="https://h.vn/" + "x" * 120))


def test_province_names_are_never_split_in_the_header(renderer: FormRenderer) -> None:
    """ "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH LÂM ĐỒNG" wraps before TỈNH, not between LÂM and ĐỒNG."""
    context = replace(CONTEXT, organization="Sở Khoa học và Công nghệ tỉnh Lâm Đồng")
    lines = page_texts(renderer.render(context))[0].splitlines()
    assert any(line.strip().endswith("TỈNH LÂM ĐỒNG") for line in lines)
    assert not any(line.strip().endswith("TỈNH LÂM") for line in lines)


def test_version_1_keeps_its_released_layout_and_stays_readable() -> None:
    """The retired default-1.toml gives exactly the questionnaire and layout map the released
    khaosat stored for version 1, and every reader knows both versions."""
    released = sqlite3.connect(REPOSITORY / "tests" / "fixtures" / "released" / "khaosat.db")
    try:
        ((content_hash, layout),) = released.execute("SELECT content_hash, layout FROM formlayout WHERE version = '1'")
    finally:
        released.close()
    old = FormRenderer(parse_questionnaire(RETIRED.read_text("utf-8")))
    assert (old.version, old.questionnaire.content_hash) == ("1", content_hash)
    assert LayoutMap.from_json(layout) == old.layout
    layouts = questionnaire_layouts()
    assert list(layouts) == ["1", load_questionnaire().version]
    assert layouts["1"] == old.layout


@pytest.mark.parametrize("condition", ["fax 204×98", "phone photo"])
def test_the_reader_gets_version_and_code_from_a_link_qr(renderer: FormRenderer, condition: str) -> None:
    """A form printed with the longest link, faxed at standard resolution or photographed, reads whole."""
    image = hand_pages(renderer.render(replace(CONTEXT, base_url=LONGEST)))[1]
    data = CONDITIONS[condition](image, np.random.default_rng(5))
    result = read_document(data, "returned", questionnaire_layouts())
    assert result.errors == []
    (form,) = result.forms
    assert (form.code, form.form_version, form.method) == (CODE, renderer.version, "omr")


def test_a_version_1_form_already_out_is_still_read() -> None:
    """A form printed before the web channel (version 1, KS/1/<code>) is read from a standard fax."""
    old = FormRenderer(load_questionnaire(RETIRED))
    data = CONDITIONS["fax 204×98"](hand_pages(old.render(CONTEXT))[0], np.random.default_rng(6))
    (form,) = read_document(data, "returned", questionnaire_layouts()).forms
    assert (form.code, form.form_version) == (CODE, "1")


def test_a_pdf_filled_on_screen_is_read_from_its_fields_with_its_own_version() -> None:
    """Versions 1 and 2 ask the same questions: the QR square of the filled PDF tells them apart,
    and both are read exactly from their fields, not by their marks."""
    layouts = questionnaire_layouts()
    for version, renderer in (
        ("1", FormRenderer(load_questionnaire(RETIRED))),
        ("2", FormRenderer(load_questionnaire())),
    ):
        answers = choose_answers(renderer.layout, random.Random(version))
        filled = fill_on_screen(renderer.render(replace(CONTEXT, base_url=BASE)), answers)
        (form,) = read_document(filled, "filled.pdf", layouts).forms
        assert (form.form_version, form.method, form.code) == (version, "acroform", CODE)
        assert {question: value for question, value in form.answers.items() if value is not None} == answers
