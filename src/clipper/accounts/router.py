"""`/accounts`: list, read and delete the user's connected accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from clipper.accounts import service
from clipper.accounts.models import Account
from clipper.accounts.schemas import AccountPage, AccountRead
from clipper.deps import (
    AccountGraphDep,
    CurrentUser,
    SessionDep,
    StatesDep,
    UserOutsideTransaction,
)
from clipper.inputs import DbId, id_cursor

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("", response_model=AccountPage)
async def list_accounts(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: str | None = None,
) -> AccountPage:
    """The connected accounts, oldest first."""
    found = await service.list_accounts(session, user=user, limit=limit + 1, after_id=id_cursor(cursor))
    items = [AccountRead.model_validate(account) for account in found[:limit]]
    return AccountPage(items=items, next_cursor=str(found[limit - 1].id) if len(found) > limit else None)


@router.get("/{account_id}", response_model=AccountRead)
async def get_account(session: SessionDep, user: CurrentUser, account_id: DbId) -> Account:
    """One connected account."""
    return await service.get_account(session, user=user, account_id=account_id)


@router.delete("/{account_id}", status_code=204)
async def delete_account(
    user: UserOutsideTransaction, gateway: AccountGraphDep, states: StatesDep, account_id: DbId
) -> Response:
    """Disconnect the account (revoking on Meta's side) and delete everything stored for it."""
    await service.delete_account(gateway, user=user, account_id=account_id, states=states)
    return Response(status_code=204)


@router.post("/{account_id}/check", response_model=AccountRead)
async def check_account(user: UserOutsideTransaction, gateway: AccountGraphDep, account_id: DbId) -> Account:
    """Ask Meta now whether the account's token still works (the periodic check, for one account)."""
    return await service.check_account(gateway, user=user, account_id=account_id)
