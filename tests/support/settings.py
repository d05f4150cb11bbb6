"""Settings for a test workspace: a complete configuration, with sections overridden per test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from khaosat.settings import Settings, parse_settings

# The PostgreSQL server every database test also runs on (a schema of its own per test).
PG_URL = os.environ.get("KHAOSAT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_settings(tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    """Settings rooted at ``tmp_path`` (SQLite unless overridden); each keyword updates a section."""
    data: dict[str, dict[str, Any]] = {
        "organization": {
            "name": "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
            "fax": "0263 3822 111",
            "address": "12 Đường Trần Phú, TP. Thử Nghiệm",
        },
        "storage": {"dir": "data"},
        "dossiers": {"inbox_dir": "inbox"},
        "smtp": {
            "host": "127.0.0.1",
            "port": 25,
            "security": "none",
            "from_address": "khaosat@skhcn.example.gov.vn",
            "reply_to": "phieu@skhcn.example.gov.vn",
        },
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return parse_settings(data, tmp_path)
