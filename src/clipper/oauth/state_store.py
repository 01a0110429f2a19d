"""One-time OAuth `state` values bound to a user, and the short-lived result of the last authorization.

A state is 32 random bytes, stored under its SHA-256 (so a read of the store does not hand out live
states) with a 10-minute TTL, and deleted by the one GETDEL that consumes it: a replayed, forged or
expired state all look the same — unknown.

A state is also bound to the browser that started the flow: `/authorize` sets a short-lived cookie
with a random nonce whose hash the state keeps. A callback without our session must carry that cookie,
or anyone could send a victim their own dialog link and collect the victim's Instagram account.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
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


class StateNotFromThisBrowser(OAuthStateError):
    """No signed-in user and no nonce cookie of the browser that started the flow (consumed all the same)."""

    default_message = (
        "This Instagram connection was not started in this browser (or took longer than 10 minutes): "
        "sign in to Content Clipper and start again from Accounts → Connect Instagram."
    )


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
    browser_nonce_hash: str | None = None

    def started_in_browser(self, nonce: str | None) -> bool:
        """True when `nonce` is the one whose cookie was set by the `/authorize` that issued this state."""
        if not nonce or not self.browser_nonce_hash:
            return False
        return hmac.compare_digest(_digest(nonce), self.browser_nonce_hash)


def new_browser_nonce() -> str:
    """A random value for the cookie that ties a state to the browser that started the flow."""
    return secrets.token_urlsafe(STATE_BYTES)


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
        browser_nonce: str | None = None,
    ) -> str:
        """Create a one-time state bound to the user (and the browser holding `browser_nonce`).

        `extra` must be JSON-serialisable and hold no secret; only the nonce's hash is stored.
        """
        state = secrets.token_urlsafe(STATE_BYTES)
        nonce_hash = _digest(browser_nonce) if browser_nonce else None
        data = StateData(user_id, platform, redirect_after, dict(extra or {}), time.time(), nonce_hash)
        await self._store.set(_state_key(state), json.dumps(asdict(data)), self._state_ttl)
        return state

    async def consume(
        self,
        state: str,
        *,
        user_id: int | None,
        platform: str | None = None,
        browser_nonce: str | None = None,
    ) -> StateData:
        """Redeem a state once, for the signed-in user it names or (no session) the browser it began in."""
        if not state or len(state) > _MAX_STATE_LENGTH:
            raise StateExpiredOrUnknown()
        raw = await self._store.getdel(_state_key(state))
        if raw is None:
            raise StateExpiredOrUnknown()
        data = StateData(**json.loads(raw))
        if platform is not None and data.platform != platform:
            raise StateExpiredOrUnknown()
        if user_id is None:
            if not data.started_in_browser(browser_nonce):
                raise StateNotFromThisBrowser()
        elif data.user_id != user_id:
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

    async def forget_account(self, user_id: int, account_id: str) -> None:
        """Drop one IG account (and its Page token) from the last authorization; the rest stay choosable.

        Its id is kept under `disconnected`, so that choosing it again can say why it is not offered.
        Called on disconnect and delete, so that `select-account` cannot bring back tokens just revoked.
        """
        payload = await self.load_authorization(user_id)
        if payload is None:
            return
        remaining = [item for item in payload.get("accounts", []) if item.get("id") != account_id]
        if len(remaining) == len(payload.get("accounts", [])):
            return
        ttl = await self._store.ttl(_authorization_key(user_id))
        if not remaining or ttl is None or ttl <= 0:
            await self.discard_authorization(user_id)
            return
        seconds = self._authorization_ttl if math.isinf(ttl) else max(1, math.ceil(ttl))
        disconnected = [*payload.get("disconnected", []), account_id]
        kept = {**payload, "accounts": remaining, "disconnected": disconnected}
        ciphertext = self._cipher.encrypt(json.dumps(kept))
        await self._store.set(_authorization_key(user_id), ciphertext, seconds)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _state_key(state: str) -> str:
    return "oauth:state:" + _digest(state)


def _authorization_key(user_id: int) -> str:
    return f"oauth:authorization:{user_id}"
