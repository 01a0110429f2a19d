"""Hashtag research API: search within Meta's weekly limit, what is left of it, a hashtag's top and recent
media, saved hashtag groups. Facebook Login accounts only (Instagram Login ones get a 409 saying why)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from clipper.deps import AccountGraphDep, CurrentUser, SessionDep, UserOutsideTransaction
from clipper.hashtags import service
from clipper.hashtags.models import HashtagGroup
from clipper.hashtags.schemas import (
    MAX_PERFORMANCE_HASHTAGS,
    GroupFields,
    GroupRead,
    Hashtag,
    HashtagMediaPage,
    MediaEdge,
    Page,
    PerformanceRead,
    PerformanceScope,
    PerformanceSort,
    QuotaRead,
    SearchRead,
    SearchRequest,
)
from clipper.inputs import DbId

router = APIRouter(prefix="/hashtags", tags=["hashtags"])

MAX_MEDIA_PAGE = 50


@router.get("/quota", response_model=QuotaRead)
async def hashtag_quota(user: UserOutsideTransaction, access: AccountGraphDep, account_id: DbId) -> QuotaRead:
    """How many of Instagram's 30 unique hashtags per 7 days the account has left, and when the next frees.
    Hashtags Instagram lists as searched this week but not through Clipper count too (`elsewhere`)."""
    return await service.quota(access, user=user, account_id=account_id)


@router.post("/search", response_model=SearchRead)
async def search_hashtag(
    body: SearchRequest, user: UserOutsideTransaction, access: AccountGraphDep
) -> SearchRead:
    """Find a hashtag on Instagram. A hashtag new this week takes one of the 30 (refused with 429 past them,
    before Instagram is asked); one already searched within 7 days is free."""
    return await service.search(access, user=user, account_id=body.account_id, hashtag=body.hashtag)


@router.get("/media", response_model=HashtagMediaPage)
async def hashtag_media(
    user: UserOutsideTransaction,
    access: AccountGraphDep,
    account_id: DbId,
    hashtag: Annotated[Hashtag, Query()],
    edge: MediaEdge = MediaEdge.TOP,
    limit: Annotated[int, Query(ge=1, le=MAX_MEDIA_PAGE)] = 25,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> HashtagMediaPage:
    """The hashtag's most popular (`top`) or last 24 hours' (`recent`) public posts with their likes and
    comments (null where the owner hides them). Searches the hashtag first when needed (same rules)."""
    return await service.media(
        access, user=user, account_id=account_id, hashtag=hashtag, edge=edge, limit=limit, cursor=cursor
    )


def performance_scope(
    account_id: DbId | None = None, since: date | None = None, until: date | None = None
) -> PerformanceScope:
    """`?account_id=&since=&until=` (inclusive UTC days of publishing; every account when none is given)."""
    return service.check_scope(account_id, since, until)


ScopeDep = Annotated[PerformanceScope, Depends(performance_scope)]


@router.get("/performance", response_model=PerformanceRead)
async def hashtag_performance(
    session: SessionDep,
    user: CurrentUser,
    scope: ScopeDep,
    sort: PerformanceSort = PerformanceSort.POSTS,
    limit: Annotated[int, Query(ge=1, le=MAX_PERFORMANCE_HASHTAGS)] = MAX_PERFORMANCE_HASHTAGS,
) -> PerformanceRead:
    """Per hashtag of your published posts (caption and posted first comment): how many posts carried it,
    their reach, views and interactions (median, interquartile range, min–max) from stored insights, and
    the posts. `low_sample` marks hashtags with numbers for fewer than 5 posts."""
    return await service.performance(session, user=user, scope=scope, sort=sort, limit=limit)


@router.get("/performance.csv", response_class=Response)
async def hashtag_performance_csv(
    session: SessionDep, user: CurrentUser, scope: ScopeDep, sort: PerformanceSort = PerformanceSort.POSTS
) -> Response:
    """The same report as CSV: a `hashtag` row per hashtag, then a `post` row per post that carried it."""
    text = await service.performance_csv(session, user=user, scope=scope, sort=sort)
    filename = f"hashtag-performance-{scope.account_id or 'all'}.csv"
    return Response(
        text, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/groups", response_model=Page[GroupRead])
async def list_groups(session: SessionDep, user: CurrentUser) -> dict[str, object]:
    """The caller's saved hashtag groups (at most 50, so one page)."""
    return {"items": await service.list_groups(session, user=user), "next_cursor": None}


@router.post("/groups", response_model=GroupRead, status_code=status.HTTP_201_CREATED)
async def create_group(body: GroupFields, session: SessionDep, user: CurrentUser) -> HashtagGroup:
    """Save a group of up to 30 hashtags under a name of its own."""
    return await service.create_group(session, user=user, data=body)


@router.get("/groups/{group_id}", response_model=GroupRead)
async def get_group(group_id: DbId, session: SessionDep, user: CurrentUser) -> HashtagGroup:
    """One saved group."""
    return await service.get_group(session, user=user, group_id=group_id)


@router.put("/groups/{group_id}", response_model=GroupRead)
async def update_group(
    group_id: DbId, body: GroupFields, session: SessionDep, user: CurrentUser
) -> HashtagGroup:
    """Rename a group or replace its hashtags."""
    return await service.update_group(session, user=user, group_id=group_id, data=body)


@router.delete("/groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_group(group_id: DbId, session: SessionDep, user: CurrentUser) -> Response:
    """Delete a saved group."""
    await service.delete_group(session, user=user, group_id=group_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
