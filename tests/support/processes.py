"""Running khaosat as a separate process, the way an operator or systemd does."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from khaosat.settings import Settings

from .factories import add_dossier, local_today


def write_config(tmp_path: Path, database_url: str, smtp_port: int, extra: str = "") -> Path:
    """A config file for the test database and SMTP server; ``extra`` adds TOML sections."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
        f'from_address = "khaosat@skhcn.example.gov.vn"\n[dispatch]\nbatch_size = 5\n{extra}',
        encoding="utf-8",
    )
    return config


def khaosat(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "khaosat.cli", *args, "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def seed(engine, settings: Settings, count: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        for number in range(count):
            add_dossier(session, f"HS-{number:03d}", received_on=local_today(settings), email=f"u{number}@example.vn")


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
