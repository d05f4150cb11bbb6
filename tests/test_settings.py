"""Configuration: the file, environment overrides, secrets, errors that name the key."""

import ast
import os
import re
import tomllib
from pathlib import Path

import pytest

from khaosat.errors import ConfigError
from khaosat.intake.imap import ImapSource
from khaosat.settings import (
    Section,
    Settings,
    apply_env_overrides,
    load_settings,
    parse_settings,
    unit_reference_warnings,
)

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
        ('[smtp]\nhots = "x"\n', "khóa cấu hình 'smtp.hots': không có khóa này"),
        ('[smtp]\nport = "x"\n', "khóa cấu hình 'smtp.port': phải là số nguyên"),
        ('[smtp]\nsecurity = "ssl"\n', "smtp.security"),
        ('[organization]\ntimezone = "Mars/Olympus"\n', "organization.timezone"),
        ('[fax]\ngateway = "fax@example.vn"\n', "fax.gateway"),
        ('[[rounds]]\nname = "1"\nstart = "13-01"\nend = "10-31"\n', "rounds.0.start"),
        ("[smtp\n", "không phải TOML hợp lệ: thiếu ']' cuối tên mục (dòng 1, cột 6)"),
        ('[[units]]\ncode = "Q L"\nname = "Phòng"\n', "units.0.code"),
    ],
)
def test_bad_config_names_the_key(tmp_path, toml, message):
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(config, environ={})


def test_unknown_env_override_is_an_error():
    with pytest.raises(ConfigError, match=re.escape("KHAOSAT_SMTP__PROT: mục [smtp] không có khóa 'prot'")):
        apply_env_overrides({}, {"KHAOSAT_SMTP__PROT": "1"})
    with pytest.raises(ConfigError, match=re.escape("KHAOSAT_NOPE__X: cấu hình không có mục [nope]")):
        apply_env_overrides({}, {"KHAOSAT_NOPE__X": "1"})


def test_missing_file():
    with pytest.raises(ConfigError, match="không tìm thấy tệp cấu hình"):
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
    with pytest.raises(ConfigError, match=re.escape("imap.password': không có khóa này")):
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


def test_units_and_procedures_of_the_configuration(tmp_path):
    """[[units]] and [[procedures]]: codes, names, aliases; a unit's own target and heads come first."""
    config = tmp_path / "k.toml"
    config.write_text(
        "[report]\ntarget = 0.8\nunit_targets = { QLCN = 0.7, VP = 0.6 }\n"
        'unit_heads = { QLCN = ["b@x.vn", "a@x.vn"] }\n'
        '[[units]]\ncode = "QLCN"\nname = "Phòng Quản lý chuyên ngành"\naliases = ["Phòng QLCN"]\ntarget = 0.9\n'
        'heads = ["a@x.vn"]\n'
        '[[procedures]]\ncode = "1.001234"\nname = "Cấp giấy chứng nhận"\nshort_name = "Cấp GCN"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    assert [(unit.code, unit.names) for unit in settings.units] == [
        ("QLCN", ["Phòng Quản lý chuyên ngành", "Phòng QLCN"])
    ]
    assert (settings.target_for("QLCN"), settings.target_for("VP"), settings.target_for("X")) == (0.9, 0.6, 0.8)
    assert settings.heads_for("QLCN") == ["a@x.vn", "b@x.vn"] and settings.heads_for("VP") == []
    assert settings.procedure("1.001234").short_name == "Cấp GCN" and settings.procedure("X") is None


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([{"code": "A", "name": "Phòng A"}, {"code": "A", "name": "Phòng B"}], "[[units]]: mã 'A' có hai lần"),
        (
            [{"code": "A", "name": "Phòng Một"}, {"code": "B", "name": "Phòng B", "aliases": ["PHONG MOT"]}],
            "[[units]]: tên “PHONG MOT” thuộc cả A lẫn B",
        ),
        ([{"code": "A"}], "khóa cấu hình 'units.0.name': thiếu"),
    ],
)
def test_a_name_or_code_twice_in_units_is_an_error(tmp_path, units, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_settings({"units": units}, tmp_path)


def test_unit_heads_naming_no_unit_is_a_warning(tmp_path):
    """unit_heads = { QLCN = … } where no unit has that code: a warning naming the key and the known codes."""
    settings = parse_settings(
        {"report": {"unit_heads": {"QLCN": ["tp@x.vn"]}, "unit_targets": {"PQLCN": 0.9, "KT": 0.5}}}, tmp_path
    )
    targets, heads = unit_reference_warnings(settings, stored_unit_codes=["PQLCN", "VPS"])
    assert heads.startswith("Cảnh báo: [report] unit_heads nêu đơn vị QLCN, nhưng không có đơn vị nào mã QLCN")
    assert targets.startswith("Cảnh báo: [report] unit_targets nêu đơn vị KT,")
    assert heads.endswith("Các mã đơn vị đã biết: PQLCN, VPS. Có phải PQLCN?")
    configured = parse_settings(
        {"report": {"unit_heads": {"QLCN": ["tp@x.vn"]}}, "units": [{"code": "QLCN", "name": "Phòng QLCN"}]},
        tmp_path,
    )
    assert unit_reference_warnings(configured, stored_unit_codes=[]) == []
