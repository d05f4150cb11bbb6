"""The FastAPI application: ``create_app(settings, engine)``, its headers, its static files.

No interactive API documentation (it would load scripts from another site); every response
gets the headers of ``security``; pages are never stored, the stylesheet is cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ConfigError
from ..models import utcnow
from ..settings import Settings
from . import applicant, kiosk
from .access import Questionnaires
from .api import router as api_router
from .formpage import FormView
from .pages import Pages
from .security import NO_STORE, PAGE_HEADERS, PAGE_POLICY, SCRIPT_POLICY, STATIC_CACHE
from .staff import routes as staff
from .throttle import Throttle

STATIC = Path(__file__).parent / "static"
MIN_SECRET = 16  # characters of [web] secret_env's key
SCRIPTED_PATHS = ("/kiosk/", "/nhanvien/")  # pages that may run the app's own scripts


def no_wake() -> None:
    """No daemon beside the app (``khaosat web``): its dispatch job sends the queued invitations on schedule."""


@dataclass
class WebContext:
    """What every route needs, kept on ``app.state.web``."""

    settings: Settings
    engine: Engine
    pages: Pages
    view: FormView
    throttle: Throttle
    questionnaires: Questionnaires
    clock: Callable[[], datetime] = field(default=utcnow)
    on_dossiers: Callable[[], None] = field(default=no_wake)  # called once new invitations are queued

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def today(self) -> date:
        return self.clock().astimezone(self.settings.organization.zone).date()


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    monotonic: Callable[[], float] = time.monotonic,
    on_dossiers: Callable[[], None] = no_wake,
) -> FastAPI:
    """The app over ``engine``; ConfigError when ``[web] secret_env`` holds no usable key.

    ``on_dossiers``: called after an API post queued invitations; inside ``khaosat run`` it wakes
    the dispatch job, alone (``khaosat web``) there is none and the daemon's schedule sends them.
    """
    secret = settings.web.secret
    if len(secret.get_secret_value()) < MIN_SECRET:
        raise ConfigError(
            f"[web] secret_env: the variable {settings.web.secret_env} must hold a key of at least "
            f"{MIN_SECRET} characters (e.g. `openssl rand -base64 32`)"
        )
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    pages = Pages(settings)
    view = FormView(pages, settings, secret)
    app.state.web = WebContext(
        settings, engine, pages, view, Throttle(monotonic), Questionnaires(settings), on_dossiers=on_dossiers
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(applicant.router)
    app.include_router(kiosk.router)
    staff.install(app, monotonic)
    app.include_router(api_router)
    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """The headers of ``security`` on every response: plain ASGI, cheaper than Starlette's BaseHTTPMiddleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        policy = SCRIPT_POLICY if path.startswith(SCRIPTED_PATHS) else PAGE_POLICY
        cache = STATIC_CACHE if path.startswith("/static/") else NO_STORE
        added = [(name.lower().encode(), value.encode()) for name, value in PAGE_HEADERS.items()]
        added += [(b"content-security-policy", policy.encode()), (b"cache-control", cache.encode())]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"cache-control"]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, with_headers)
