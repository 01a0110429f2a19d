"""Operational endpoints: `/healthz` (is the service and its database up) and `/metrics` (Prometheus)."""

from __future__ import annotations

import ipaddress
from typing import Literal

import structlog
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from clipper import __version__, state_metrics
from clipper.config import Settings
from clipper.deps import SettingsDep, get_resources
from clipper.errors import Forbidden
from clipper.security import tokens_equal

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
        async with get_resources(request).session_factory() as session:
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
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """Expose the Prometheus metrics in the text format (to loopback clients, or with METRICS_TOKEN).

    The database gauges are read at scrape time.
    """
    if not _may_scrape(request, settings):
        raise Forbidden(
            "Metrics answer local clients, or a scraper sending 'Authorization: Bearer <METRICS_TOKEN>'."
        )
    await state_metrics.refresh(get_resources(request).session_factory)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _may_scrape(request: Request, settings: Settings) -> bool:
    # They name endpoints, accounts' error rates and queue depths: not for the open internet.
    if request.client is not None and _is_loopback(request.client.host):
        return True
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(settings.metrics_token)
        and scheme.lower() == "bearer"
        and tokens_equal(token, settings.metrics_token)
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
