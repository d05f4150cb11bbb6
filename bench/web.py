"""Web benchmark: the online form under uvicorn (`khaosat web`, one process, SQLite), and its weight.

A workspace gets ``--surveys`` surveys of dossiers received today; `khaosat web` serves it as
a child process. Then, from this process, ``--concurrency`` clients at once:

- **GET form**: ``--gets`` fetches of ``/p/<token>`` (random surveys), each a full page;
- **POST submit**: every survey's form sent once (a new reply: archived, recorded, counted,
  303 to the confirmation); the CSRF tokens are read from the pages beforehand, untimed.

Each phase reports requests a second, latency median and 95th percentile, and the server's
CPU milliseconds per request (from /proc). The weight is the form page and its stylesheet,
raw and gzip-compressed (what nginx sends with ``gzip on``). Runs ``--runs`` times; prints JSON.
The clients share the machine's two cores with the server: the figures are a floor.

    .venv/bin/python bench/web.py [--surveys 300] [--gets 2000] [--concurrency 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from khaosat.database import init_schema
from khaosat.models import make_engine
from khaosat.settings import load_settings
from khaosat.tests.support.factories import add_dossier, local_today
from khaosat.tests.support.smtp_server import free_port
from khaosat.tests.support.survey_rows import survey_of

HIDDEN = re.compile(r'name="(_csrf|_base)" value="([^"]*)"')
ANSWERS = {"B1_1": "4", "B2_1": "5", "C1": "0", "D1": "5"}


def workspace(folder: Path, surveys: int) -> tuple[Path, list[str], int]:
    """A config, a database with ``surveys`` surveys: (config path, their tokens, the port)."""
    port = free_port()
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\ndir = "data"\n[web]\nbase_url = "http://127.0.0.1:{port}"\nport = {port}\n', encoding="utf-8"
    )
    settings = load_settings(config, environ={})
    settings.storage.dir.mkdir(parents=True)
    engine = make_engine(settings.database_url)
    init_schema(engine)
    tokens = []
    with Session(engine, expire_on_commit=False) as session:
        for number in range(surveys):
            dossier = add_dossier(session, f"HS-BENCH-{number:05d}", received_on=local_today(settings))
            tokens.append(survey_of(session, settings, dossier).token)
    engine.dispose()
    return config, tokens, port


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def phase(base: str, requests: list[tuple[str, str, dict[str, str] | None]], concurrency: int) -> list[float]:
    """Send ``requests`` (method, path, form) with ``concurrency`` clients; each one's seconds."""
    queue = list(reversed(requests))
    latencies: list[float] = []

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base) as client:
            while queue:
                method, path, form = queue.pop()
                started = time.perf_counter()
                answer = await client.request(method, path, data=form)
                latencies.append(time.perf_counter() - started)
                if answer.status_code not in (200, 303):
                    raise RuntimeError(f"{method} {path}: {answer.status_code}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def measured(name: str, pid: int, base: str, requests: list[Any], concurrency: int) -> dict[str, Any]:
    cpu, started = cpu_seconds(pid), time.perf_counter()
    latencies = asyncio.run(phase(base, requests, concurrency))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    latencies.sort()
    return {
        "phase": name,
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "latency_ms_median": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "server_cpu_ms_per_request": round(cpu / len(latencies) * 1000, 2),
    }


def weight(base: str, token: str) -> dict[str, int]:
    page = httpx.get(f"{base}/p/{token}").content
    css = httpx.get(f"{base}/static/khaosat.css").content
    return {
        "form_bytes": len(page),
        "form_gzip": len(gzip.compress(page)),
        "css_bytes": len(css),
        "css_gzip": len(gzip.compress(css)),
        "total_gzip": len(gzip.compress(page)) + len(gzip.compress(css)),
    }


def one_run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="khaosat-bench-web-") as folder:
        config, tokens, port = workspace(Path(folder), args.surveys)
        environ = {**os.environ, "KHAOSAT_WEB_SECRET": secrets.token_urlsafe(32)}
        server = subprocess.Popen(
            [sys.executable, "-m", "khaosat.cli", "web", "--config", str(config)],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{base}/ma")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            rng = random.Random(2026)
            gets = [("GET", f"/p/{rng.choice(tokens)}", None) for _ in range(args.gets)]
            results = [measured("GET form", server.pid, base, gets, args.concurrency)]
            posts = []
            for token in tokens:
                hidden = dict(HIDDEN.findall(httpx.get(f"{base}/p/{token}").text))
                posts.append(("POST", f"/p/{token}", {**hidden, **ANSWERS}))
            results.append(measured("POST submit", server.pid, base, posts, args.concurrency))
            return {"phases": results, "weight": weight(base, tokens[0])}
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=300)
    parser.add_argument("--gets", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args) for _ in range(args.runs)]
    summary = {
        name: {
            "per_second_median": statistics.median(run["phases"][index]["per_second"] for run in runs),
            "per_second_range": [
                min(run["phases"][index]["per_second"] for run in runs),
                max(run["phases"][index]["per_second"] for run in runs),
            ],
        }
        for index, name in enumerate(("GET form", "POST submit"))
    }
    print(json.dumps({"runs": runs, "summary": summary, "load_average": os.getloadavg()}, indent=1))


if __name__ == "__main__":
    main()
