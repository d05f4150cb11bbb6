"""`khaosat parse FILE --json`: the DESIGN.md contract on a message, a filled PDF and junk."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.demo.hand import DOUBTFUL, fill_page, render_pages
from khaosat.demo.scanners import fax_fine
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

CODE = "ABCDEFGG"


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return FormRenderer(load_questionnaire())


def form_pdf(renderer: FormRenderer) -> bytes:
    return renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE))


def parse(path: Path, *options: str) -> dict[str, Any]:
    outcome = CliRunner().invoke(app, ["parse", str(path), "--json", *options], env={"KHAOSAT_CONFIG": ""})
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.stdout)


def filled_on_screen(renderer: FormRenderer, values: dict[str, str]) -> bytes:
    """The form with ``values`` in its fields (radio values as names, "/4")."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(form_pdf(renderer))))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_message_with_a_forwarded_fax_is_read(renderer: FormRenderer, tmp_path: Path) -> None:
    page = render_pages(form_pdf(renderer))[1]
    truth = fill_page(page, renderer.layout, renderer.layout.pages[1], np.random.default_rng(1), doubt=0.0)
    fax = EmailMessage()
    fax["Subject"] = "Fax from 0236123456"
    fax.set_content("1 page")
    fax.add_attachment(fax_fine(page, np.random.default_rng(2)), maintype="image", subtype="tiff", filename="fax.tif")
    staff = EmailMessage()
    staff["From"] = "canbo@example.gov.vn"
    staff["Subject"] = "Fwd: Fax from 0236123456"
    staff.set_content("Chuyển tiếp.")
    staff.add_attachment(fax)
    path = tmp_path / "reply.eml"
    path.write_bytes(staff.as_bytes())
    output = parse(path)
    assert output["file"] == "reply.eml" and output["errors"] == []
    (form,) = output["forms"]
    assert set(form) == {"page", "code", "form_version", "answers", "uncertain", "method", "comment", "grey_kept"}
    assert form["comment"] is None and isinstance(form["grey_kept"], int)  # a fax: the wedge says where it cut
    assert (form["page"], form["code"], form["form_version"], form["method"]) == (1, CODE, renderer.version, "omr")
    assert DOUBTFUL not in truth.answers.values()
    assert form["answers"] == truth.answers and form["uncertain"] == []


def test_a_pdf_filled_on_screen_is_read_from_its_fields(renderer: FormRenderer, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(form_pdf(renderer))))
    writer.set_need_appearances_writer(True)
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"B1_1": "/4", "D1": "/5"}, auto_regenerate=False)
    path = tmp_path / "filled.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    (form,) = parse(path)["forms"]
    assert (form["code"], form["method"]) == (CODE, "acroform")
    assert form["answers"]["B1_1"] == "4" and form["answers"]["D1"] == "5" and form["answers"]["C1"] is None


def test_a_broken_file_is_an_error_entry_through_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    completed = subprocess.run(
        [sys.executable, "-m", "khaosat.cli", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin", "HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output["forms"] == [] and output["errors"][0].startswith("broken.pdf: ")


def test_a_blank_counter_form_filled_on_screen_is_read_from_its_fields(tmp_path: Path) -> None:
    """No code printed anywhere: the page is read by its marks for the QR, but the answers
    still come from the fields (pdfium does not draw on-screen crosses), never from marks."""
    import io

    from pypdf import PdfReader, PdfWriter

    from khaosat.reader import read_document
    from khaosat.survey.layouts import questionnaire_layouts
    from khaosat.survey.render import FormContext, renderer_for

    pdf = renderer_for("").render(FormContext("Sở KH&CN", "UBND tỉnh", None))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"D1": "/5", "B1_1": "/na"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    result = read_document(out.getvalue(), "quay.pdf", questionnaire_layouts())
    [form] = result.forms
    assert form.code is None and form.method == "acroform"
    assert form.answers["D1"] == "5" and form.answers["B1_1"] == "na" and form.answers["B1_2"] is None


COMMENT = "Cán bộ tiếp nhận rất nhiệt tình, thủ tục nhanh gọn.\nĐề nghị giảm giấy tờ."


def test_the_comment_typed_on_screen_is_in_the_output(renderer: FormRenderer, tmp_path: Path) -> None:
    """The comment field's text, both lines, and no crop for it: it was typed, not written."""
    path = tmp_path / "filled.pdf"
    path.write_bytes(filled_on_screen(renderer, {"D1": "/5", "E1": COMMENT}))
    (form,) = parse(path, "--crops", str(tmp_path / "crops"))["forms"]
    assert form["method"] == "acroform" and form["answers"]["D1"] == "5"
    assert form["comment"] == COMMENT and form["comment_crop"] is None


def test_a_paper_form_has_no_comment_text_but_the_crop_of_its_writing_area(
    renderer: FormRenderer, tmp_path: Path
) -> None:
    """Read by its marks: comment null, and with --crops the path of the writing area's picture."""
    path = tmp_path / "scan.png"
    page = render_pages(form_pdf(renderer))[1]
    assert cv2.imwrite(str(path), page)
    (form,) = parse(path)["forms"]
    assert form["method"] == "omr" and form["comment"] is None and "comment_crop" not in form
    assert form["grey_kept"] is None  # a grey page keeps every grey
    (form,) = parse(path, "--crops", str(tmp_path / "crops"))["forms"]
    crop = Path(form["comment_crop"])
    assert crop.parent == tmp_path / "crops" and crop.name.endswith("-E1.png")
    picture = cv2.imread(str(crop), cv2.IMREAD_GRAYSCALE)
    assert picture is not None and picture.shape[1] > 4 * picture.shape[0]  # the wide band to write in


def test_the_readable_output_shows_the_comment_without_its_control_characters(
    renderer: FormRenderer, tmp_path: Path
) -> None:
    """An escape sequence typed into the comment reaches the terminal as U+FFFD, not as a command."""
    path = tmp_path / "filled.pdf"
    path.write_bytes(filled_on_screen(renderer, {"D1": "/5", "E1": "Tốt\x1b[2J lắm"}))
    outcome = CliRunner().invoke(app, ["parse", str(path)], env={"KHAOSAT_CONFIG": ""})
    assert outcome.exit_code == 0, outcome.output
    assert "góp ý: Tốt\ufffd[2J lắm" in outcome.stdout and "\x1b" not in outcome.stdout


def test_a_scan_cut_darker_than_a_light_pencil_says_so(renderer: FormRenderer, tmp_path: Path) -> None:
    """The grey wedge of a black-and-white scan cut at 130: the output says light pencil may be lost."""
    page = render_pages(form_pdf(renderer))[0]
    path = tmp_path / "scan.png"
    Image.fromarray(page >= 130).save(path)  # a 1-bit PNG
    assert parse(path)["forms"][0]["grey_kept"] == 120
    outcome = CliRunner().invoke(app, ["parse", str(path)], env={"KHAOSAT_CONFIG": ""})
    assert outcome.exit_code == 0, outcome.output
    printed = " ".join(outcome.stdout.split())  # the console wraps its lines
    assert "chỉ giữ nét xám đến mức 120/255: nét bút chì nhạt có thể đã mất" in printed
