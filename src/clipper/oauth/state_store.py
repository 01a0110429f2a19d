"""One-time OAuth `state` values bound to a user, and the short-lived result of the last authorization.

A state is 32 random bytes, stored under its SHA-256 (so a read of the store does not hand out live
states) with a 10-minute TTL, and deleted by the one GETDEL that consumes it: a replayed, forged or
expired state all look the same — unknown.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from clipper.errors import ClipperError
from clipper.kv import KeyValueStore
from clipper.security import TokenCipher, TokenDecryptError

STATE_TTL_SECONDS = 600
AUTHORIZATION_TTL_SECONDS = 30 * 60
STATE_BYTES = 32
# token_urlsafe(32) is 43 characters; anything much longer is not ours and is refused before a lookup.
_MAX_STATE_LENGTH = 256


class OAuthStateError(ClipperError):
    """The `state` of an OAuth callback cannot be accepted."""

    status_code = 400
    default_message = "This sign-in link is not valid; start again from Connect Instagram."


class StateExpiredOrUnknown(OAuthStateError):
    """The state expired, was never issued, or was already used — deliberately indistinguishable."""

    default_message = "This sign-in link has expired or was already used; start again from Connect Instagram."


class StateUserMismatch(OAuthStateError):
    """The state was issued to another user than the one signed in (it is consumed all the same)."""

    status_code = 403
    default_message = (
        "This sign-in link was started by another Content Clipper user; sign in as that user, "
        "or start again from Connect Instagram."
    )


@dataclass(frozen=True)
class StateData:
    """What was bound to a state when it was issued."""

    user_id: int
    platform: str
    redirect_after: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    issued_at: float = 0.0


class OAuthStateStore:
    """Issue and consume OAuth states; keep the last authorization's accounts per user, encrypted."""

    def __init__(
        self,
        store: KeyValueStore,
        cipher: TokenCipher,
        *,
        state_ttl_seconds: int = STATE_TTL_SECONDS,
        authorization_ttl_seconds: int = AUTHORIZATION_TTL_SECONDS,
    ) -> None:
        self._store = store
        self._cipher = cipher
        self._state_ttl = state_ttl_seconds
        self._authorization_ttl = authorization_ttl_seconds

    async def issue(
        self,
        user_id: int,
        *,
        platform: str,
        redirect_after: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Create a one-time state bound to the user; `extra` must be JSON-serialisable and hold no secret."""
        state = secrets.token_urlsafe(STATE_BYTES)
        data = StateData(user_id, platform, redirect_after, dict(extra or {}), time.time())
        await self._store.set(_state_key(state), json.dumps(asdict(data)), self._state_ttl)
        return state

    async def consume(self, state: str, *, user_id: int | None, platform: str | None = None) -> StateData:
        """Redeem a state once; `user_id=None` trusts its binding (callback without our session)."""
        if not state or len(state) > _MAX_STATE_LENGTH:
            raise StateExpiredOrUnknown()
        raw = await self._store.getdel(_state_key(state))
        if raw is None:
            raise StateExpiredOrUnknown()
        data = StateData(**json.loads(raw))
        if platform is not None and data.platform != platform:
            raise StateExpiredOrUnknown()
        if user_id is not None and data.user_id != user_id:
            raise StateUserMismatch()
        return data

    async def save_authorization(self, user_id: int, payload: dict[str, Any]) -> None:
        """Keep the accounts (and tokens) of the user's last authorization, encrypted, for 30 minutes."""
        ciphertext = self._cipher.encrypt(json.dumps(payload))
        await self._store.set(_authorization_key(user_id), ciphertext, self._authorization_ttl)

    async def load_authorization(self, user_id: int) -> dict[str, Any] | None:
        """Return the user's last authorization, or None if it expired or can no longer be decrypted."""
        ciphertext = await self._store.get(_authorization_key(user_id))
        if ciphertext is None:
            return None
        try:
            payload: dict[str, Any] = json.loads(self._cipher.decrypt(ciphertext))
        except TokenDecryptError:
            return None
        return payload

    async def discard_authorization(self, user_id: int) -> None:
        """Forget the user's last authorization (after the accounts were chosen, or on disconnect)."""
        await self._store.delete(_authorization_key(user_id))


def _state_key(state: str) -> str:
    return "oauth:state:" + hashlib.sha256(state.encode("utf-8")).hexdigest()


def _authorization_key(user_id: int) -> str:
    return f"oauth:authorization:{user_id}"
