"""Resumable upload (`/rupload/ig-api-upload/vNN.0/{container-id}`, GRAPH_API.md §3.2).

`POST` with `Authorization: OAuth <token>` and either `offset` + `file_size` + raw bytes, or a
`file_url` header. A chunk whose `offset` is not the number of bytes already held is refused with a
retriable failure. How Meta reports the current offset is undocumented; here `GET` on the same URI
answers `{"offset": <bytes held>, "file_size": <announced total or null>}`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from graph_sandbox.access import can_see
from graph_sandbox.auth import resolve_token, token_problem
from graph_sandbox.errors import GraphError
from graph_sandbox.permissions import first_missing
from graph_sandbox.publishing.containers import PUBLISH_PERMISSIONS
from graph_sandbox.publishing.processing import start_video
from graph_sandbox.registry import public_router
from graph_sandbox.state import Sandbox
from graph_sandbox.world import Container

SUCCESS = {"success": True, "message": "Upload successful."}


def failure(message: str, *, retriable: bool = False, status: int = 400) -> JSONResponse:
    """Meta's rupload failure body, the inner error JSON-encoded into `debug_info.message`."""
    inner = json.dumps({"success": False, "error": {"message": message}}, separators=(",", ":"))
    body = {"debug_info": {"retriable": retriable, "type": "ProcessingFailedError", "message": inner}}
    return JSONResponse(body, status_code=status)


def _authorized_container(request: Request, container_id: str) -> Container | JSONResponse:
    sandbox: Sandbox = request.app.state.sandbox
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    container = sandbox.world.containers.get(container_id)
    if scheme.lower() != "oauth" or not value.strip() or container is None:
        return failure("unauthorized user request", status=401 if container else 400)
    try:
        token = resolve_token(sandbox, value.strip())
    except GraphError:
        return failure("unauthorized user request", status=401)
    allowed = token_problem(sandbox, token) is None and can_see(sandbox.world, token, "container", container)
    if not allowed or first_missing(token.scopes, PUBLISH_PERMISSIONS) is not None:
        return failure("unauthorized user request", status=401)
    if container.upload_type != "resumable":
        return failure("upload session not found: the container was not created with upload_type=resumable")
    return container


def _header_int(request: Request, name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else -1


def _accept_chunk(
    sandbox: Sandbox, container: Container, offset: int, total: int | None, body: bytes
) -> JSONResponse:
    buffer: bytearray = container.extra.setdefault("upload", bytearray())
    if offset != len(buffer):
        return failure(f"Invalid offset {offset}: the server has {len(buffer)} bytes", retriable=True)
    if total is not None:
        container.extra["file_size"] = total
    expected = container.extra.get("file_size")
    buffer.extend(body)
    if expected is not None and len(buffer) > expected:
        del buffer[expected:]
        return failure(f"Received more than file_size={expected} bytes")
    if expected is None or len(buffer) == expected:
        container.extra["awaiting_upload"] = False
        start_video(sandbox, container, bytes(buffer))
    return JSONResponse(SUCCESS)


@public_router.post("/rupload/ig-api-upload/{version}/{container_id}")
async def rupload(request: Request, version: str, container_id: str) -> JSONResponse:
    """Receive the bytes (or the `file_url`) of a resumable container."""
    del version
    found = _authorized_container(request, container_id)
    if isinstance(found, JSONResponse):
        return found
    if not found.extra.get("awaiting_upload"):
        return failure("The upload for this container has already completed")
    sandbox: Sandbox = request.app.state.sandbox
    file_url = request.headers.get("file_url")
    if file_url:
        found.extra["awaiting_upload"] = False
        found.video_url = file_url
        start_video(sandbox, found, file_url)
        return JSONResponse(SUCCESS)
    offset, total = _header_int(request, "offset"), _header_int(request, "file_size")
    if offset is None or offset < 0 or (total is not None and total < 0):
        return failure("Missing or invalid offset / file_size headers")
    return _accept_chunk(sandbox, found, offset, total, await request.body())


@public_router.get("/rupload/ig-api-upload/{version}/{container_id}")
async def rupload_offset(request: Request, version: str, container_id: str) -> JSONResponse:
    """How many bytes of the session the server holds (for resuming)."""
    del version
    found = _authorized_container(request, container_id)
    if isinstance(found, JSONResponse):
        return found
    held: Any = found.extra.get("upload", b"")
    return JSONResponse({"offset": len(held), "file_size": found.extra.get("file_size")})
