"""Random opaque tokens (sessions, API tokens, CSRF) and how they are stored and compared."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token(nbytes: int = TOKEN_BYTES) -> str:
    """Return a URL-safe random token carrying `nbytes` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest to store instead of a high-entropy token."""
    # A fast hash is enough here: unlike passwords, random tokens cannot be guessed from a dictionary.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_equal(left: str, right: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))
