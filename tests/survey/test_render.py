"""The personalised form: its text, its pages, its widgets against the layout map, its symbols."""

from __future__ import annotations

import io
import unicodedata

import cv2
import numpy as np
import pypdf
import pytest
import zxingcpp

from khaosat.errors import RenderError
from khaosat.survey.codes import display_code, parse_qr_payload, qr_payload
from khaosat.survey.geometry import BOX, MM, PAGE_HEIGHT, PAGE_WIDTH
from khaosat.survey.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

from ..support.paths import REPOSITORY
from ..support.render_helpers import CONTEXT, PROCEDURE_NFD, as_fax_reader_sees_it, page_texts, render_pages, widgets


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture(scope="module")
def renderer(questionnaire: Questionnaire) -> FormRenderer:
    return FormRenderer(questionnaire)


@pytest.fixture(scope="module")
def pdf(renderer: FormRenderer) -> bytes:
    return renderer.render(CONTEXT)


def test_text_carries_codes_and_vietnamese_exactly(pdf: bytes) -> None:
    """pdfplumber reads the dossier code, the survey code and NFC Vietnamese from the form."""
    text = "\n".join(page_texts(pdf))
    assert CONTEXT.dossier_code in text
    assert display_code("7KX3M9QD") in text
    for words in (
        "PHIẾU KHẢO SÁT SỰ HÀI LÒNG",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "UBND TỈNH LÂM ĐỒNG",
        "Rất không hài lòng",
        "Không áp dụng",
        "Phòng Quản lý khoa học",
        "Độc lập - Tự do - Hạnh phúc",
        "phieu@skhcn.example.gov.vn",
        "0263 3822 111",
        "Góp ý, phản ánh được trả lời kịp thời",
        "Trân trọng cảm ơn Ông/Bà!",
    ):
        assert words in text
    assert unicodedata.normalize("NFC", PROCEDURE_NFD) in text.replace("\n", " ")
    assert text == unicodedata.normalize("NFC", text)


def test_two_a4_pages_that_every_reader_opens(pdf: bytes) -> None:
    """pypdf (strict) and pypdfium2 open the form: two A4 pages under 100 KB."""
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(PAGE_WIDTH, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(PAGE_HEIGHT, abs=0.01)
    images = list(render_pages(pdf, 72))
    assert len(images) == 2 and all(image.min() == 0 for image in images)
    assert len(pdf) <= 100 * 1024


def test_every_widget_is_exactly_its_printed_box(renderer: FormRenderer, pdf: bytes) -> None:
    """Each radio widget's rectangle equals its layout-map box; names and values match."""
    expected = {
        (number, box.question, box.value): box.rect
        for page in renderer.layout.pages
        for number, box in [(page.number, box) for box in page.boxes]
    }
    radios = [w for w in widgets(pdf) if w["type"] == "/Btn"]
    assert len(radios) == len(expected)
    for widget in radios:
        (value,) = widget["states"]
        rect = expected[(widget["page"], widget["name"], value.removeprefix("/"))]
        x1, y1, x2, y2 = widget["rect"]
        assert (x1, y1, x2, y2) == pytest.approx((rect.x, rect.y, rect.x + rect.width, rect.y + rect.height), abs=0.01)


def test_radio_groups_follow_the_questionnaire(questionnaire: Questionnaire, pdf: bytes) -> None:
    """One radio group per choice question, with one export value per option; E1 is text."""
    fields = pypdf.PdfReader(io.BytesIO(pdf)).get_fields() or {}
    for question in questionnaire.choice_questions:
        states = set(fields[question.code].get("/_States_", []))
        assert states - {"/Off"} == {f"/{option.value}" for option in question.options}
    assert fields["E1"]["/FT"] == "/Tx"
    assert set(fields) == {question.code for question in questionnaire.questions}


def test_boxes_are_big_and_well_separated(renderer: FormRenderer) -> None:
    """Answer boxes are at least 5 mm and at least 3 mm apart (what OMR needs)."""
    for page in renderer.layout.pages:
        rects = [box.rect for box in page.boxes]
        assert all(rect.width >= 5 * MM and rect.height >= 5 * MM for rect in rects)
        for index, a in enumerate(rects):
            for b in rects[index + 1 :]:
                gap = max(b.x - (a.x + a.width), a.x - (b.x + b.width), b.y - (a.y + a.height), a.y - (b.y + b.height))
                assert gap >= 3 * MM - 0.01
    assert BOX >= 5 * MM


def test_qr_decodes_on_every_page_at_200_dpi(renderer: FormRenderer, pdf: bytes) -> None:
    """zxing-cpp reads the payload from each page rendered at 200 dpi."""
    for image in render_pages(pdf, 200):
        (result,) = zxingcpp.read_barcodes(image)
        assert result.text == qr_payload(renderer.version, "7KX3M9QD")


def test_qr_and_markers_survive_a_standard_fax(renderer: FormRenderer, pdf: bytes) -> None:
    """At 204×98 dpi, 1-bit, the QR still decodes and the four markers carry the page's ids."""
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    detector = cv2.aruco.ArucoDetector(dictionary, cv2.aruco.DetectorParameters())
    for number, image in enumerate(render_pages(pdf, 204, 98), start=1):
        restored = as_fax_reader_sees_it(image)
        texts = [result.text for result in zxingcpp.read_barcodes(restored)]
        assert texts == [qr_payload(renderer.version, "7KX3M9QD")]
        _corners, ids, _rejected = detector.detectMarkers(restored)
        assert ids is not None
        assert sorted(ids.flatten().tolist()) == [4 * (number - 1) + corner for corner in range(4)]


def test_markers_are_where_the_layout_map_says(renderer: FormRenderer, pdf: bytes) -> None:
    """Detected marker centres match the layout map within half a millimetre."""
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    detector = cv2.aruco.ArucoDetector(dictionary, cv2.aruco.DetectorParameters())
    scale = 200 / 72
    for page, image in zip(renderer.layout.pages, render_pages(pdf, 200), strict=True):
        corners, ids, _rejected = detector.detectMarkers(image)
        found = {int(i): c.reshape(4, 2).mean(axis=0) for i, c in zip(ids.flatten(), corners, strict=True)}
        for marker in page.markers:
            cx, cy = marker.rect.center
            expected = np.array([cx * scale, (PAGE_HEIGHT - cy) * scale])
            assert np.linalg.norm(found[marker.id] - expected) < 0.5 * MM * scale


def test_qr_is_big_enough_for_a_fax(renderer: FormRenderer) -> None:
    """The QR symbol is at least 25 mm wide with modules of at least 1.2 mm."""
    modules = 17 + 4 * renderer.qr_version
    for page in renderer.layout.pages:
        assert page.qr.width >= 25 * MM
        assert page.qr.width / modules >= 1.2 * MM - 1e-9


def test_blank_form_has_no_code(renderer: FormRenderer) -> None:
    """A counter form carries the version but no survey code, in its QR and its text."""
    blank = renderer.render(FormContext(organization="Sở Khoa học và Công nghệ", parent="UBND tỉnh", survey_code=None))
    image = next(render_pages(blank, 200))
    (result,) = zxingcpp.read_barcodes(image)
    assert parse_qr_payload(result.text) == (renderer.version, None)
    assert "7KX3" not in "".join(page_texts(blank))


def test_personal_text_never_moves_a_box(renderer: FormRenderer, pdf: bytes) -> None:
    """A very long procedure name is cut to its slot; widgets and file size stay the same."""
    long_context = FormContext(**{**CONTEXT.__dict__, "procedure": "Thủ tục rất dài " * 40, "unit": "Đơn vị " * 30})
    other = renderer.render(long_context)
    assert [w["rect"] for w in widgets(other)] == [w["rect"] for w in widgets(pdf)]
    assert len(other) == len(pdf)
    text = page_texts(other)[0]
    assert "…" in text and text.count("Thủ tục rất dài") < 20


def test_renders_are_deterministic(renderer: FormRenderer, questionnaire: Questionnaire) -> None:
    """The same context gives the same bytes, and a second renderer the same layout map."""
    assert renderer.render(CONTEXT) == renderer.render(CONTEXT)
    assert FormRenderer(questionnaire).layout == renderer.layout


def test_too_long_questionnaire_is_refused() -> None:
    """A questionnaire that does not fit on two A4 pages raises RenderError."""
    rows = "\n".join(f'    {{ code = "Q{i}", text = "Câu hỏi {i}" }},' for i in range(60))
    text = f"""id = "big"\nversion = "BIG"\ntitle = "PHIẾU"\n[scales.r]\noptions = [
    {{ value = "1", label = "Một", short = "1" }}, {{ value = "2", label = "Hai", short = "2" }} ]
[[sections]]\ncode = "B"\ntitle = "B"\nscale = "r"\nquestions = [\n{rows}\n]\n"""
    with pytest.raises(RenderError, match=r"2 trang A4"):
        FormRenderer(parse_questionnaire(text))


def test_characters_outside_the_font_subset_degrade_gracefully(renderer: FormRenderer) -> None:
    """Letters the form's subset lacks print as their base letter, or '?' when there is none."""
    context = FormContext(**{**CONTEXT.__dict__, "unit": "Phòng Señor 北"})
    assert "Phòng Senor ?" in page_texts(renderer.render(context))[0]


def test_longest_version_still_fits_and_decodes() -> None:
    """A 12-symbol version needs a version 2 QR code; the default questionnaire still fits."""
    text = (REPOSITORY / "survey" / "questionnaires" / "default.toml").read_text("utf-8")
    renderer = FormRenderer(parse_questionnaire(text.replace('version = "2"', 'version = "2026-DEPT-01"')))
    assert renderer.qr_version == 2 and len(renderer.layout.pages) == 2
    pdf = renderer.render(CONTEXT)
    for image in render_pages(pdf, 204, 98):
        texts = [result.text for result in zxingcpp.read_barcodes(as_fax_reader_sees_it(image))]
        assert texts == ["KS/2026-DEPT-01/7KX3M9QD"]
