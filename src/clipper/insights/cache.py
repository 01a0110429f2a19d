"""The insights answer cache on the shared store (Redis when configured, in-process otherwise)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from clipper.accounts.graph import AccountGraph
from clipper.kv import KeyValueStore
from clipper.resources import Resources

PREFIX = "insights:"
# Today's numbers keep moving; finished days only change while Meta's data settles (up to 48 h).
LIVE_TTL_SECONDS = 300
SETTLED_TTL_SECONDS = 3600


@dataclass(frozen=True, kw_only=True)
class Services(AccountGraph):
    """What insights need besides the database: the gateway to Meta and the answer cache."""

    kv: KeyValueStore

    @classmethod
    def of(cls, resources: Resources) -> Services:
        """The gateway and the cache on the process's resources (build it where it is used)."""
        return cls(
            graph=resources.graph,
            cipher=resources.cipher,
            factory=resources.session_factory,
            hub=resources.events,
            kv=resources.kv,
        )


def key(kind: str, account_id: int, **parts: Any) -> str:
    """A cache key for one question about one account."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{PREFIX}{kind}:{account_id}:{digest}"


async def get(kv: KeyValueStore, cache_key: str) -> Any:
    """The cached JSON value, or None."""
    raw = await kv.get(cache_key)
    return json.loads(raw) if raw is not None else None


async def put(kv: KeyValueStore, cache_key: str, value: Any, *, live: bool) -> None:
    """Cache a JSON value, briefly when it includes today's still-changing numbers."""
    ttl = LIVE_TTL_SECONDS if live else SETTLED_TTL_SECONDS
    await kv.set(cache_key, json.dumps(value, default=str), ttl)
