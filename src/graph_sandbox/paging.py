"""Cursor pagination (GRAPH_API.md §1.6): opaque base64 cursors, `limit`, `after`/`before`, absolute URLs.

`paginate(items, params=..., url=..., default_limit=25, max_limit=100, style="full")` returns
`(page, paging)`; `paging` is None for an empty list, and otherwise depends on the edge's `style`,
as the recorded responses in tests/graph_fixtures show it:

- `"full"` (IG user `media` / `stories`, `/me/accounts`): `{"cursors": {"before", "after"}, "next"?,
  "previous"?}` on every page. The last page keeps `cursors` and `previous` (`medias_p2.json`,
  `user_accounts_p2.json`, `stories_fields_p2.json`; a single page: `users/stories.json`). Both
  cursors stay: only the older (2020, v8.0) stories recordings drop `after` on their last page.
- `"forward"` (`comments`, `replies`, `children`): `{"cursors": {"after"}, "next"}` while there is a
  next page (`comments_p1.json`); on the last page there is no `paging` key at all (`comments_p2.json`,
  `replies.json`, `children.json` and the inline `children` of `media_default.json`/`medias_p2.json`).
- `"none"`: never any `paging`.

`next` is absent on the last page (§1.6); both URLs echo the request's parameters (access_token included).

With a `key` (the IG user `media` and `stories` edges), a cursor names its item rather than a position,
as Meta documents cursor-based pagination: "A cursor refers to a random string of characters which marks
a specific item in a list of data. The cursor will always point to the item, however it will be
invalidated if the item is deleted or removed" (https://developers.facebook.com/docs/graph-api/results/).
So media published between two page reads never shift the next page; a cursor whose item is gone is
refused (code 100) instead of silently skipping items.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

from graph_sandbox.errors import invalid_parameter

T = TypeVar("T")

_CURSOR_PREFIX = "sandbox-cursor:"
_ITEM_PREFIX = "sandbox-item:"

PagingStyle = Literal["full", "forward", "none"]


def encode_cursor(position: int) -> str:
    """An opaque cursor for the item at `position`."""
    raw = f"{_CURSOR_PREFIX}{position}".encode()
    return "QVFI" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode_item_cursor(key: str) -> str:
    """An opaque cursor that names one item (see the module docstring)."""
    raw = f"{_ITEM_PREFIX}{key}".encode()
    return "QVFI" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _raw(cursor: str) -> str:
    try:
        body = cursor[4:] if cursor.startswith("QVFI") else cursor
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_parameter("(#100) Invalid cursor") from None


def decode_cursor(cursor: str) -> int:
    """The position a cursor points at; GraphError(100) when it is not one of ours."""
    raw = _raw(cursor)
    try:
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        return int(raw[len(_CURSOR_PREFIX) :])
    except ValueError:
        raise invalid_parameter("(#100) Invalid cursor") from None


def _item_position(cursor: str, keys: Sequence[str]) -> int:
    """Where the item a cursor names is now; GraphError(100) when it is gone or not one of ours."""
    raw = _raw(cursor)
    key = raw[len(_ITEM_PREFIX) :] if raw.startswith(_ITEM_PREFIX) else None
    if key is None or key not in keys:
        raise invalid_parameter("(#100) Invalid cursor")
    return keys.index(key)


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


def _window(
    total: int, params: Mapping[str, str], limit: int, position: Callable[[str], int]
) -> tuple[int, int]:
    if params.get("after"):
        start = position(params["after"]) + 1
        return start, min(total, start + limit)
    if params.get("before"):
        end = min(position(params["before"]), total)
        return max(0, end - limit), end
    return 0, min(total, limit)


def _cursors(
    items: Sequence[T], key: Callable[[T], str] | None
) -> tuple[Callable[[str], int], Callable[[int], str]]:
    """How to read a cursor into a position, and to make the cursor of a position."""
    if key is None:
        return decode_cursor, encode_cursor
    keys = [key(item) for item in items]

    def position(cursor: str) -> int:
        return _item_position(cursor, keys)

    def cursor_at(index: int) -> str:
        return encode_item_cursor(keys[index])

    return position, cursor_at


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
    style: PagingStyle = "full",
    key: Callable[[T], str] | None = None,
) -> tuple[list[T], dict[str, Any] | None]:
    """Cut one page out of `items` and build its `paging` object (None: answer without `paging`).

    With `key`, cursors name items instead of positions (see the module docstring).
    """
    limit = parse_limit(params.get("limit"), default=default_limit, maximum=max_limit)
    position, cursor_at = _cursors(items, key)
    start, end = _window(len(items), params, limit, position)
    page = list(items[start:end])
    has_next = end < len(items)
    if not page or style == "none" or (style == "forward" and not has_next):
        return page, None
    echoed = {**params, "limit": str(limit)}
    after = cursor_at(end - 1)
    if style == "forward":
        return page, {"cursors": {"after": after}, "next": page_url(url, echoed, after=after)}
    paging: dict[str, Any] = {"cursors": {"before": cursor_at(start), "after": after}}
    if has_next:
        paging["next"] = page_url(url, echoed, after=after)
    if start > 0:
        paging["previous"] = page_url(url, echoed, before=cursor_at(start))
    return page, paging
