"""An encrypted PDF with only an owner password opens in every viewer, so it is read; one
with a user password is refused, saying so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from khaosat.errors import ParseError
from khaosat.intake.handlers import _encrypted
from khaosat.reader import read_document
from khaosat.reader.acroform import read_acroform
from khaosat.reader.filetypes import PASSWORD_PROTECTED
from khaosat.reader.images import pdf_pages
from khaosat.survey.layout import LayoutMap
from khaosat.survey.layouts import questionnaire_layouts
from khaosat.survey.render import FormContext, renderer_for

from ..support.pdf_programs import fill_pypdf

CODE = "ABCDEFGG"
COMMENT = "Cán bộ hướng dẫn tận tình, cảm ơn."
CHOSEN = {"B1_1": "4", "D1": "5"}


@pytest.fixture(scope="module")
def filled() -> bytes:
    form = renderer_for("").render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh Lâm Đồng", CODE))
    return fill_pypdf(form, {**CHOSEN, "E1": COMMENT})


@pytest.fixture(scope="module")
def layouts() -> dict[str, LayoutMap]:
    return dict(questionnaire_layouts())


def encrypt(pdf: bytes, user: str, bits: str, *aes: str) -> bytes:
    """``pdf`` encrypted by qpdf with owner password "chu-so-huu" and ``user``'s."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "no qpdf on PATH (.ci/run installs it)"
    with tempfile.TemporaryDirectory(prefix="khaosat-qpdf-") as folder:
        source, target = Path(folder, "in.pdf"), Path(folder, "out.pdf")
        source.write_bytes(pdf)
        command = [qpdf, "--allow-weak-crypto", "--encrypt", user, "chu-so-huu", bits, *aes, "--"]
        subprocess.run([*command, str(source), str(target)], check=True, capture_output=True, timeout=60)
        return target.read_bytes()


@pytest.mark.parametrize(
    "bits, aes", [("128", ()), ("128", ("--use-aes=y",)), ("256", ())], ids=["rc4", "aes128", "aes256"]
)
def test_a_pdf_with_only_an_owner_password_is_read(
    filled: bytes, layouts: dict[str, LayoutMap], bits: str, aes: tuple[str, ...]
) -> None:
    """Its fields, comment and pages come out as from the same PDF unencrypted; the intake lets it through."""
    locked = encrypt(filled, "", bits, *aes)
    assert b"/Encrypt" in locked
    result = read_document(locked, "phieu.pdf", layouts)
    assert result.errors == []
    (found,) = result.forms
    assert found.method == "acroform" and found.code == CODE
    assert {question: value for question, value in found.answers.items() if value} == CHOSEN
    assert found.texts == {"E1": COMMENT}
    assert len(list(pdf_pages(locked))) == 2
    assert not _encrypted(locked)


def test_a_pdf_with_a_user_password_is_refused_saying_so(filled: bytes, layouts: dict[str, LayoutMap]) -> None:
    """Reading it gives the one clear reason, not "broken"; the intake refuses it too."""
    locked = encrypt(filled, "mat-khau", "256")
    result = read_document(locked, "phieu.pdf", layouts)
    assert result.forms == [] and result.errors == [f"phieu.pdf: {PASSWORD_PROTECTED}"]
    with pytest.raises(ParseError, match=PASSWORD_PROTECTED):
        read_acroform(locked)
    assert _encrypted(locked)
