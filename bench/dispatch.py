"""Dispatch benchmark: N dossiers rendered and sent to a local aiosmtpd sink.

Reports personalised emails per second end to end, CPU ms per email (the dispatching
process), PDF size, and the sink's own ceiling measured in the same run with
small pre-serialised messages over one reused connection.

    .venv/bin/python bench/dispatch.py [--dossiers 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import json
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiosmtplib
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sink import Sink

from khaosat.database import init_schema
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import Dossier, Procedure, Unit, make_engine, utcnow
from khaosat.settings import parse_settings


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def seed(engine: sa.Engine, count: int, zone: str) -> None:
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(zone)).date()
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Unit),
            [
                {"id": n + 1, "code": f"P{n + 1}", "name": f"Phòng chuyên môn {n + 1}", "head_email": ""}
                for n in range(4)
            ],
        )
        connection.execute(
            sa.insert(Procedure),
            [{"id": 1, "code": "1.004", "field": "KH&CN", "name": "Cấp giấy chứng nhận đăng ký hoạt động KH&CN"}],
        )
        connection.execute(
            sa.insert(Dossier),
            [
                {
                    "code": f"000.00.24.H{n:06d}",
                    "procedure_id": 1,
                    "unit_id": n % 4 + 1,
                    "applicant": f"Công ty TNHH Số {n}",
                    "email": f"nguoinop{n}@example.vn",
                    "fax": "",
                    "phone": "",
                    "address": "",
                    "received_on": today,
                    "returned_on": None,
                    "fingerprint": str(n),
                    "source": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(count)
            ],
        )


async def sink_ceiling(port: int, count: int) -> float:
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.vn", "b@example.vn", "ceiling"
    message.set_content("x" * 60_000)
    data = message.as_bytes(policy=email.policy.SMTP)
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await client.connect()
    start = time.perf_counter()
    for _ in range(count):
        await client.sendmail("a@example.vn", ["b@example.vn"], data)
    elapsed = time.perf_counter() - start
    await client.quit()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    args = parser.parse_args()
    sink = Sink()
    try:
        ceiling = asyncio.run(sink_ceiling(sink.port, 500))
        before_messages, before_bytes = sink.count()
        with tempfile.TemporaryDirectory() as workspace:
            settings = parse_settings(
                {
                    "smtp": {
                        "host": "127.0.0.1",
                        "port": sink.port,
                        "security": "none",
                        "from_address": "khaosat@skhcn.example.gov.vn",
                        "reply_to": "phieu@skhcn.example.gov.vn",
                    },
                    "organization": {
                        "name": "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                        "fax": "0263 3822 111",
                        "address": "35 Trần Hưng Đạo, Đà Lạt",
                    },
                },
                Path(workspace),
            )
            engine = make_engine(f"sqlite:///{workspace}/bench.db")
            init_schema(engine)
            seed(engine, args.dossiers, settings.organization.timezone)
            cpu_before, start = cpu_seconds(), time.perf_counter()
            report = dispatch_once(engine, settings)
            elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu_before
        messages, size = sink.count()
        messages, size = messages - before_messages, size - before_bytes
    finally:
        sink.close()
    assert report.sent == args.dossiers == messages, (report, messages)
    result = {
        "dossiers": args.dossiers,
        "emails_per_second": round(messages / elapsed, 1),
        "cpu_ms_per_email": round(1000 * cpu / messages, 1),
        "message_kb": round(size / messages / 1024, 1),
        "sink_ceiling_per_second": round(ceiling, 1),
        "seconds": round(elapsed, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
