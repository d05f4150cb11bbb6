"""Every Vietnamese template put through ``language.tr`` has its English, with the same values."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

import khaosat
from khaosat.language import current, day_text, decimal, speaking, tr, tr_markup
from khaosat.language.english import ENGLISH

ROOT = Path(khaosat.__file__).parent
TRANSLATED = (
    "language", "cli.py", "settings.py", "database.py", "scheduler.py", "reports", "mailer", "daemon", "commands",
    "review", "dossiers", "web/staff/accounts.py", "web/staff/auth.py", "web/api/keys.py",
)  # fmt: skip
LOOKUPS = {"tr", "tr_markup", "tr_each", "N_"}
DROPPABLE = {"you"}  # the Vietnamese form of address ("Ông/Bà"), which English does without


def python_templates(path: Path) -> list[str]:
    """The string literals given to tr, tr_markup, tr_each and N_ in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in LOOKUPS:
            found += [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return found


def jinja_templates(path: Path) -> list[str]:
    """The string literals given to ``tr`` in one Jinja2 template."""
    tree = jinja2.Environment().parse(path.read_text(encoding="utf-8"))
    return [
        call.args[0].value
        for call in tree.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name) and call.node.name == "tr" and isinstance(call.args[0], nodes.Const)
    ]


def every_template() -> dict[str, str]:
    """Each Vietnamese template of the translated modules, and the first file that uses it."""
    templates: dict[str, str] = {}
    for part in TRANSLATED:
        for path in sorted([ROOT / part] if part.endswith(".py") else (ROOT / part).rglob("*")):
            where = str(path.relative_to(ROOT))
            found = (
                python_templates(path)
                if path.suffix == ".py"
                else jinja_templates(path)
                if path.suffix == ".j2"
                else []
            )
            for template in found:
                templates.setdefault(template, where)
    return templates


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_template_has_its_english_with_the_same_values():
    """A template missing from english.ENGLISH shows in Vietnamese in English mode; a value left out is lost."""
    templates = every_template()
    assert len(templates) > 250
    assert {"reports/round_pdf.py", "mailer/templates/invitation.html.j2", "daemon/status.py"} <= set(
        templates.values()
    )
    missing = {template: where for template, where in templates.items() if template not in ENGLISH}
    assert missing == {}
    differing = {
        template: (sorted(placeholders(template)), sorted(placeholders(ENGLISH[template])))
        for template in templates
        if not placeholders(template) - DROPPABLE <= placeholders(ENGLISH[template]) <= placeholders(template)
    }
    assert differing == {}


def test_values_are_put_in_after_the_lookup_and_never_read_as_templates():
    """A name holding braces or markup is data: shown as it is, escaped in HTML."""
    name = "Công ty {unit} <b>&</b>"
    assert tr("Kính gửi Quý Ông/Bà {name},", name=name) == f"Kính gửi Quý Ông/Bà {name},"
    with speaking("en"):
        assert current() == "en"
        assert tr("Kính gửi Quý Ông/Bà {name},", name=name) == f"Dear Mr/Ms {name},"
        assert tr_markup("Xin gửi lại phiếu trước ngày <strong>{deadline}</strong>.", deadline=name) == (
            "Please return the form by <strong>Công ty {unit} &lt;b&gt;&amp;&lt;/b&gt;</strong>."
        )
        assert tr("Một câu chưa có trong danh mục {x}.", x=1) == "Một câu chưa có trong danh mục 1."
    assert current() == "vi"


@pytest.mark.parametrize(
    ("language", "day", "number"), [("vi", "01/12/2026", "83,3"), ("en", "1 December 2026", "83.3")]
)
def test_dates_and_numbers_as_their_reader_writes_them(language, day, number):
    from datetime import date

    with speaking(language):
        assert day_text(date(2026, 12, 1)) == day
        assert decimal(83.333) == number
