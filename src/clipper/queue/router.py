"""`/accounts/{account_id}/queue`: an account's posting queue (slots, suggestions, order, pause)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from clipper.deps import CurrentUser, SessionDep, UserOutsideTransaction, get_resources
from clipper.inputs import DbId
from clipper.queue import service
from clipper.queue.schemas import Order, QueueRead, SlotsUpdate, SuggestionsRead

router = APIRouter(prefix="/accounts/{account_id}/queue", tags=["queue"])


@router.get("", response_model=QueueRead)
async def get_queue(session: SessionDep, user: CurrentUser, account_id: DbId) -> QueueRead:
    """The queue: time zone, paused or not, weekly slots, queued posts in order, the next free slots."""
    return await service.get_queue(session, user=user, account_id=account_id)


@router.put("/slots", response_model=QueueRead)
async def set_slots(session: SessionDep, user: CurrentUser, account_id: DbId, data: SlotsUpdate) -> QueueRead:
    """Replace the weekly slots (at most 100) and the IANA time zone; queued posts keep their times."""
    return await service.set_slots(session, user=user, account_id=account_id, data=data)


@router.get("/suggestions", response_model=SuggestionsRead)
async def suggestions(
    request: Request,
    user: UserOutsideTransaction,
    account_id: DbId,
    per_day: Annotated[int, Query(ge=1, le=3)] = 2,
) -> SuggestionsRead:
    """Suggested slots: the best `per_day` hours of each weekday from the best-times data, to accept."""
    return await service.suggestions(
        user=user, account_id=account_id, resources=get_resources(request), per_day=per_day
    )


@router.put("/order", response_model=QueueRead)
async def reorder(session: SessionDep, user: CurrentUser, account_id: DbId, data: Order) -> QueueRead:
    """Reorder the queue: `post_ids` lists every queued post once (409 otherwise); the times follow."""
    return await service.reorder(session, user=user, account_id=account_id, post_ids=data.post_ids)


@router.post("/pause", response_model=QueueRead)
async def pause(session: SessionDep, user: CurrentUser, account_id: DbId) -> QueueRead:
    """Pause: the queued posts are held (not published) until the queue is resumed."""
    return await service.pause(session, user=user, account_id=account_id)


@router.post("/resume", response_model=QueueRead)
async def resume(session: SessionDep, user: CurrentUser, account_id: DbId) -> QueueRead:
    """Resume: held posts are due again; those whose slot passed move to the next free slots."""
    return await service.resume(session, user=user, account_id=account_id)
