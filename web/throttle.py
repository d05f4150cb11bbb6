"""How often one client may look a survey code up: a sliding window per address. Pure, in memory.

A printed code is 8 symbols, one of them a check: guessing one is only a matter of tries,
so each address gets ``limit`` lookups per ``window`` seconds (10 a minute) and a 429 past
that. The counts live in the process (``khaosat web`` is one process); the clock is passed
in. At most ``max_clients`` addresses are remembered, the least recent forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from threading import Lock


class Throttle:
    def __init__(
        self, clock: Callable[[], float], *, limit: int = 10, window: float = 60.0, max_clients: int = 100_000
    ):
        self.clock, self.limit, self.window, self.max_clients = clock, limit, window, max_clients
        self._tries: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = Lock()

    def allow(self, client: str) -> bool:
        """Count one try of ``client``; False when it has had ``limit`` already in the window."""
        now = self.clock()
        with self._lock:
            tries = self._tries.pop(client, None) or deque()
            while tries and tries[0] <= now - self.window:
                tries.popleft()
            allowed = len(tries) < self.limit
            if allowed:
                tries.append(now)
            self._tries[client] = tries
            while len(self._tries) > self.max_clients:
                self._tries.popitem(last=False)
            return allowed
