"""Meta's webhook callback: the GET verification handshake and signed POST deliveries (no user session)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import PlainTextResponse

from clipper.deps import SessionAfterBody, SettingsDep
from clipper.webhooks import service

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.get("/instagram", response_class=PlainTextResponse)
async def verify(request: Request, settings: SettingsDep) -> PlainTextResponse:
    """Echo `hub.challenge` when `hub.verify_token` matches WEBHOOK_VERIFY_TOKEN; 403 otherwise."""
    challenge = service.verify_subscription(
        request.query_params, verify_token=settings.webhook_verify_token_value
    )
    return PlainTextResponse(challenge)


@router.post("/instagram")
async def receive(
    request: Request, session: SessionAfterBody, settings: SettingsDep, background: BackgroundTasks
) -> dict[str, int]:
    """Check the signature over the raw body, store the new updates, and process them in jobs.

    The whole body is read and its signature checked before the unit of work opens: a slow or forged
    delivery never holds the database.
    """
    event_ids = await service.receive(
        session,
        body=await request.body(),
        signature=request.headers.get(service.SIGNATURE_HEADER),
        app_secrets=settings.webhook_app_secrets,
    )
    # Queued after the response, so after the commit: the job always finds its event.
    background.add_task(service.enqueue_events, request.app.state.worker, event_ids)
    return {"received": len(event_ids)}
