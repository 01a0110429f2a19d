"""`GET /cdn/{key}`: bytes from the CDN store with their content type and HTTP Range support (206)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from graph_sandbox.state import Sandbox

router = APIRouter()

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single-range header; None when unsatisfiable or malformed."""
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    if not match.group(1):
        length = int(match.group(2))
        return (max(0, size - length), size - 1) if length > 0 and size > 0 else None
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else size - 1
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


@router.api_route("/cdn/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def serve(request: Request, key: str) -> Response:
    """The stored bytes, whole (200) or one range (206); 416 for an unsatisfiable range."""
    sandbox: Sandbox = request.app.state.sandbox
    stored = sandbox.cdn.get(key)
    if stored is None:
        return Response(status_code=404, content=b"Not Found", media_type="text/plain")
    size = len(stored.data)
    headers = {"accept-ranges": "bytes", "cache-control": "public, max-age=86400"}
    header = request.headers.get("range")
    if header is None:
        body = b"" if request.method == "HEAD" else stored.data
        return Response(
            body, media_type=stored.content_type, headers={**headers, "content-length": str(size)}
        )
    span = _byte_range(header, size)
    if span is None:
        return Response(status_code=416, headers={**headers, "content-range": f"bytes */{size}"})
    start, end = span
    headers["content-range"] = f"bytes {start}-{end}/{size}"
    body = b"" if request.method == "HEAD" else stored.data[start : end + 1]
    return Response(body, status_code=206, media_type=stored.content_type, headers=headers)
