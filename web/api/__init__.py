"""The API for other systems (issue 12): ``/api/v1/dossiers`` in, ``/api/v1/rates`` out, each behind an API key."""

from fastapi import APIRouter

from . import dossiers, rates

router = APIRouter(prefix="/api/v1")
router.include_router(dossiers.router)
router.include_router(rates.router)

__all__ = ["router"]
