"""IMAP fetch benchmark: N messages of ~80 KB appended to a Dovecot of its own, then fetched
through ImapSource (BODY.PEEK[] in batches) and, optionally, settled (MOVE).

Reports messages per second and MB/s for the fetch, CPU ms per message of this process,
and the APPEND rate of the setup for comparison.

    .venv/bin/python bench/imap_fetch.py [--messages 1000] [--size 80000] [--batch 100] [--settle]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from khaosat.intake.imap import ImapSource
from khaosat.tests.support.dovecot import Dovecot, message


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(count: int, size: int, batch: int, settle: bool) -> dict[str, float | int]:
    server = Dovecot().start()
    try:
        user = server.add_user()
        messages = [message(subject=f"Phiếu {number}", size=size) for number in range(count)]
        started = time.perf_counter()
        server.append_many(user, "INBOX", messages)
        append_seconds = time.perf_counter() - started
        source = ImapSource(server.settings(user, batch_size=batch), user.password)
        cpu, started = cpu_seconds(), time.perf_counter()
        fetched = total = 0
        for item in source.fetch():
            fetched += 1
            total += len(item.data)
            if settle:
                source.settle(item, review=False)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        source.close()
    finally:
        server.stop()
    assert fetched == count, f"fetched {fetched} of {count}"
    return {
        "messages": count,
        "message_kb": round(total / count / 1024, 1),
        "batch_size": batch,
        "settle": settle,
        "append_per_s": round(count / append_seconds, 1),
        "fetch_per_s": round(count / seconds, 1),
        "fetch_mb_per_s": round(total / seconds / 1e6, 1),
        "cpu_ms_per_message": round(cpu * 1000 / count, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--size", type=int, default=80_000, help="bytes of body per message")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--settle", action="store_true", help="also MOVE each message to the processed folder")
    args = parser.parse_args()
    print(json.dumps(run(args.messages, args.size, args.batch, args.settle)))


if __name__ == "__main__":
    main()
