"""An SMTP sink for benchmarks: aiosmtpd in its own process, counting what it accepts.

Run as a script it prints its port, then serves until stdin closes; ``Sink`` starts one.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def serve() -> None:
    handler = CountingHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(handler.messages, handler.bytes, flush=True)
    controller.stop()


class Sink:
    """The sink process; ``count()`` asks it how many messages and bytes it took."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        time.sleep(0.1)

    def count(self) -> tuple[int, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        messages, size = self.process.stdout.readline().split()
        return int(messages), int(size)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


if __name__ == "__main__":
    serve()
