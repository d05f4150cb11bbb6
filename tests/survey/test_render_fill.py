"""Filling the form on screen and reading it back; the layout map in the database; the CLI verbs."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from pdfminer.psparser import LIT
from pypdf import PdfReader, PdfWriter
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.errors import ParseError, RenderError
from khaosat.models import FormLayout, Survey
from khaosat.reader.acroform import field_value, read_acroform
from khaosat.settings import Settings
from khaosat.survey.codes import parse_qr_payload
from khaosat.survey.layout import LayoutMap, Rect
from khaosat.survey.questionnaire import load_questionnaire, parse_questionnaire
from khaosat.survey.render import FormRenderer, context_from_settings, ensure_layout

from ..support.factories import add_dossier
from ..support.paths import REPOSITORY
from ..support.render_helpers import CONTEXT, page_texts, render_pages


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return FormRenderer(load_questionnaire())


def fill(pdf: bytes, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_filled_on_screen_reads_back(renderer: FormRenderer) -> None:
    """Radio groups and the comment filled with pypdf come back from read_acroform."""
    filled = fill(
        renderer.render(CONTEXT),
        {"B1_1": "/4", "B4_2": "/na", "D1": "/5", "F2": "/30to50", "E1": "Cán bộ nhiệt tình, cảm ơn"},
    )
    answers = read_acroform(filled)
    assert answers["B1_1"] == "4" and answers["B4_2"] == "na" and answers["D1"] == "5"
    assert answers["F2"] == "30to50" and answers["E1"] == "Cán bộ nhiệt tình, cảm ơn"
    assert answers["B1_2"] is None and answers["C1"] is None
    assert set(answers) == {q.code for q in renderer.questionnaire.questions}


def test_unfilled_form_reads_all_blank(renderer: FormRenderer) -> None:
    """A form straight from the renderer has every field and no answer."""
    answers = read_acroform(renderer.render(CONTEXT))
    assert len(answers) == len(renderer.questionnaire.questions)
    assert set(answers.values()) == {None}


def test_field_values_in_every_writer_spelling() -> None:
    """Names, strings and bytes, with or without '/', UTF-16 text; Off is blank."""
    assert field_value(LIT("4")) == "4"
    assert field_value(b"/4") == "4"
    assert field_value(b"4") == "4"
    assert field_value("/na") == "na"
    assert field_value(LIT("Off")) is None
    assert field_value(b"") is None
    assert field_value(b"\xfe\xff" + "góp ý".encode("utf-16-be")) == "góp ý"


def test_not_a_pdf_is_a_parse_error() -> None:
    """Garbage raises ParseError; a PDF without a form gives no fields."""
    with pytest.raises(ParseError):
        read_acroform(b"this is not a pdf")
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    assert read_acroform(out.getvalue()) == {}


def test_on_screen_cross_prints_in_the_box(renderer: FormRenderer) -> None:
    """A filled radio shows a cross inside its box when the form is printed (forms drawn)."""
    import pypdfium2

    filled = fill(renderer.render(CONTEXT), {"B1_1": "/4"})
    document = pypdfium2.PdfDocument(filled)
    document.init_forms()
    image = np.array(document[0].render(scale=200 / 72, grayscale=True, may_draw_forms=True).to_pil())
    document.close()
    ((_, box),) = [(n, b) for n, b in renderer.layout.boxes_of("B1_1") if b.value == "4"]
    ((_, empty),) = [(n, b) for n, b in renderer.layout.boxes_of("B1_1") if b.value == "3"]

    def ink(rect: Rect) -> int:
        scale = 200 / 72
        x, y, w, h = (round(v * scale) for v in (rect.x, rect.y, rect.width, rect.height))
        top = image.shape[0] - (y + h)
        return int((image[top + 6 : top + h - 6, x + 6 : x + w - 6] < 128).sum())

    assert ink(box.rect) > 50 and ink(empty.rect) == 0


def test_layout_stored_once_and_checked(engine: Engine, renderer: FormRenderer) -> None:
    """ensure_layout stores the map, accepts the same version again, refuses a changed one."""
    with Session(engine) as session:
        ensure_layout(session, renderer)
        session.commit()
        ensure_layout(session, renderer)
        row = session.get(FormLayout, renderer.version)
        assert row is not None
        assert LayoutMap.from_json(row.layout) == renderer.layout
        assert row.content_hash == renderer.questionnaire.content_hash
    text = (REPOSITORY / "survey" / "questionnaires" / "default.toml").read_text("utf-8")
    changed = parse_questionnaire(text.replace("Nhận kết quả đúng hẹn", "Nhận kết quả đúng thời hạn"))
    assert changed.version == renderer.version
    with Session(engine) as session, pytest.raises(RenderError, match="bộ câu hỏi đã đổi mà phiên bản chưa đổi"):
        ensure_layout(session, FormRenderer(changed))


def test_context_from_settings(settings: Settings) -> None:
    """Return channels come from the survey settings, else the organisation and SMTP reply-to."""
    context = context_from_settings(settings, survey_code="7KX3M9QD", dossier_code="HS-1")
    assert context.organization == settings.organization.name
    assert context.return_email == "phieu@skhcn.example.gov.vn"
    assert context.return_fax == "0263 3822 111"
    assert context.return_address == settings.organization.address


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\ndir = "{tmp_path / "data"}"\n[organization]\nname = "Sở Khoa học và Công nghệ"\n'
        'fax = "0263 3822 111"\n[smtp]\nreply_to = "phieu@skhcn.example.gov.vn"\n',
        encoding="utf-8",
    )
    return config


def test_cli_form_render_and_blank(tmp_path: Path) -> None:
    """`khaosat form render` creates the survey and writes its form; `form blank` has no code."""
    runner = CliRunner()
    config = write_config(tmp_path)
    assert runner.invoke(app, ["init", "--config", str(config)]).exit_code == 0
    from khaosat.models import make_engine
    from khaosat.settings import load_settings

    engine = make_engine(load_settings(config).database_url)
    with Session(engine) as session:
        add_dossier(session, "HS-2026-0001", received_on=date.today())
    output = tmp_path / "form.pdf"
    result = runner.invoke(
        app, ["form", "render", "--dossier", "HS-2026-0001", "-o", str(output), "--config", str(config), "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    with Session(engine) as session:
        survey = session.exec(select(Survey)).one()
        assert session.get(FormLayout, survey.form_version) is not None
    engine.dispose()
    assert printed == {"dossier": "HS-2026-0001", "code": survey.code, "file": str(output)}
    assert "HS-2026-0001" in page_texts(output.read_bytes())[0]
    missing = runner.invoke(app, ["form", "render", "--dossier", "NOPE", "-o", str(output), "--config", str(config)])
    assert missing.exit_code == 1
    blank = tmp_path / "blank.pdf"
    assert runner.invoke(app, ["form", "blank", "-o", str(blank), "--config", str(config)]).exit_code == 0
    (qr,) = zxingcpp.read_barcodes(next(render_pages(blank.read_bytes(), 200)))
    assert parse_qr_payload(qr.text) == (load_questionnaire().version, None)


def test_widgets_state_alone_is_read_when_no_field_has_a_value(renderer: FormRenderer) -> None:
    """Some writers set only the chosen widget's /AS, never the group's /V."""
    from pypdf.generic import NameObject

    filled = fill(renderer.render(CONTEXT), {"B1_1": "/4", "D1": "/5"})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(filled)))
    for field in writer.root_object["/AcroForm"]["/Fields"]:
        field.get_object().pop(NameObject("/V"), None)
    out = io.BytesIO()
    writer.write(out)
    answers = read_acroform(out.getvalue())
    assert answers["B1_1"] == "4" and answers["D1"] == "5" and answers["B1_2"] is None
