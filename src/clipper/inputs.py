"""Input types every domain shares, and the edge check refusing text no database or Graph call can take.

`DbId` bounds an id to what our INTEGER primary keys hold (PostgreSQL's 32-bit signed range): a larger
number is a clear 422 at validation instead of an overflow inside the database driver. `GraphId` is an
Instagram object id (digits only), checked before it is placed in a Graph URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import annotated_types
from fastapi import Request
from pydantic import StringConstraints

from clipper.errors import InvalidInput

MAX_DB_ID = 2**31 - 1
DbId = Annotated[int, annotated_types.Interval(ge=1, le=MAX_DB_ID)]
# Meta's IG media, comment and user ids are decimal numbers (graph-api/reference/ig-media: "id").
GRAPH_ID_PATTERN = r"^[0-9]{1,32}$"
GraphId = Annotated[str, StringConstraints(pattern=GRAPH_ID_PATTERN)]


def id_cursor(cursor: str | None) -> int | None:
    """The id in a plain-id `next_cursor` (None for the first page); InvalidInput when it holds no id."""
    if not cursor:
        return None
    # `isdigit` alone accepts "²", which `int` refuses.
    if not (cursor.isascii() and cursor.isdigit() and int(cursor) <= MAX_DB_ID):
        raise InvalidInput("The cursor is not valid: use the next_cursor of the previous page.")
    return int(cursor)


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored or sent (a NUL, or a lone UTF-16 surrogate), else None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not valid Unicode text)"
    return None


def text_problems(value: Any, location: str) -> Iterable[str]:
    """Each text inside `value` (a string, or a JSON-like dict or list) that cannot be stored, by location."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            yield f"{location} {problem}"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_problems(str(key), location)
            yield from text_problems(item, f"{location}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from text_problems(item, f"{location}.{index}")


async def refuse_unstorable_text(request: Request) -> None:
    """422 when a path, query or JSON body value holds a NUL or a lone surrogate (an app-wide dependency).

    The JSON body is the one FastAPI has already read and parsed for the route, so nothing is read twice.
    """
    found = [
        *text_problems(dict(request.path_params), "path"),
        *(
            problem
            for key, value in request.query_params.multi_items()
            for problem in text_problems(value, f"query.{key}")
        ),
    ]
    if _has_json_body(request):
        try:
            body = await request.json()
        except ValueError:
            body = None  # the route's own parsing answers a malformed body
        found.extend(text_problems(body, "body"))
    refuse_unstorable(found)


def refuse_unstorable(found: list[str]) -> None:
    """422 naming the first few texts `text_problems` found; nothing when there are none."""
    if found:
        raise InvalidInput(
            "Text fields must be valid Unicode without NUL characters: " + "; ".join(found[:5])
        )


def _has_json_body(request: Request) -> bool:
    route = request.scope.get("route")
    if getattr(route, "body_field", None) is None:
        return False
    # The media types FastAPI parses as JSON: `application/json` and any `application/*+json`.
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
