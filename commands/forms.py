"""`khaosat form` (personalised and blank forms) and `khaosat parse` (reading a returned file)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import KhaosatError
from ..language import tr
from .common import ConfigOption, JsonOption, console, err_console, handled, open_database, print_json

if TYPE_CHECKING:
    from ..reader.results import ParseResult
    from ..survey.layout import LayoutMap

app = typer.Typer(help="Phiếu khảo sát PDF.", no_args_is_help=True)

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="Tệp PDF sẽ ghi.", dir_okay=False)]


@app.command("render")
@handled
def form_render(
    dossier: Annotated[str, typer.Option("--dossier", help="Mã hồ sơ.")],
    output: OutputOption,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ghi phiếu khảo sát riêng của một hồ sơ (tạo phiếu nếu hồ sơ chưa có)."""
    from sqlmodel import Session

    from ..settings import load_settings
    from ..survey.personal import dossier_form
    from ..survey.render import renderer_for

    settings = load_settings(config)
    renderer = renderer_for(settings.survey.questionnaire)
    with open_database(settings) as engine, Session(engine) as session:
        code, pdf = dossier_form(session, dossier, settings=settings, renderer=renderer)
    output.write_bytes(pdf)
    if as_json:
        print_json({"dossier": dossier, "code": code, "file": str(output)})
    else:
        console.print(
            tr("Hồ sơ {dossier}: phiếu {code} ghi vào {output}", dossier=dossier, code=code, output=output),
            markup=False,
            highlight=False,
        )


@app.command("blank")
@handled
def form_blank(output: OutputOption, config: ConfigOption = None) -> None:
    """Ghi phiếu trắng để phát tại quầy (không có mã phiếu; mã hồ sơ điền tay)."""
    from ..settings import load_settings
    from ..survey.personal import blank_form
    from ..survey.render import renderer_for

    settings = load_settings(config)
    renderer = renderer_for(settings.survey.questionnaire)
    output.write_bytes(blank_form(settings, renderer))
    console.print(
        tr("Phiếu trắng (phiên bản {version}) ghi vào {output}", version=renderer.version, output=output),
        markup=False,
        highlight=False,
    )


@handled
def parse(
    file: Annotated[Path, typer.Argument(help="Phiếu trả về: PDF, TIFF, JPEG, PNG hoặc thư .eml.", metavar="TỆP")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
    crops: Annotated[
        Path | None, typer.Option("--crops", help="Ghi các ảnh cắt để xem lại (PNG) vào thư mục này.")
    ] = None,
) -> None:
    """Đọc một tệp trả về (bản quét, fax, ảnh chụp, PDF đã điền, thư) mà không ghi vào cơ sở dữ liệu."""
    from ..intake.messages.message import attachments
    from ..reader import read_document
    from ..reader.document import write_crops
    from ..reader.filetypes import READABLE_KINDS, sniff
    from ..reader.marks import BILEVEL_THRESHOLDS
    from ..reader.results import ParseResult
    from ..settings import load_settings
    from ..survey.layouts import questionnaire_layouts

    settings = load_settings(config)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KhaosatError(tr("không đọc được {file}: {problem}", file=file, problem=exc.strerror)) from exc
    layouts = questionnaire_layouts(dict.fromkeys(("", settings.survey.questionnaire)))
    if sniff(data) == "eml":  # a message: every attachment that is a PDF or an image is read
        result = ParseResult(file=file.name)
        for attachment in attachments(data):
            if attachment.kind not in READABLE_KINDS:
                result.errors.append(tr("{name}: không phải PDF hay ảnh; không đọc", name=attachment.name))
                continue
            read = read_document(attachment.data, attachment.name, layouts)
            result.forms += read.forms
            result.errors += read.errors
    else:
        result = read_document(data, file.name, layouts)
    output = result.to_json()
    if crops is not None:
        for form, crop in zip(output["forms"], comment_crops(result, write_crops(result, crops), layouts), strict=True):
            form["comment_crop"] = crop
    if as_json:
        print_json(output)
        return
    for form in output["forms"]:
        uncertain = ", ".join(form["uncertain"]) or "—"
        line = tr(
            "trang {page}: mã {code} ({method}); cần xem lại: {uncertain}",
            page=form["page"],
            code=form["code"] or "?",
            method=form["method"],
            uncertain=uncertain,
        )
        console.print(line, markup=False, highlight=False)
        if form["comment"] is not None:
            console.print(
                "  " + tr("góp ý: {comment}", comment=printable(form["comment"])), markup=False, highlight=False
            )
        elif form.get("comment_crop"):
            console.print(
                "  " + tr("góp ý viết tay: xem {path}", path=form["comment_crop"]), markup=False, highlight=False
            )
        if form["grey_kept"] is not None and form["grey_kept"] < (BILEVEL_THRESHOLDS.light_cut or 0):
            warning = tr(
                "bản fax/quét đen trắng chỉ giữ nét xám đến mức {kept}/255: nét bút chì nhạt có thể đã mất",
                kept=form["grey_kept"],
            )
            console.print("  " + warning, markup=False, highlight=False)
    for error in result.errors:
        err_console.print(error, style="yellow", markup=False, highlight=False)


def comment_crops(result: ParseResult, written: list[Path], layouts: Mapping[str, LayoutMap]) -> list[str | None]:
    """Per form, the written crop of its comment's writing area (a form read by its marks), or
    None (filled on screen: its comment is text). ``written`` is what ``write_crops`` wrote,
    in its order: every form's crops in turn. With several writing areas, the first."""
    paths = iter(written)
    found: list[str | None] = []
    for form in result.forms:
        by_name = {name: next(paths) for name in form.crops}
        layout = layouts.get(form.form_version or "")
        areas = [code for page in layout.pages for code in page.text_areas] if layout else []
        found.append(next((str(by_name[code]) for code in areas if code in by_name), None))
    return found


def printable(text: str) -> str:
    """``text`` (typed by an applicant) safe for a terminal: control and format characters
    (escape sequences, bidi overrides) shown as U+FFFD, later lines indented."""
    shown = "".join("\ufffd" if unicodedata.category(ch).startswith("C") and ch != "\n" else ch for ch in text)
    return shown.replace("\n", "\n    ")
