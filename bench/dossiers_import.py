"""Dossier import benchmark: a generated N-row xlsx export imported, then imported again.

Reports seconds and rows per second for: reading the workbook, normalising the rows,
the first import (all new) and the second (all unchanged), on SQLite or on the database
given by --url (e.g. the PostgreSQL server of this machine).

    .venv/bin/python bench/dossiers_import.py [--rows 20000] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session

from khaosat.database import init_schema
from khaosat.dossiers.columns import alias_table, locate_header
from khaosat.dossiers.importer import import_files
from khaosat.dossiers.rows import read_rows
from khaosat.dossiers.table import read_tables
from khaosat.models import make_engine
from khaosat.settings import parse_settings

HEADER = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị xử lý", "Tổ chức, cá nhân",
          "Email", "Số fax", "Điện thoại", "Địa chỉ", "Ngày tiếp nhận", "Ngày hẹn trả"]  # fmt: skip
UNITS = ["Phòng Quản lý chuyên ngành", "Phòng Kế hoạch - Tài chính", "Văn phòng Sở",
         "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Phòng Quản lý khoa học"]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Đức Hùng", "Ngọc Lan"]


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """A write-only workbook with a title row, the header and ``rows`` messy dossiers."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ")
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    sheet.append(HEADER)
    start = date(2024, 1, 1)
    for n in range(1, rows + 1):
        received = start + timedelta(days=rng.randrange(300))
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        procedure = rng.randrange(150)
        sheet.append([
            n, f"000.00.31.H23-{received:%y%m%d}-{n:05d}", f"1.{procedure:06d}",
            f"Thủ tục hành chính số {procedure}", rng.choice(UNITS), name,
            rng.choice([f" User{n}@Gmail.COM ", f"u{n}@example.vn; other{n}@x.vn", "Không có", ""]),
            rng.choice(["0263.3822.111", "(0263) 3822 111", "", "Không có"]),
            rng.choice([f"0912 {n % 1000:03d} {n % 997:03d}", f"+84 263 38{n % 100000:05d}", ""]),
            f"{n} Đường Trần Phú, phường {n % 20}",
            rng.choice([datetime.combine(received, datetime.min.time()), f"{received:%d/%m/%Y}"]),
            f"{received + timedelta(days=15):%d/%m/%Y}",
        ])  # fmt: skip
    workbook.save(path)
    return path


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


@contextmanager
def database(url: str, workdir: Path) -> Iterator[str]:
    """SQLite in ``workdir``, or a schema of its own on the server at ``url``, dropped after."""
    if not url:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.url, Path(tmp)) as url:
        workdir = Path(tmp)
        settings = parse_settings({}, workdir)
        path, generate_s = timed(generate, workdir / "export.xlsx", args.rows)
        tables, read_s = timed(read_tables, path)
        columns = locate_header(tables[0].rows, alias_table({}))
        _outcomes, parse_s = timed(lambda: list(read_rows(tables[0].rows, columns, "VN")))
        engine = make_engine(url)
        init_schema(engine)
        figures = {"rows": args.rows, "database": engine.dialect.name, "generate_s": generate_s,
                   "read_s": read_s, "normalise_s": parse_s}  # fmt: skip
        for label in ("first_import", "reimport"):
            with Session(engine) as session:
                report, seconds = timed(import_files, [path], session=session, settings=settings)
            figures[f"{label}_s"] = seconds
            figures[f"{label}_rows_per_s"] = round(args.rows / seconds)
            figures[f"{label}_counts"] = [report.new, report.updated, report.unchanged]
        engine.dispose()
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
