"""`khaosat form` (personalised and blank forms) and `khaosat parse` (reading a returned file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import KhaosatError
from .common import ConfigOption, JsonOption, console, err_console, handled, open_database, print_json

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
        console.print(f"Hồ sơ {dossier}: phiếu {code} ghi vào {output}", markup=False, highlight=False)


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
    console.print(f"Phiếu trắng (phiên bản {renderer.version}) ghi vào {output}", markup=False, highlight=False)


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
    from ..reader.results import ParseResult
    from ..settings import load_settings
    from ..survey.layouts import questionnaire_layouts

    settings = load_settings(config)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KhaosatError(f"không đọc được {file}: {exc.strerror}") from exc
    layouts = questionnaire_layouts(dict.fromkeys(("", settings.survey.questionnaire)))
    if sniff(data) == "eml":  # a message: every attachment that is a PDF or an image is read
        result = ParseResult(file=file.name)
        for attachment in attachments(data):
            if attachment.kind not in READABLE_KINDS:
                result.errors.append(f"{attachment.name}: không phải PDF hay ảnh; không đọc")
                continue
            read = read_document(attachment.data, attachment.name, layouts)
            result.forms += read.forms
            result.errors += read.errors
    else:
        result = read_document(data, file.name, layouts)
    if crops is not None:
        write_crops(result, crops)
    if as_json:
        print_json(result.to_json())
        return
    for form in result.forms:
        uncertain = ", ".join(sorted(form.uncertain)) or "—"
        line = f"trang {form.page}: mã {form.code or '?'} ({form.method}); cần xem lại: {uncertain}"
        console.print(line, markup=False, highlight=False)
    for error in result.errors:
        err_console.print(error, style="yellow", markup=False, highlight=False)
