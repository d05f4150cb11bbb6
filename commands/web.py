"""`khaosat web`: the online form and the counter kiosk, served by uvicorn ([web] host and port)."""

from __future__ import annotations

from .common import ConfigOption, handled


@handled
def web(config: ConfigOption = None) -> None:
    """Chạy biểu mẫu trực tuyến và trang quầy (kiosk) đến khi nhận SIGTERM hoặc Ctrl+C."""
    from ..settings import load_settings
    from ..web.server import serve

    serve(load_settings(config))
