"""Cursor pagination (GRAPH_API.md §1.6): opaque base64 cursors, `limit`, `after`/`before`, absolute URLs.

`paginate(items, params=..., url=..., default_limit=25, max_limit=100)` returns `(page, paging)`;
`paging` is `{"cursors": {"before", "after"}, "next"?, "previous"?}` or None for an empty list. `next`
is absent on the last page; both URLs echo the request's parameters (access_token included).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from graph_sandbox.errors import invalid_parameter

T = TypeVar("T")

_CURSOR_PREFIX = "sandbox-cursor:"


def encode_cursor(position: int) -> str:
    """An opaque cursor for the item at `position`."""
    raw = f"{_CURSOR_PREFIX}{position}".encode()
    return "QVFI" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The position a cursor points at; GraphError(100) when it is not one of ours."""
    try:
        body = cursor[4:] if cursor.startswith("QVFI") else cursor
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        return int(raw[len(_CURSOR_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_parameter("(#100) Invalid cursor") from None


def parse_limit(value: str | None, *, default: int, maximum: int) -> int:
    """The page size: default when absent, clamped to the edge's maximum."""
    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except ValueError:
        raise invalid_parameter("(#100) The parameter limit must be an integer") from None
    if limit < 0:
        raise invalid_parameter("(#100) The parameter limit must be a non-negative integer")
    return min(limit or default, maximum)


def _window(total: int, params: Mapping[str, str], limit: int) -> tuple[int, int]:
    if params.get("after"):
        start = decode_cursor(params["after"]) + 1
        return start, min(total, start + limit)
    if params.get("before"):
        end = min(decode_cursor(params["before"]), total)
        return max(0, end - limit), end
    return 0, min(total, limit)


def page_url(url: str, params: Mapping[str, str], **overrides: str) -> str:
    """`url?params` with `after`/`before` replaced by the overrides."""
    query = {k: v for k, v in params.items() if k not in ("after", "before")}
    query.update(overrides)
    return f"{url}?{urlencode(query)}"


def paginate(
    items: Sequence[T],
    *,
    params: Mapping[str, str],
    url: str,
    default_limit: int = 25,
    max_limit: int = 100,
) -> tuple[list[T], dict[str, Any] | None]:
    """Cut one page out of `items` and build its `paging` object."""
    limit = parse_limit(params.get("limit"), default=default_limit, maximum=max_limit)
    start, end = _window(len(items), params, limit)
    page = list(items[start:end])
    if not page:
        return page, None
    echoed = {**params, "limit": str(limit)}
    paging: dict[str, Any] = {"cursors": {"before": encode_cursor(start), "after": encode_cursor(end - 1)}}
    if end < len(items):
        paging["next"] = page_url(url, echoed, after=encode_cursor(end - 1))
    if start > 0:
        paging["previous"] = page_url(url, echoed, before=encode_cursor(start))
    return page, paging
