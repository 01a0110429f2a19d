"""`/grid/{account_id}`: the profile grid preview, and swapping two scheduled posts' times."""

from __future__ import annotations

from fastapi import APIRouter

from clipper.deps import (
    AccountGraphDep,
    CurrentUser,
    FactoryDep,
    SessionDep,
    SettingsDep,
    UserOutsideTransaction,
)
from clipper.grid import service
from clipper.grid.schemas import GridRead, SwapRead, SwapRequest
from clipper.inputs import DbId

router = APIRouter(prefix="/grid/{account_id}", tags=["grid"])


@router.get("", response_model=GridRead)
async def get_grid(
    account_id: DbId,
    user: UserOutsideTransaction,
    factory: FactoryDep,
    access: AccountGraphDep,
    settings: SettingsDep,
) -> GridRead:
    """The grid as followers will see it: scheduled posts ahead (newest first), then Meta's last 30 media;
    scheduled stories apart."""
    return await service.get_grid(factory, access, user=user, account_id=account_id, settings=settings)


@router.post("/swap", response_model=SwapRead)
async def swap(session: SessionDep, user: CurrentUser, account_id: DbId, data: SwapRequest) -> SwapRead:
    """Swap the times of two scheduled posts of the account (both waiting, times ahead; 409 otherwise)."""
    return await service.swap(session, user=user, account_id=account_id, post_ids=data.post_ids)
