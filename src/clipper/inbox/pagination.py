"""Keyset cursors for newest-first lists: an opaque token holding the last item's time and id."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from clipper.errors import InvalidInput
from clipper.inputs import MAX_DB_ID

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def encode_cursor(moment: datetime, item_id: int) -> str:
    """The cursor that continues after the item (`moment`, `item_id`)."""
    raw = f"{moment.isoformat()}|{item_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (time, id) inside a cursor; InvalidInput when it was not made by `encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, item_id = raw.rsplit("|", 1)
        if not 0 < int(item_id) <= MAX_DB_ID:
            raise ValueError(item_id)
        return datetime.fromisoformat(moment), int(item_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("The cursor is not valid: use the next_cursor of the previous page.") from None


def older_than(cursor: str | None, time_column: Any, id_column: Any) -> ColumnElement[bool] | None:
    """The condition selecting items after the cursor in (time desc, id desc) order."""
    if not cursor:
        return None
    moment, item_id = decode_cursor(cursor)
    return or_(time_column < moment, and_(time_column == moment, id_column < item_id))
