"""`khaosat apikey add|list|disable`: the key shown once, only its hash stored, a disabled key refused."""

from __future__ import annotations

import json

from sqlmodel import Session, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.models import ApiKey
from khaosat.web.api.keys import caller_of, key_hash


def invoke(config_file, *args):
    return CliRunner().invoke(app, ["apikey", *args, "-c", str(config_file)], catch_exceptions=False)


def test_add_list_disable(config_file, engine):
    added = invoke(config_file, "add", "motcua")
    assert added.exit_code == 0, added.output
    key = added.stdout.splitlines()[-1]
    assert key.startswith("ks_") and len(key) == 46
    with Session(engine) as session:
        stored = session.exec(select(ApiKey)).one()
        assert stored.key_hash == key_hash(key) != key
        assert caller_of(session, key) == "motcua"
    listed = invoke(config_file, "list", "--json")
    assert [row["name"] for row in json.loads(listed.stdout)] == ["motcua"]
    assert key not in listed.stdout and stored.key_hash not in listed.stdout
    assert invoke(config_file, "disable", "motcua").stdout.startswith("Đã khóa khóa API của motcua.")
    with Session(engine) as session:
        assert caller_of(session, key) is None
    assert "đã khóa" in invoke(config_file, "list").stdout


def test_a_name_taken_or_unknown_exits_1(config_file, engine):
    assert invoke(config_file, "add", "motcua").exit_code == 0
    again = invoke(config_file, "add", "motcua")
    assert again.exit_code == 1 and "đã có khóa API tên “motcua”" in again.stderr
    unknown = invoke(config_file, "disable", "khac")
    assert unknown.exit_code == 1 and "không có khóa API tên “khac”" in unknown.stderr
    assert invoke(config_file, "add", "tên có dấu").exit_code == 1
