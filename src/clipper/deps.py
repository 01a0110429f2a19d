"""Dependencies as `Annotated` aliases: settings, a unit of work, the caller, the HTTP and Graph clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.graph import AccountGraph
from clipper.config import Settings
from clipper.db import unit_of_work, writing_at_first_statement
from clipper.events.hub import EventHub
from clipper.inputs import DbId
from clipper.instagram import InstagramGraphAPI
from clipper.oauth.state_store import OAuthStateStore
from clipper.resources import Resources, app_state
from clipper.security import TokenCipher
from clipper.users.auth import Principal, SignInRequired, authenticate
from clipper.users.models import User
from clipper.workspaces.access import WORKSPACE_HEADER, WorkspaceAccess, authorize, workspace_id_from_header
from clipper.workspaces.roles import Action


def get_resources(request: Request) -> Resources:
    """The process's shared resources, built by the app's lifespan."""
    return app_state(request.app).resources


def get_settings(request: Request) -> Settings:
    """The resources' settings once the lifespan has built them; before, those the app was created with."""
    state = app_state(request.app)
    return state.resources.settings if state.started else state.settings


_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: commit when the handler returns, roll back if it raises."""
    # On SQLite a deferred transaction that reads, then writes after another connection committed, is
    # refused at once ("database is locked"): requests that may write take the write lock up front and
    # queue behind the busy timeout instead. No effect on PostgreSQL.
    writes = request.method not in _READ_ONLY_METHODS or getattr(request.state, "writes", False)
    async with unit_of_work(get_resources(request).session_factory, immediate=writes) as session:
        yield session


def get_http_client(request: Request) -> httpx.AsyncClient:
    """The process-wide HTTP client for Graph API calls (pooled connections)."""
    return get_resources(request).http_client


def get_graph(request: Request) -> InstagramGraphAPI:
    """The process-wide Graph API client without a token (an account's calls go through `AccountGraph`)."""
    return get_resources(request).graph


SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": the commit happens before the response is sent, so a failed commit is never
# reported to the client as a success.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]
GraphDep = Annotated[InstagramGraphAPI, Depends(get_graph)]


def get_cipher(request: Request) -> TokenCipher:
    """The app's TokenCipher (MultiFernet over FERNET_KEY) for stored tokens."""
    return get_resources(request).cipher


CipherDep = Annotated[TokenCipher, Depends(get_cipher)]


def get_oauth_states(request: Request, cipher: CipherDep) -> OAuthStateStore:
    """OAuth states and the last authorization, on the app's key-value store."""
    return OAuthStateStore(get_resources(request).kv, cipher)


# Here, not in oauth: a disconnect (accounts) takes the account out of the last authorization too.
StatesDep = Annotated[OAuthStateStore, Depends(get_oauth_states)]


async def current_principal(request: Request, session: SessionDep) -> Principal:
    """The authenticated caller (cookie + CSRF, or bearer token); 401 with `WWW-Authenticate` otherwise."""
    principal = await authenticate(session, request)
    if principal is None:
        raise SignInRequired()
    request.state.principal = principal
    return principal


async def current_user(principal: Annotated[Principal, Depends(current_principal)]) -> User:
    """The signed-in user; every query must be scoped by them (another user's id is a 404)."""
    return principal.user


async def optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None when the request carries no valid credential (CSRF still applies)."""
    try:
        principal = await authenticate(session, request)
    except SignInRequired:
        return None
    if principal is not None:
        request.state.principal = principal
    return principal.user if principal else None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


# Routes that read their own body (webhooks, clip uploads, bulk CSV) must not hold the database while
# a slow client sends it: on SQLite the unit of work takes the write lock, on PostgreSQL a pooled
# connection. Their unit of work begins at its first statement, and the caller is authenticated in a
# short unit of work of its own that ends before the body is read.


async def get_session_after_body(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request that opens (on SQLite: takes the write lock) at its first statement."""
    factory = writing_at_first_statement(get_resources(request).session_factory)
    async with unit_of_work(factory, immediate=False) as session:
        yield session


async def principal_before_body(request: Request) -> Principal:
    """`current_principal`, checked in a unit of work of its own that has ended before the body is read."""
    async with unit_of_work(get_resources(request).session_factory) as session:
        return await current_principal(request, session)


async def user_before_body(principal: Annotated[Principal, Depends(principal_before_body)]) -> User:
    """The signed-in user, for a route that reads its body before its unit of work opens."""
    return principal.user


SessionAfterBody = Annotated[AsyncSession, Depends(get_session_after_body, scope="function")]
UserBeforeBody = Annotated[User, Depends(user_before_body)]


def writes_on_read(request: Request) -> None:
    """Route dependency for a GET that also writes: its unit of work takes the write lock up front."""
    request.state.writes = True


WritesOnRead = Depends(writes_on_read)


# Endpoints that call Meta hold no request transaction (on SQLite it would keep the write lock while Meta
# answers; on PostgreSQL a pooled connection): the caller is authenticated in a short unit of work of its
# own, and the service reads, calls Meta, then writes in short units of work on the session factory.


def session_factory(request: Request) -> async_sessionmaker[AsyncSession]:
    """The app's session factory, for the short units of work of an endpoint that calls Meta."""
    # Read per request, not at startup: tests swap the factory for one on their own transaction.
    return get_resources(request).session_factory


async def optional_user_outside(request: Request) -> User | None:
    """`optional_user`, checked in a unit of work of its own that has ended before the endpoint runs."""
    async with unit_of_work(get_resources(request).session_factory) as session:
        return await optional_user(request, session)


def event_hub(request: Request) -> EventHub | None:
    """The events hub."""
    return get_resources(request).events


FactoryDep = Annotated[async_sessionmaker[AsyncSession], Depends(session_factory)]
UserOutsideTransaction = Annotated[User, Depends(user_before_body)]
OptionalUserOutsideTransaction = Annotated[User | None, Depends(optional_user_outside)]
EventsDep = Annotated[EventHub | None, Depends(event_hub)]


def account_graph(request: Request) -> AccountGraph:
    """The gateway to Meta for the caller's accounts (endpoints using it hold no request transaction)."""
    return AccountGraph.of(get_resources(request))


AccountGraphDep = Annotated[AccountGraph, Depends(account_graph)]


# Workspaces: the header `X-Workspace-Id` picks the workspace a request acts in (the caller's personal
# one without it); `require(action)` checks the caller's role there against the permission matrix
# (`clipper.workspaces.roles`) through `clipper.workspaces.access.authorize`, the one place that decides.


WorkspaceHeader = Annotated[
    str | None,
    Header(
        alias=WORKSPACE_HEADER,
        max_length=32,
        description="The id of the workspace the request acts in (default: your personal workspace).",
    ),
]


def require(action: Action) -> Any:
    """A dependency: the caller's access to the workspace `X-Workspace-Id` names, allowed to `action`."""

    async def dependency(
        principal: CurrentPrincipal, session: SessionDep, workspace: WorkspaceHeader = None
    ) -> WorkspaceAccess:
        workspace_id = workspace_id_from_header(workspace)
        return await authorize(session, user=principal.user, workspace_id=workspace_id, action=action)

    return Depends(dependency)


def require_in_path(action: Action) -> Any:
    """A dependency: the caller's access to the path's `{workspace_id}`, allowed to `action`."""

    async def dependency(
        workspace_id: DbId, principal: CurrentPrincipal, session: SessionDep
    ) -> WorkspaceAccess:
        return await authorize(session, user=principal.user, workspace_id=workspace_id, action=action)

    return Depends(dependency)
