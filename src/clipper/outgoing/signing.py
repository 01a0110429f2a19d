"""The signature on every delivery, and the endpoint secrets it uses.

Each request carries `Clipper-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256(key = the endpoint's secret as UTF-8, message = f"{t}.{raw body}"). A receiver recomputes it
over the raw body it received, compares in constant time, and refuses a `t` older than a few minutes
(replays). The same scheme as Stripe's, so existing verification code carries over.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Clipper-Signature"
SECRET_PREFIX = "whsec_"


def generate_secret() -> str:
    """A new endpoint secret (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `{timestamp}.{body}` under the secret."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The `Clipper-Signature` value: `t=<timestamp>,v1=<signature>`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance_seconds: int = 300) -> bool:
    """Whether a `Clipper-Signature` header signs `body` with the secret within the tolerance."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp = parts.get("t", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_seconds:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, int(timestamp), body))
