"""Competitor endpoints under /api/v1/accounts/{account_id}/competitors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from clipper.competitors import service
from clipper.competitors.schemas import (
    ComparisonRead,
    CompetitorCreate,
    CompetitorList,
    CompetitorRead,
    HistoryRead,
)
from clipper.deps import (
    AccountGraphDep,
    CurrentUser,
    FactoryDep,
    SessionDep,
    SettingsDep,
    UserOutsideTransaction,
)
from clipper.inputs import DbId

router = APIRouter(prefix="/accounts/{account_id}/competitors", tags=["competitors"])


@router.get("", response_model=CompetitorList)
async def list_competitors(
    account_id: DbId, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> CompetitorList:
    """The account's tracked competitors with their newest figures, and how many it may track."""
    return await service.list_competitors(session, user=user, account_id=account_id, settings=settings)


@router.post("", response_model=CompetitorRead, status_code=201)
async def add_competitor(
    account_id: DbId,
    body: CompetitorCreate,
    user: UserOutsideTransaction,
    factory: FactoryDep,
    access: AccountGraphDep,
    settings: SettingsDep,
) -> CompetitorRead:
    """Track a public Business or Creator account by username (checked with Meta first)."""
    return await service.add_competitor(
        factory, access, user=user, account_id=account_id, username=body.username, settings=settings
    )


@router.delete("/{competitor_id}", status_code=204)
async def remove_competitor(
    account_id: DbId, competitor_id: DbId, user: CurrentUser, session: SessionDep
) -> Response:
    """Stop tracking a competitor and forget its history."""
    await service.remove_competitor(session, user=user, account_id=account_id, competitor_id=competitor_id)
    return Response(status_code=204)


@router.get("/comparison", response_model=ComparisonRead)
async def comparison(account_id: DbId, user: CurrentUser, session: SessionDep) -> ComparisonRead:
    """Newest figures side by side: our account first, then each competitor."""
    return await service.comparison(session, user=user, account_id=account_id)


@router.get("/history", response_model=HistoryRead)
async def history(
    account_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    days: Annotated[int, Query(ge=1, le=service.MAX_HISTORY_DAYS)] = 90,
) -> HistoryRead:
    """Daily figures over the last `days` days, one series per account (ours first)."""
    return await service.history(session, user=user, account_id=account_id, days=days)
