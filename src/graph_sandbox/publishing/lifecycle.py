"""The container state machine (GRAPH_API.md §3.3) as pure functions over `world.Container`.

```
created -> IN_PROGRESS --(processing outcome known and ready_at reached)--> FINISHED | ERROR
FINISHED --(media_publish)--> PUBLISHED
any state but PUBLISHED --(24 h after creation)--> EXPIRED
resumable: IN_PROGRESS with no ready_at until rupload delivers the bytes
```
Status is resolved lazily against the sandbox clock, so advancing the clock expires containers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from graph_sandbox.world import Container

IN_PROGRESS = "IN_PROGRESS"
FINISHED = "FINISHED"
PUBLISHED = "PUBLISHED"
ERROR = "ERROR"
EXPIRED = "EXPIRED"

CONTAINER_LIFETIME = timedelta(hours=24)

STATUS_TEXT = {
    IN_PROGRESS: "In Progress: Media is still being processed.",
    FINISHED: "Finished: Media has been uploaded and it is ready to be published.",
    PUBLISHED: "Published: Media has been successfully published.",
    EXPIRED: "Expired: Media has not been published within 24 hours of upload.",
}


def error_status(subcode: int) -> str:
    """The `status` string of an ERROR container, with the subcode embedded as Meta does."""
    return f"Error: Media upload has failed with error code {subcode}"


def _set(container: Container, code: str, text: str | None = None) -> None:
    container.status_code = code
    container.status = text if text is not None else STATUS_TEXT[code]


def mark_processing(container: Container, ready_at: datetime) -> None:
    """Start processing: IN_PROGRESS until `ready_at` (and until the outcome is recorded)."""
    container.ready_at = ready_at
    _set(container, IN_PROGRESS)


def record_success(container: Container, *, force: bool = False) -> None:
    """Processing found no problem; the container finishes once `ready_at` passes."""
    if force or not container.extra.get("forced"):
        container.extra.update(outcome=FINISHED, forced=force)


def record_failure(container: Container, code: int, subcode: int, *, force: bool = False) -> None:
    """Processing failed with Meta's (code, subcode); errors once `ready_at` passes (`force`: admin)."""
    if force or not container.extra.get("forced"):
        container.extra.update(outcome=ERROR, forced=force)
        container.error_code, container.error_subcode = code, subcode


def mark_published(container: Container, media_id: str) -> None:
    """The container became a media object."""
    container.media_id = media_id
    _set(container, PUBLISHED)


def resolve(container: Container, now: datetime) -> str:
    """Bring the container up to date with `now` and return its status_code."""
    if container.status_code == PUBLISHED:
        return PUBLISHED
    if now >= container.created_at + CONTAINER_LIFETIME:
        _set(container, EXPIRED)
        return EXPIRED
    outcome = container.extra.get("outcome")
    if container.status_code == IN_PROGRESS and outcome and container.ready_at and now >= container.ready_at:
        if outcome == ERROR and container.error_subcode is not None:
            _set(container, ERROR, error_status(container.error_subcode))
        else:
            _set(container, FINISHED)
    return container.status_code


def is_expired(container: Container, now: datetime) -> bool:
    """True once the 24 h window has passed without a publish."""
    return resolve(container, now) == EXPIRED
