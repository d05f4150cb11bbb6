"""Opening the database: one Vietnamese line, never a traceback, when it cannot be used.

The stopped server is a real PostgreSQL cluster made for this module (initdb), started,
given the schema, then stopped: the same URL that worked a moment ago now finds nothing.
The missing database is a name the machine's PostgreSQL server does not have.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from khaosat.database import init_schema, open_database, schema_revision
from khaosat.errors import DatabaseError
from khaosat.migrations import head, revisions
from khaosat.models import make_engine

from .support.processes import khaosat
from .support.settings import PG_URL, make_settings
from .support.smtp_server import free_port

VIETNAMESE = "cơ sở dữ liệu"


def postgres_program(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if found is None:
        pytest.fail(f"{name} is not installed (apt-get install postgresql)")
    return found


def as_postgres(*command: str) -> None:
    """Run a server program as the postgres user (initdb and pg_ctl refuse to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def stopped_server_url() -> Iterator[str]:
    """The URL of a real PostgreSQL cluster that answered (the schema was made there) and is now stopped."""
    root = Path(tempfile.mkdtemp(prefix="khaosat-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    as_postgres(postgres_program("initdb"), "--no-sync", "--auth=trust", "--username=postgres", "-D", str(data))
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    pg_ctl = postgres_program("pg_ctl")
    as_postgres(pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        engine = make_engine(url)
        assert init_schema(engine) == head()
        engine.dispose()
    finally:
        as_postgres(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    yield url
    shutil.rmtree(root, ignore_errors=True)


def missing_database_url() -> str:
    url = sa.make_url(PG_URL).set(database=f"khaosat_missing_{uuid.uuid4().hex[:12]}")
    return url.render_as_string(hide_password=False)


def run_verb(tmp_path: Path, database_url: str, verb: str) -> tuple[int, str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    process = khaosat(config, verb)
    _out, err = process.communicate(timeout=120)
    return process.returncode, err


@pytest.mark.parametrize("verb", ["status", "init"])
def test_a_stopped_server_is_one_line_and_exit_1(stopped_server_url, tmp_path, verb):
    """`khaosat status` and `khaosat init` with the server stopped: one Vietnamese line, exit 1."""
    code, err = run_verb(tmp_path, stopped_server_url, verb)
    assert code == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "không kết nối được máy chủ" in err and VIETNAMESE in err
    assert f":{sa.make_url(stopped_server_url).port}/" in err


@pytest.mark.parametrize("verb", ["status", "init"])
def test_a_missing_database_is_one_line_and_exit_1(tmp_path, verb):
    """`khaosat status` and `khaosat init` naming a database the server lacks: one Vietnamese line, exit 1."""
    url = missing_database_url()
    code, err = run_verb(tmp_path, url, verb)
    assert code == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "không tồn tại" in err and VIETNAMESE in err and sa.make_url(url).database in err


def test_an_uninitialised_database_says_to_run_init(database_url, tmp_path):
    """No schema yet: refused with a line naming `khaosat init`; with ``create`` the schema is made."""
    settings = make_settings(tmp_path, database={"url": database_url})
    with pytest.raises(DatabaseError, match=r"chưa được khởi tạo.*khaosat init"):
        open_database(settings)
    engine = open_database(settings, create=True)
    engine.dispose()
    engine = open_database(settings)
    with engine.connect() as connection:
        assert schema_revision(connection) == head()
    engine.dispose()


@pytest.mark.parametrize(
    ("version", "says"), [(revisions()[-2], "khaosat init"), (f"{int(head()) + 1:04d}", "mới hơn")]
)
def test_a_schema_of_another_version_is_refused(engine, database_url, tmp_path, version, says):
    """A schema behind (run init to upgrade) or ahead (a newer khaosat made it) is one line, not a crash later."""
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :version"), {"version": version})
    settings = make_settings(tmp_path, database={"url": database_url})
    with pytest.raises(DatabaseError, match=f"phiên bản {version}") as raised:
        open_database(settings)
    assert says in str(raised.value) and "\n" not in str(raised.value)


def test_the_password_is_hidden_in_the_message(tmp_path):
    """The URL in the message never shows the password."""
    url = sa.make_url(missing_database_url()).set(password="mật-khẩu-bí-mật")
    settings = make_settings(tmp_path, database={"url": url.render_as_string(hide_password=False)})
    with pytest.raises(DatabaseError) as raised:
        open_database(settings)
    assert "bí-mật" not in str(raised.value) and "***" in str(raised.value)


@pytest.mark.parametrize("url", ["nonsense", "postgresql+nosuchdriver://postgres@127.0.0.1/khaosat"])
def test_a_url_sqlalchemy_cannot_use_names_the_key(tmp_path, url):
    """Not a URL, or a driver SQLAlchemy does not know: one line naming database.url."""
    settings = make_settings(tmp_path, database={"url": url})
    with pytest.raises(DatabaseError, match=re.escape("'database.url'")):
        open_database(settings)
