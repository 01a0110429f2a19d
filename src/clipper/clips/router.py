"""`/api/v1/clips`: upload, list, read, delete, conform, trim; and the signed public file route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import FileResponse

from clipper.clips import service
from clipper.clips.models import Clip, ClipStatus
from clipper.clips.schemas import ClipPage, ClipRead, ConformRequest, TrimRequest
from clipper.config import Settings
from clipper.deps import CurrentUser, SessionAfterBody, SessionDep, SettingsDep, UserBeforeBody, get_resources
from clipper.inputs import DbId
from clipper.openapi import limits

router = APIRouter(prefix="/clips", tags=["clips"])

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string"},
                    },
                }
            }
        },
    }
}

_JOBS_BUSY = limits(busy="The server already runs MEDIA_JOBS_TOTAL conform or trim jobs: try again later.")


def _read(clip: Clip, settings: Settings) -> ClipRead:
    url = service.public_url(clip, settings=settings) if clip.status is ClipStatus.READY else None
    return ClipRead.of(clip, url=url, thumbnail_url=service.thumbnail_url(clip, settings=settings))


async def _process_after_commit(request: Request) -> AsyncIterator[list[int]]:
    """Clip ids to process once the request's unit of work has committed them (so the job sees them)."""
    clip_ids: list[int] = []
    yield clip_ids
    for clip_id in clip_ids:
        await request.app.state.worker.enqueue("clips.process", clip_id=clip_id)


# Request scope: this teardown runs after the response, so after the function-scoped session commits.
ProcessAfterCommit = Annotated[list[int], Depends(_process_after_commit)]


@router.api_route("/files/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def serve_file(key: str, expires: int, signature: str, settings: SettingsDep) -> FileResponse:
    """Serve a stored file to whoever holds a valid signed URL (Meta, the UI); HTTP Range supported."""
    path, media_type = service.stored_file(settings, key, expires=expires, signature=signature)
    return FileResponse(path, media_type=media_type)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_UPLOAD_BODY,
    responses=limits(
        too_slow="The upload paused longer than BODY_READ_TIMEOUT_SECONDS.",
        too_large="The file is over MAX_UPLOAD_BYTES, or the form has too many or too large fields.",
        busy="Every upload-probe slot of the server (MEDIA_JOBS_TOTAL) stayed busy: upload again later.",
    ),
)
async def upload_clip(
    request: Request, user: UserBeforeBody, session: SessionAfterBody, settings: SettingsDep
) -> ClipRead:
    """Upload an image or video (multipart `file`, optional `title`); it is probed and qualified."""
    clip = await service.upload_clip(
        session,
        user=user,
        body=request.stream(),
        content_type=request.headers.get("content-type", ""),
        content_length=int(request.headers.get("content-length") or 0),
        settings=settings,
        kv=get_resources(request).kv,
    )
    return _read(clip, settings)


@router.get("")
async def list_clips(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: DbId | None = None,
) -> ClipPage:
    """The user's clips, newest first."""
    clips, next_cursor = await service.list_clips(session, user=user, limit=limit, cursor=cursor)
    return ClipPage(items=[_read(clip, settings) for clip in clips], next_cursor=next_cursor)


@router.get("/{clip_id}")
async def get_clip(clip_id: DbId, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> ClipRead:
    """One clip with its qualification per media type and progress while processing."""
    return _read(await service.get_clip(session, user=user, clip_id=clip_id), settings)


@router.delete("/{clip_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_clip(
    clip_id: DbId, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Delete a clip and its files (409 while a scheduled or publishing post uses it)."""
    await service.delete_clip(session, user=user, clip_id=clip_id, settings=settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{clip_id}/conform", status_code=status.HTTP_202_ACCEPTED, responses=_JOBS_BUSY)
async def conform_clip(
    clip_id: DbId,
    data: ConformRequest,
    jobs: ProcessAfterCommit,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ClipRead:
    """Start making a new clip that meets `media_type`'s spec; poll it until `ready` (or `failed`)."""
    clip = await service.start_conform(
        session,
        user=user,
        clip_id=clip_id,
        media_type=data.media_type,
        fit=data.fit,
        max_jobs=settings.media_jobs_per_user,
        max_total=settings.media_jobs_total,
    )
    jobs.append(clip.id)
    return _read(clip, settings)


@router.post("/{clip_id}/trim", status_code=status.HTTP_202_ACCEPTED, responses=_JOBS_BUSY)
async def trim_clip(
    clip_id: DbId,
    data: TrimRequest,
    jobs: ProcessAfterCommit,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ClipRead:
    """Start cutting `start`…`end` seconds out of a video into a new clip; poll it until `ready`."""
    clip = await service.start_trim(
        session,
        user=user,
        clip_id=clip_id,
        start=data.start,
        end=data.end,
        max_jobs=settings.media_jobs_per_user,
        max_total=settings.media_jobs_total,
    )
    jobs.append(clip.id)
    return _read(clip, settings)
