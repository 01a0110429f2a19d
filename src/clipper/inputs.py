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


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored or sent (a NUL, or a lone UTF-16 surrogate), else None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not valid Unicode text)"
    return None


def _problems(value: Any, location: str) -> Iterable[str]:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            yield f"{location} {problem}"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _problems(str(key), location)
            yield from _problems(item, f"{location}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, f"{location}.{index}")


async def refuse_unstorable_text(request: Request) -> None:
    """422 when a path, query or JSON body value holds a NUL or a lone surrogate (an app-wide dependency).

    The JSON body is the one FastAPI has already read and parsed for the route, so nothing is read twice.
    """
    found = [
        *_problems(dict(request.path_params), "path"),
        *(
            problem
            for key, value in request.query_params.multi_items()
            for problem in _problems(value, f"query.{key}")
        ),
    ]
    if _has_json_body(request):
        try:
            body = await request.json()
        except ValueError:
            body = None  # the route's own parsing answers a malformed body
        found.extend(_problems(body, "body"))
    if found:
        raise InvalidInput(
            "Text fields must be valid Unicode without NUL characters: " + "; ".join(found[:5])
        )


def _has_json_body(request: Request) -> bool:
    route = request.scope.get("route")
    has_body = getattr(route, "body_field", None) is not None
    return has_body and request.headers.get("content-type", "").startswith("application/json")
