"""`GET /events`: the signed-in user's live events as server-sent events."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from clipper.deps import CurrentPrincipal, get_resources
from clipper.errors import TooManyRequests
from clipper.events import service
from clipper.openapi import limits

router = APIRouter(prefix="/events", tags=["events"])


@router.get(
    "",
    response_class=StreamingResponse,
    responses=limits(too_many="The user already holds 8 open streams (all API processes together)."),
)
async def stream_events(request: Request, principal: CurrentPrincipal) -> StreamingResponse:
    """Stream `post.status`, comment and message events as `text/event-stream` until the client leaves.

    The stream ends when the session or token that opened it ends (logout, revoke, password change) or
    expires.
    """
    hub = get_resources(request).events
    user = principal.user
    # The count lives in the shared store: N API processes still allow MAX_STREAMS_PER_USER in all.
    slot = service.StreamSlot(get_resources(request).kv, user.id)
    if not await slot.acquire():
        raise TooManyRequests(
            f"You already have {service.MAX_STREAMS_PER_USER} live-update streams open: close a tab.",
            retry_after=30,
        )
    session, api_token = principal.session, principal.api_token
    credential = service.Credential(
        session_id=session.id if session else None,
        api_token_id=api_token.id if api_token else None,
        expires_at=session.expires_at if session else api_token.expires_at if api_token else None,
    )
    return StreamingResponse(
        service.stream(
            hub, user_id=user.id, is_disconnected=request.is_disconnected, credential=credential, slot=slot
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        # Also when the stream never started (the client left at once); releasing twice is harmless.
        background=BackgroundTask(slot.release),
    )
