"""Operational endpoints: `/healthz` (is the service and its database up) and `/metrics` (Prometheus)."""

from __future__ import annotations

from typing import Literal

import structlog
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from clipper import __version__, state_metrics
from clipper.deps import SettingsDep

router = APIRouter(tags=["operations"])
log = structlog.get_logger(__name__)


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "unavailable"]
    sandbox_mode: bool


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(request: Request, settings: SettingsDep, response: Response) -> Health:
    """Report whether the service can reach its database."""
    # Not SessionDep: a failed check must answer 503, not fail the unit of work's commit.
    try:
        async with request.app.state.session_factory() as session:
            await session.execute(text("SELECT 1"))
        database: Literal["ok", "unavailable"] = "ok"
    except (SQLAlchemyError, OSError) as exc:
        log.warning("health check: database unavailable", error_type=type(exc).__name__)
        database = "unavailable"
        response.status_code = 503
    return Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        sandbox_mode=settings.sandbox_mode,
    )


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Expose the Prometheus metrics in the text format (the database gauges read at scrape time)."""
    await state_metrics.refresh(request.app.state.session_factory)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
