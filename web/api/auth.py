"""Who is calling: the ``Authorization: Bearer KEY`` of every API request, as a FastAPI dependency.

A missing key, a wrong one and a disabled one get the same 401 answer, so that a caller learns
nothing about which keys exist.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from .keys import caller_of

UNAUTHORISED = "Thiếu khóa API, khóa sai hoặc đã bị khóa (Authorization: Bearer KHÓA)"


def api_caller(request: Request) -> str:
    """The name of the calling system; HTTPException 401 for any request without a valid key."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    name = None
    if scheme.casefold() == "bearer" and key.strip():
        with request.app.state.web.session() as session:
            name = caller_of(session, key.strip())
    if name is None:
        raise HTTPException(401, detail=UNAUTHORISED, headers={"WWW-Authenticate": "Bearer"})
    return name
