"""Configuration: the file, environment overrides, secrets, errors that name the key."""

import ast
import os
import re
import tomllib
from pathlib import Path

import pytest

from khaosat.errors import ConfigError
from khaosat.intake.imap import ImapSource
from khaosat.settings import Section, Settings, apply_env_overrides, load_settings

from .support.dovecot import dovecot, imap_user  # noqa: F401
from .support.paths import REPOSITORY

EXAMPLE = REPOSITORY / "config.toml"


def test_example_config_is_the_defaults(tmp_path):
    """The shipped config.toml loads and equals the built-in defaults."""
    from_file = load_settings(EXAMPLE, environ={})
    defaults = load_settings(None, environ={})
    assert from_file.model_dump(exclude={"storage", "dossiers"}) == defaults.model_dump(exclude={"storage", "dossiers"})
    assert from_file.storage.dir == EXAMPLE.parent / "data"


def test_every_key_is_documented():
    """Every settings key appears in config.toml with a comment above it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for name, field in Settings.model_fields.items():
        if not isinstance(field.default, Section):
            continue
        assert name in data, f"section [{name}] missing from config.toml"
        for key in type(field.default).model_fields:
            assert key in data[name], f"{name}.{key} missing from config.toml"
            assert re.search(rf"#[^\n]*\n((#|\w+ =)[^\n]*\n)*{key} =", text), f"{name}.{key} has no comment"


def test_env_overrides_apply_and_parse_json():
    environ = {
        "KHAOSAT_SMTP__PORT": "2525",
        "KHAOSAT_REPORT__BOARD_EMAILS": '["iso@example.gov.vn", "gd@example.gov.vn"]',
        "KHAOSAT_ORGANIZATION__NAME": "Sở KH&CN tỉnh Lâm Đồng",
        "KHAOSAT_CONFIG": "ignored.toml",
        "OTHER": "x",
    }
    settings = load_settings(EXAMPLE, environ=environ)
    assert settings.smtp.port == 2525
    assert settings.report.board_emails == ["iso@example.gov.vn", "gd@example.gov.vn"]
    assert settings.organization.name == "Sở KH&CN tỉnh Lâm Đồng"


def test_config_path_from_environment(tmp_path):
    config = tmp_path / "k.toml"
    config.write_text('[smtp]\nhost = "mail.example.gov.vn"\n', encoding="utf-8")
    assert load_settings(None, environ={"KHAOSAT_CONFIG": str(config)}).smtp.host == "mail.example.gov.vn"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[smtp]\nhots = "x"\n', "smtp.hots': unknown key"),
        ('[smtp]\nsecurity = "ssl"\n', "smtp.security"),
        ('[organization]\ntimezone = "Mars/Olympus"\n', "organization.timezone"),
        ('[fax]\ngateway = "fax@example.vn"\n', "fax.gateway"),
        ('[[rounds]]\nname = "1"\nstart = "13-01"\nend = "10-31"\n', "rounds.0.start"),
        ("[smtp\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path, toml, message):
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(config, environ={})


def test_unknown_env_override_is_an_error():
    with pytest.raises(ConfigError, match="KHAOSAT_SMTP__PROT"):
        apply_env_overrides({}, {"KHAOSAT_SMTP__PROT": "1"})
    with pytest.raises(ConfigError, match="no section"):
        apply_env_overrides({}, {"KHAOSAT_NOPE__X": "1"})


def test_missing_file():
    with pytest.raises(ConfigError, match="not found"):
        load_settings(Path("/nonexistent/khaosat.toml"), environ={})


def test_passwords_are_resolved_once_at_load_and_kept_secret():
    """Each section's password comes from the variable its password_env names; no repr or dump shows it."""
    environ = {
        "KHAOSAT_SMTP_PASSWORD": "mật-khẩu-thư-đi",
        "KHAOSAT_IMAP__PASSWORD_ENV": "HOP_THU",
        "HOP_THU": "hộp-thư",
    }
    settings = load_settings(EXAMPLE, environ=environ)
    assert settings.smtp.password.get_secret_value() == "mật-khẩu-thư-đi"
    assert settings.imap.password.get_secret_value() == "hộp-thư"
    shown = f"{settings!r} {settings} {settings.model_dump()} {settings.model_dump_json()}"
    assert "mật-khẩu-thư-đi" not in shown and "hộp-thư" not in shown
    assert load_settings(EXAMPLE, environ={}).imap.password.get_secret_value() == ""


def test_a_password_in_the_file_is_refused(tmp_path):
    """Secrets are never in the file: a password key is an unknown key."""
    config = tmp_path / "secret.toml"
    config.write_text('[imap]\npassword = "bí-mật"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("imap.password': unknown key")):
        load_settings(config, environ={})


def test_the_mailbox_logs_in_with_the_password_resolved_at_load(tmp_path, dovecot, imap_user):  # noqa: F811
    """The IMAP source takes the password the settings resolved; the process environment is not read again."""
    config = tmp_path / "k.toml"
    config.write_text(
        f'[imap]\nhost = "{dovecot.host}"\nport = {dovecot.port}\nsecurity = "none"\nusername = "{imap_user.name}"\n'
        'password_env = "KHAOSAT_TEST_IMAP_SECRET"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"KHAOSAT_TEST_IMAP_SECRET": imap_user.password})
    assert "KHAOSAT_TEST_IMAP_SECRET" not in os.environ
    source = ImapSource(settings.imap)
    try:
        assert list(source.fetch()) == []
    finally:
        source.close()


def test_only_the_settings_and_the_command_read_the_environment():
    """No package module reads os.environ or os.getenv except settings.py, cli.py and commands/."""
    readers = set()
    for path in REPOSITORY.rglob("*.py"):
        parts = path.relative_to(REPOSITORY).parts
        if parts[0] in {"tests", "bench", "deploy", "build", "commands", "settings.py", "cli.py"} or parts[0][0] == ".":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}:
                readers.add("/".join(parts))
    assert readers == set()
