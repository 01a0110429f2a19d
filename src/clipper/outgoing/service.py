"""The webhook-endpoint API's front door: a user's endpoints, their secrets, test pings and delivery log.

Every query is scoped by the owner: another user's endpoint is a 404.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.errors import Conflict, InvalidInput, NotFound
from clipper.inputs import id_cursor
from clipper.outgoing import outbox, signing, targets
from clipper.outgoing.models import WebhookDelivery, WebhookEndpoint
from clipper.outgoing.schemas import EndpointCreate, EndpointRead, EndpointUpdate, EndpointWithSecret
from clipper.security import TokenCipher
from clipper.users.models import User

MAX_ENDPOINTS_PER_USER = 10
DEFAULT_LOG_LIMIT = 20
MAX_LOG_LIMIT = 100


async def _checked_url(url: str, settings: Settings) -> str:
    try:
        return await targets.check_on_save(
            url,
            allow_http=settings.outgoing_webhooks_allow_http,
            allow_private=settings.outgoing_webhooks_allow_private,
        )
    except targets.TargetRefused as exc:
        raise InvalidInput(str(exc)) from None


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> EndpointWithSecret:
    return EndpointWithSecret(**EndpointRead.model_validate(endpoint).model_dump(), secret=secret)


async def list_endpoints(session: AsyncSession, *, user: User) -> Sequence[WebhookEndpoint]:
    """The user's endpoints, oldest first."""
    found = await session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.user_id == user.id).order_by(WebhookEndpoint.id)
    )
    return found.all()


async def get_endpoint(session: AsyncSession, *, user: User, endpoint_id: int) -> WebhookEndpoint:
    """One of the user's endpoints; NotFound for anyone else's."""
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.user_id == user.id)
    )
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


async def create_endpoint(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    data: EndpointCreate,
    cipher: TokenCipher,
    settings: Settings,
) -> EndpointWithSecret:
    """Add an endpoint with a new secret (answered this once); at most MAX_ENDPOINTS_PER_USER.

    The URL's host is resolved before the unit of work opens: a slow DNS answer holds no database lock.
    """
    url = await _checked_url(data.url, settings)
    async with unit_of_work(factory) as session:
        # The user's row locked (PostgreSQL; SQLite's write lock is held already): two creations cannot
        # both pass the count.
        await session.execute(select(User.id).where(User.id == user.id).with_for_update())
        count = await session.scalar(
            select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.user_id == user.id)
        )
        if (count or 0) >= MAX_ENDPOINTS_PER_USER:
            raise Conflict(f"You already have {MAX_ENDPOINTS_PER_USER} webhook endpoints: delete one first.")
        secret = signing.generate_secret()
        endpoint = WebhookEndpoint(
            user_id=user.id,
            url=url,
            description=data.description,
            events=list(data.events),
            secret_enc=cipher.encrypt(secret),
            enabled=data.enabled,
        )
        session.add(endpoint)
        await session.flush()
        return _with_secret(endpoint, secret)


async def update_endpoint(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    endpoint_id: int,
    data: EndpointUpdate,
    settings: Settings,
) -> WebhookEndpoint:
    """Change an endpoint's URL (resolved before the unit of work opens), events, description or enabled
    flag; the secret stays."""
    url = await _checked_url(data.url, settings) if data.url is not None else None
    async with unit_of_work(factory) as session:
        endpoint = await get_endpoint(session, user=user, endpoint_id=endpoint_id)
        if url is not None:
            endpoint.url = url
        if data.events is not None:
            endpoint.events = list(data.events)
        if data.description is not None:
            endpoint.description = data.description
        if data.enabled is not None:
            endpoint.enabled = data.enabled
        await session.flush()
        return endpoint


async def delete_endpoint(session: AsyncSession, *, user: User, endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log (pending deliveries are dropped)."""
    endpoint = await get_endpoint(session, user=user, endpoint_id=endpoint_id)
    await session.delete(endpoint)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, *, user: User, endpoint_id: int, cipher: TokenCipher
) -> EndpointWithSecret:
    """Replace the endpoint's secret (answered this once); every later attempt is signed with the new one."""
    endpoint = await get_endpoint(session, user=user, endpoint_id=endpoint_id)
    secret = signing.generate_secret()
    endpoint.secret_enc = cipher.encrypt(secret)
    await session.flush()
    return _with_secret(endpoint, secret)


async def send_test(session: AsyncSession, *, user: User, endpoint_id: int) -> WebhookDelivery:
    """Queue a `ping` delivery to the endpoint (sent by the worker like any other)."""
    endpoint = await get_endpoint(session, user=user, endpoint_id=endpoint_id)
    if not endpoint.enabled:
        raise Conflict("The endpoint is disabled: enable it to send a test.")
    data = {"endpoint_id": endpoint.id, "message": "A test delivery from Content Clipper."}
    [delivery] = outbox.enqueue(session, endpoint_ids=[endpoint.id], event_type=outbox.PING, data=data)
    await session.flush()
    return delivery


async def list_deliveries(
    session: AsyncSession, *, user: User, endpoint_id: int, limit: int, cursor: str | None
) -> tuple[Sequence[WebhookDelivery], str | None]:
    """The endpoint's deliveries, newest first (`next_cursor` pages back)."""
    await get_endpoint(session, user=user, endpoint_id=endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    before = id_cursor(cursor)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    rows = (await session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1))).all()
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor
