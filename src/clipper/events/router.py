"""`GET /events`: the signed-in user's live events as server-sent events."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from clipper.deps import CurrentUser
from clipper.events import service

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_class=StreamingResponse)
async def stream_events(request: Request, user: CurrentUser) -> StreamingResponse:
    """Stream `post.status`, comment and message events as `text/event-stream` until the client leaves."""
    return StreamingResponse(
        service.stream(request.app.state.events, user_id=user.id, is_disconnected=request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
