"""`/social`: create, list, read, change, delete, publish and check posts; bulk upload; the limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import AwareDatetime

from clipper.deps import CurrentUser, SessionAfterBody, SessionDep, UserBeforeBody, current_user
from clipper.inputs import DbId
from clipper.social import service
from clipper.social.models import PostStatus
from clipper.social.schemas import BulkResult, ComposerLimits, Page, PostCreate, PostRead, PostUpdate

router = APIRouter(prefix="/social", tags=["social"])


@router.post("/", status_code=status.HTTP_201_CREATED, response_model=PostRead | Page[PostRead])
async def create_post(session: SessionDep, user: CurrentUser, data: PostCreate) -> PostRead | Page[PostRead]:
    """Create a post (a draft, scheduled with `scheduled_for`, or queued at once with `publish_now`).

    With `account_ids`, one post per account. An invalid post creates nothing (422 with its `reasons`).
    """
    posts = await service.create_posts(session, user=user, data=data)
    if data.account_ids:
        return Page[PostRead](items=[PostRead.model_validate(post) for post in posts])
    return PostRead.model_validate(posts[0])


@router.get("/limits", response_model=ComposerLimits, dependencies=[Depends(current_user)])
async def composer_limits() -> ComposerLimits:
    """The limits the server checks a post against, for a form's counters (its reasons stay the verdict)."""
    return service.composer_limits()


@router.get("/", response_model=Page[PostRead])
async def list_posts(
    session: SessionDep,
    user: CurrentUser,
    status_filter: Annotated[PostStatus | None, Query(alias="status")] = None,
    account_id: DbId | None = None,
    since: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    until: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> dict[str, object]:
    """The user's posts, newest first."""
    posts, next_cursor = await service.list_posts(
        session,
        user=user,
        status=status_filter,
        account_id=account_id,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
    return {"items": posts, "next_cursor": next_cursor}


@router.post("/bulk", status_code=status.HTTP_201_CREATED, response_model=BulkResult)
async def bulk_create(request: Request, session: SessionAfterBody, user: UserBeforeBody) -> BulkResult:
    """Create many posts from a JSON array or a CSV upload; nothing is created unless every row is valid."""
    posts = await service.create_bulk(session, user=user, upload=request)
    return BulkResult(created=len(posts), items=[PostRead.model_validate(post) for post in posts])


@router.get("/{post_id}", response_model=PostRead)
async def get_post(session: SessionDep, user: CurrentUser, post_id: DbId) -> PostRead:
    """One post with its containers, outcome and timeline."""
    return PostRead.model_validate(await service.get_post(session, user=user, post_id=post_id))


@router.put("/{post_id}", response_model=PostRead)
async def update_post(session: SessionDep, user: CurrentUser, post_id: DbId, data: PostUpdate) -> PostRead:
    """Change a draft, scheduled or failed post."""
    return PostRead.model_validate(await service.update_post(session, user=user, post_id=post_id, data=data))


@router.delete("/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_post(session: SessionDep, user: CurrentUser, post_id: DbId) -> None:
    """Delete a post (a published one only leaves this list: Instagram has no delete)."""
    await service.delete_post(session, user=user, post_id=post_id)


@router.post("/{post_id}/publish", status_code=status.HTTP_202_ACCEPTED, response_model=PostRead)
async def publish_post(session: SessionDep, user: CurrentUser, post_id: DbId) -> PostRead:
    """Publish now, or retry a failed post; the worker picks it up within a second."""
    return PostRead.model_validate(await service.request_publish(session, user=user, post_id=post_id))


@router.post("/{post_id}/check", status_code=status.HTTP_202_ACCEPTED, response_model=PostRead)
async def check_post(session: SessionDep, user: CurrentUser, post_id: DbId) -> PostRead:
    """Check an unconfirmed post with Instagram now (409 for a post in any other state)."""
    return PostRead.model_validate(await service.check_now(session, user=user, post_id=post_id))
