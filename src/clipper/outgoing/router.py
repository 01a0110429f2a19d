"""Outgoing webhooks API: the caller's endpoints, secret rotation, test pings and the delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from clipper.deps import CipherDep, CurrentUser, FactoryDep, SessionDep, SettingsDep, UserOutsideTransaction
from clipper.inputs import DbId
from clipper.outgoing import service
from clipper.outgoing.schemas import (
    DeliveryRead,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
    Page,
)

router = APIRouter(prefix="/webhook-endpoints", tags=["outgoing webhooks"])

LogLimit = Annotated[int, Query(ge=1, le=service.MAX_LOG_LIMIT)]


@router.get("", response_model=Page[EndpointRead])
async def list_endpoints(session: SessionDep, user: CurrentUser) -> dict[str, object]:
    """The caller's webhook endpoints (at most 10), oldest first."""
    return {"items": await service.list_endpoints(session, user=user), "next_cursor": None}


@router.post("", response_model=EndpointWithSecret, status_code=status.HTTP_201_CREATED)
async def create_endpoint(
    body: EndpointCreate,
    factory: FactoryDep,
    user: UserOutsideTransaction,
    cipher: CipherDep,
    settings: SettingsDep,
) -> object:
    """Add an endpoint; the answer holds its signing `secret`, shown this once.

    The URL must be https (http only with OUTGOING_WEBHOOKS_ALLOW_HTTP) and its host must not be, or
    resolve to, a loopback, private or link-local address (unless OUTGOING_WEBHOOKS_ALLOW_PRIVATE): 422.
    A user holds at most 10 endpoints: 409.
    """
    return await service.create_endpoint(factory, user=user, data=body, cipher=cipher, settings=settings)


@router.get("/{endpoint_id}", response_model=EndpointRead)
async def get_endpoint(endpoint_id: DbId, session: SessionDep, user: CurrentUser) -> object:
    """One endpoint (never its secret)."""
    return await service.get_endpoint(session, user=user, endpoint_id=endpoint_id)


@router.patch("/{endpoint_id}", response_model=EndpointRead)
async def update_endpoint(
    endpoint_id: DbId,
    body: EndpointUpdate,
    factory: FactoryDep,
    user: UserOutsideTransaction,
    settings: SettingsDep,
) -> object:
    """Change the URL (checked as on creation), events, description or enabled flag."""
    return await service.update_endpoint(
        factory, user=user, endpoint_id=endpoint_id, data=body, settings=settings
    )


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_endpoint(endpoint_id: DbId, session: SessionDep, user: CurrentUser) -> Response:
    """Remove the endpoint and its delivery log."""
    await service.delete_endpoint(session, user=user, endpoint_id=endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret)
async def rotate_secret(
    endpoint_id: DbId, session: SessionDep, user: CurrentUser, cipher: CipherDep
) -> object:
    """Replace the signing secret; the answer holds the new one, shown this once."""
    return await service.rotate_secret(session, user=user, endpoint_id=endpoint_id, cipher=cipher)


@router.post("/{endpoint_id}/test", response_model=DeliveryRead, status_code=status.HTTP_202_ACCEPTED)
async def send_test(endpoint_id: DbId, session: SessionDep, user: CurrentUser) -> object:
    """Queue a signed `ping` event to the endpoint; follow it in the delivery log (409 when disabled)."""
    return await service.send_test(session, user=user, endpoint_id=endpoint_id)


@router.get("/{endpoint_id}/deliveries", response_model=Page[DeliveryRead])
async def list_deliveries(
    endpoint_id: DbId,
    session: SessionDep,
    user: CurrentUser,
    limit: LogLimit = service.DEFAULT_LOG_LIMIT,
    cursor: Annotated[str | None, Query(max_length=12)] = None,
) -> dict[str, object]:
    """The endpoint's latest deliveries, newest first: status, attempts, last HTTP status, duration."""
    items, next_cursor = await service.list_deliveries(
        session, user=user, endpoint_id=endpoint_id, limit=limit, cursor=cursor
    )
    return {"items": items, "next_cursor": next_cursor}
