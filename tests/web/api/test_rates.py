"""GET /api/v1/rates: the very JSON of `khaosat report rates --format json`, behind an API key."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.reports.rates import resolve_round

from .test_dossiers import dossier, post


def test_rates_equal_the_command_json(client, api_key, settings, config_file):
    """Dossiers posted, then the rates of their round by the API and by the command: the same list."""
    assert post(client, api_key, [dossier(f"HS-{n:03}", settings) for n in range(3)]).status_code == 200
    round_name = resolve_round(settings, None, None).name
    answer = client.get(f"/api/v1/rates?round={round_name}", headers={"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 200
    command = CliRunner().invoke(
        app, ["report", "rates", "--round", round_name, "--format", "json", "-c", str(config_file)]
    )
    assert command.exit_code == 0, command.output
    assert answer.json() == json.loads(command.stdout)
    assert answer.json()[0]["unit"] == "QLCN" and answer.json()[0]["dossiers"] == 3


def test_rates_of_the_round_in_progress_by_default_and_an_unknown_round(client, api_key, settings):
    headers = {"Authorization": f"Bearer {api_key}"}
    named = client.get(f"/api/v1/rates?round={resolve_round(settings, None, None).name}", headers=headers)
    assert client.get("/api/v1/rates", headers=headers).json() == named.json()
    unknown = client.get("/api/v1/rates?round=2026-9", headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["detail"].startswith("không có đợt khảo sát “2026-9”")


def test_rates_need_a_key(client):
    assert client.get("/api/v1/rates").status_code == 401
