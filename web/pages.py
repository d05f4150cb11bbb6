"""Rendering the pages: one Jinja2 environment, the context every page shares, HTML responses.

Everything from the database, the questionnaire or the configuration is escaped
(autoescape); links are made under the path of ``[web] base_url`` (nginx strips it before
the app sees the request), so the app also works under a prefix such as ``/khaosat``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..settings import Settings
from .wording import wording

TEMPLATES = Path(__file__).parent / "templates"


class Pages:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefix = urlsplit(settings.web.base_url).path.rstrip("/")
        self.zone: ZoneInfo = settings.organization.zone
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["day"] = self.day

    def day(self, value: date | datetime) -> str:
        """A date as Vietnamese forms write it: 31/10/2026 (a time in the organisation's zone)."""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return f"{value:%d/%m/%Y}"

    def url(self, path: str, lang: str = "vi") -> str:
        """``path`` under the public prefix, in ``lang`` (Vietnamese needs no parameter)."""
        return f"{self.prefix}{path}" + ("?lang=en" if lang == "en" else "")

    def render(
        self,
        template: str,
        *,
        lang: str,
        path: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
        title: str,
        error: bool = False,
        kiosk: bool = False,
    ) -> HTMLResponse:
        words = wording(lang)
        other = words["other_lang"]
        page_title = f"{words['error_prefix'] if error else ''}{title} – {self.settings.organization.name}"
        html = self.environment.get_template(template).render(
            t=words,
            lang=lang,
            url=self.url,
            here=self.url(path, lang),
            switch_url=self.url(path, other),
            page_title=page_title,
            organization=self.settings.organization,
            static=f"{self.prefix}/static",
            kiosk=kiosk,
            **(context or {}),
        )
        return HTMLResponse(html, status_code=status)
