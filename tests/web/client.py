"""An in-process client for the web app: httpx over its ASGI interface, one event loop per test.

The calls are synchronous (``get``, ``head``, ``post``) so that tests read like the database
tests beside them; the app runs in the test's process, on the test's database.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

BASE = "https://khaosat.example.gov.vn"


class WebClient:
    def __init__(self, app: FastAPI, client_address: str = "203.0.113.7") -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, client=(client_address, 50000))
        self.client = httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=False)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
