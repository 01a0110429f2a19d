"""Admin listings for tests of the product: `GET /_admin/published` and `GET /_admin/containers`.

`/_admin/published?ig_user_id=` → `{"accounts": {<ig-user-id>: [{"media_id", "container_id",
"media_type", "published_at", "permalink", "params", "children"}]}}`, oldest first per account;
`params` are exactly the parameters the container was created with (token removed).
`/_admin/containers?ig_user_id=` → `{"data": [{"id", "ig_user_id", "kind", "status_code", "status",
"created_at", "media_id", "params", "children"}]}`, newest first.
`POST /_admin/containers/{id}/outcome` with `{"status_code": "ERROR", "code": -1, "subcode": 2207082}`
(or `{"status_code": "FINISHED"}`) forces how processing ends, once `ready_at` passes.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel

from graph_sandbox.clock import graph_time
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.store import containers_of, state_of
from graph_sandbox.registry import admin_router
from graph_sandbox.state import Sandbox


@admin_router.get("/published")
async def published(request: Request, ig_user_id: str | None = None) -> dict[str, Any]:
    """Everything published through `media_publish`, per account."""
    sandbox: Sandbox = request.app.state.sandbox
    world = sandbox.world
    accounts: dict[str, list[dict[str, Any]]] = {}
    for record in state_of(world).published:
        if ig_user_id not in (None, record.ig_user_id):
            continue
        media = world.media.get(record.media_id)
        entry = record.as_json(
            timestamp=graph_time(record.published_at), permalink=media.permalink if media else ""
        )
        accounts.setdefault(record.ig_user_id, []).append(entry)
    return {"accounts": accounts}


@admin_router.get("/containers")
async def containers(request: Request, ig_user_id: str | None = None) -> dict[str, Any]:
    """Every container with its current status."""
    sandbox: Sandbox = request.app.state.sandbox
    now = sandbox.clock.now()
    data = []
    for container in containers_of(sandbox.world, ig_user_id):
        lifecycle.resolve(container, now)
        data.append(
            {
                "id": container.id,
                "ig_user_id": container.ig_user_id,
                "kind": container.extra.get("kind"),
                "status_code": container.status_code,
                "status": container.status,
                "created_at": graph_time(container.created_at),
                "media_id": container.media_id,
                "params": dict(container.params),
                "children": list(container.children),
            }
        )
    return {"data": data}


class Outcome(BaseModel):
    """A forced processing outcome."""

    status_code: str = lifecycle.ERROR
    code: int = -1
    subcode: int = 2207082


@admin_router.post("/containers/{container_id}/outcome")
async def force_outcome(request: Request, container_id: str, outcome: Outcome) -> dict[str, Any]:
    """Make a container end in ERROR (with any code/subcode) or FINISHED."""
    sandbox: Sandbox = request.app.state.sandbox
    container = sandbox.world.containers.get(container_id)
    if container is None or outcome.status_code not in (lifecycle.ERROR, lifecycle.FINISHED):
        raise HTTPException(
            status_code=404 if container is None else 422, detail="unknown container or status"
        )
    if container.status_code in (lifecycle.ERROR, lifecycle.FINISHED):
        container.status_code = lifecycle.IN_PROGRESS
    if outcome.status_code == lifecycle.ERROR:
        lifecycle.record_failure(container, outcome.code, outcome.subcode, force=True)
    else:
        lifecycle.record_success(container, force=True)
    container.ready_at = container.ready_at or sandbox.clock.now()
    return {"id": container.id, "status_code": lifecycle.resolve(container, sandbox.clock.now())}
