"""Running the form: `khaosat web` needs its signing key; `khaosat run` serves the form when [web] enabled."""

from __future__ import annotations

import threading
import time

import httpx
from typer.testing import CliRunner

from khaosat import scheduler
from khaosat.cli import app

from ..support.smtp_server import free_port


def test_the_web_verb_refuses_to_start_without_its_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndir = "data"\n[web]\nsecret_env = "KHAOSAT_TEST_NO_SUCH_SECRET"\n', encoding="utf-8")
    assert CliRunner().invoke(app, ["init", "--config", str(config)]).exit_code == 0
    outcome = CliRunner().invoke(app, ["web", "--config", str(config)])
    assert outcome.exit_code == 1 and "KHAOSAT_TEST_NO_SUCH_SECRET" in outcome.output


def test_the_daemon_serves_the_form_when_enabled(settings, engine, survey):
    """`khaosat run` with [web] enabled: the form answers on [web] port while the daemon runs, not after."""
    port = free_port()
    web = settings.web.model_copy(update={"enabled": True, "host": "127.0.0.1", "port": port})
    stop = threading.Event()
    daemon = threading.Thread(target=scheduler.run, args=(settings.model_copy(update={"web": web}),),
                              kwargs={"stop": stop, "table": [], "watches": []})  # fmt: skip
    daemon.start()
    try:
        status = None
        for _ in range(200):
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/p/{survey.token}").status_code
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert status == 200
    finally:
        stop.set()
        daemon.join(timeout=30)
    assert not daemon.is_alive()
    try:
        httpx.get(f"http://127.0.0.1:{port}/ma", timeout=1)
        still_served = True
    except httpx.TransportError:
        still_served = False
    assert not still_served
