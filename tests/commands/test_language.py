"""The command's own words: typer's help and usage errors in Vietnamese, English on request, brackets kept."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.commands.english import ENGLISH
from khaosat.commands.i18n import resolve_language, vietnamese_error

runner = CliRunner()
# typer's English, as it writes it in help pages and usage errors.
TYPER_ENGLISH = (
    "Usage:",
    "Options",
    "Commands",
    "Arguments",
    "Show this message and exit",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "[default:",
    "required]",
    "env var:",
    "Install completion",
    "Show completion",
    "<path>",
    "<str>",
    "Error:",
    "Try '",
)


def every_verb() -> list[list[str]]:
    """The command path of every command and group of ``khaosat``, the root included."""
    paths: list[list[str]] = []

    def walk(command, path):  # type: ignore[no-untyped-def]
        paths.append(path)
        for name, child in getattr(command, "commands", {}).items():
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def help_of(path: list[str], **env: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [*path, "--help"], env={"KHAOSAT_LANG": "", **env})
    assert result.exit_code == 0, result.output
    return result.output


def test_every_help_page_has_no_english_of_typer():
    """`khaosat --help` and every verb's `--help`: Cách dùng, Tùy chọn, Lệnh — none of typer's English."""
    paths = every_verb()
    assert len(paths) > 15
    for path in paths:
        output = help_of(path)
        assert "Cách dùng: " in output, path
        found = [phrase for phrase in TYPER_ENGLISH if phrase in output]
        assert found == [], (path, found)
    assert "Hiện trợ giúp này rồi thoát." in help_of([])
    assert "[mặc định: table]" in " ".join(help_of(["status"]).split())


def test_bracketed_words_in_help_are_shown_as_written():
    """ "[storage] dir" and "[report] board_emails" are not taken for markup and dropped."""
    assert "[storage] dir" in " ".join(help_of(["report", "round"]).split())
    assert "([report] board_emails)" in help_of(["report", "status"])


def test_usage_errors_are_vietnamese():
    """A missing option, a bad choice, an unknown verb: the usage line, where help is, and the error; exit 2."""
    missing = runner.invoke(app, ["form", "render", "-o", "x.pdf"])
    assert missing.exit_code == 2
    assert "Lỗi: Thiếu tùy chọn '--dossier'." in missing.stderr
    assert "Xem trợ giúp: " in missing.stderr and "form render --help" in missing.stderr
    choice = runner.invoke(app, ["report", "rates", "--format", "pdf"])
    assert choice.exit_code == 2
    assert "Lỗi: Giá trị không hợp lệ cho '--format': 'pdf' không phải một trong 'table', 'json', 'csv'." in (
        " ".join(choice.stderr.split())
    )
    unknown = runner.invoke(app, ["gui-phieu"])
    assert unknown.exit_code == 2 and "Lỗi: Không có lệnh 'gui-phieu'." in unknown.stderr
    assert not [phrase for phrase in TYPER_ENGLISH if phrase in missing.stderr + choice.stderr + unknown.stderr]


def test_typer_error_wordings():
    assert vietnamese_error("No such option: --bogus") == "Không có tùy chọn --bogus."
    assert vietnamese_error("Option '--round' requires an argument.") == "Tùy chọn '--round' cần một giá trị."
    assert vietnamese_error("Invalid value for 'item_id': Input should be a valid integer, unable to parse") == (
        "Giá trị không hợp lệ cho 'item_id': phải là số nguyên."
    )
    assert vietnamese_error("Invalid value for 'files': file '/x.xlsx' does not exist.") == (
        "Giá trị không hợp lệ cho 'files': không có '/x.xlsx'."
    )
    assert vietnamese_error("Got unexpected extra argument (a)") == "Thừa đối số: a."
    assert vietnamese_error("Something typer never said before.") == "Something typer never said before."


def test_a_configuration_error_names_its_section(tmp_path):
    """ "no key 'portt' in section [smtp]" keeps its section: messages are not rich markup."""
    result = runner.invoke(app, ["status"], env={"KHAOSAT_SMTP__PORTT": "2525", "KHAOSAT_LANG": ""})
    assert result.exit_code == 1
    assert result.stderr.strip() == "Lỗi: KHAOSAT_SMTP__PORTT: mục [smtp] không có khóa 'portt'"
    config = tmp_path / "config.toml"
    config.write_text('[smtp]\nport = "hai"\n[dossiers]\naliases = { "[x]" = ["y"] }\n', encoding="utf-8")
    bad = runner.invoke(app, ["status", "--config", str(config)], env={"KHAOSAT_LANG": ""})
    assert bad.exit_code == 1 and bad.stderr.strip() == "Lỗi: khóa cấu hình 'smtp.port': phải là số nguyên"


@pytest.mark.parametrize("how", ["environment", "configuration"])
def test_english_on_request(tmp_path, how):
    """KHAOSAT_LANG=en, or [organization] language = "en" in the file given: typer's English and ours."""
    config = tmp_path / "config.toml"
    config.write_text('[organization]\nlanguage = "en"\n', encoding="utf-8")
    args, env = (["report", "rates"], {"KHAOSAT_LANG": "en"})
    if how == "configuration":
        args, env = ([*args, "--config", str(config)], {"KHAOSAT_LANG": ""})
    output = runner.invoke(app, [*args, "--help"], env=env).output
    assert "Usage: " in output and "Options:" in output and "Show this message and exit." in output
    assert "Return rates per unit for a round" in output and "Tỷ lệ thu hồi" not in output
    failed = runner.invoke(app, ["report", "rates", "--format", "pdf"], env={"KHAOSAT_LANG": "en"})
    assert failed.exit_code == 2 and "Error: Invalid value for '--format'" in " ".join(failed.stderr.split())


def test_language_comes_from_the_environment_then_the_configuration(tmp_path):
    config = tmp_path / "k.toml"
    config.write_text('[organization]\nlanguage = "en"\n', encoding="utf-8")
    assert resolve_language(["status"], {}) == "vi"
    assert resolve_language(["status", "-c", str(config)], {}) == "en"
    assert resolve_language(["status", f"--config={config}"], {"KHAOSAT_LANG": "vi"}) == "vi"
    assert resolve_language([], {"KHAOSAT_CONFIG": str(config)}) == "en"
    assert resolve_language([], {"KHAOSAT_LANG": "en_US.UTF-8"}) == "en"
    assert resolve_language(["-c", str(tmp_path / "missing.toml")], {}) == "vi"


# The modules whose verbs' help commands/english.py translates in full.
TRANSLATED = {f"khaosat.{name}" for name in ("cli", "commands.audit", "commands.daemon", "commands.dossiers",
                                              "commands.forms", "commands.reports", "commands.review",
                                              "commands.subunit", "commands.demo", "commands.privacy",
                                              "commands.user", "commands.apikey", "commands.web")}  # fmt: skip


def test_the_help_of_our_verbs_has_its_english():
    """Every Vietnamese help text of those verbs has its English (else English mode shows it in Vietnamese)."""
    missing = set()

    def walk(command):  # type: ignore[no-untyped-def]
        if getattr(command.callback, "__module__", None) in TRANSLATED:
            texts = [command.help, *(getattr(param, "help", None) for param in command.params)]
            missing.update(text for text in texts if text and not text.isascii() and text not in ENGLISH)
        for child in getattr(command, "commands", {}).values():
            walk(child)

    walk(typer.main.get_command(app))
    assert missing == set()
