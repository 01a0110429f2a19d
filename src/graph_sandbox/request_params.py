"""Merge a request's parameters from the query string, a form body and a JSON body (§1.4)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from graph_sandbox.errors import GraphError


def as_param(value: Any) -> str:
    """A JSON-body value as the string the Graph API would have received."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


async def merged_params(request: Request) -> dict[str, str]:
    """Query parameters updated with the body's (form or JSON); arrays/objects arrive as JSON text."""
    params = dict(request.query_params)
    if request.method in ("GET", "HEAD"):
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        params.update(await _json_body(request))
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


async def _json_body(request: Request) -> dict[str, str]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise GraphError(100, "(#100) Invalid JSON in the request body") from None
    if not isinstance(data, dict):
        raise GraphError(100, "(#100) The request body must be a JSON object")
    return {str(key): as_param(value) for key, value in data.items()}
