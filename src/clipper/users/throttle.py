"""Slow down password guessing: failed logins counted per email and per client IP in the shared store.

After `EMAIL_LIMIT` failures for one email, or `IP_LIMIT` from one address, within `WINDOW_SECONDS`,
further attempts get 429 with `Retry-After` until the window ends. A success clears the email's count
(not the IP's: one right password must not unlock guessing at other accounts from the same address).
"""

from __future__ import annotations

import math

from clipper.errors import TooManyRequests
from clipper.kv import KeyValueStore
from clipper.security import hash_token

EMAIL_LIMIT = 5
# Higher than per email: many people may share one address (an office, a carrier NAT).
IP_LIMIT = 20
WINDOW_SECONDS = 15 * 60
_MESSAGE = "Too many failed sign-in attempts: wait {seconds} seconds and try again."


def _email_key(email: str) -> str:
    # Hashed so the store never holds addresses in clear.
    return f"login-failures:email:{hash_token(email)[:32]}"


def _ip_key(ip_address: str) -> str:
    return f"login-failures:ip:{ip_address}"


async def check_login_allowed(kv: KeyValueStore, *, email: str, ip_address: str) -> None:
    """Raise TooManyRequests while the email or the address is over its failure limit."""
    for key, limit in ((_email_key(email), EMAIL_LIMIT), (_ip_key(ip_address), IP_LIMIT)):
        count = await kv.get(key)
        if count is not None and int(count) >= limit:
            seconds = await _retry_after(kv, key)
            raise TooManyRequests(_MESSAGE.format(seconds=seconds), retry_after=seconds)


async def record_login_failure(kv: KeyValueStore, *, email: str, ip_address: str) -> None:
    """Count one failed attempt against the email and the address."""
    await kv.incr(_email_key(email), WINDOW_SECONDS)
    await kv.incr(_ip_key(ip_address), WINDOW_SECONDS)


async def record_login_success(kv: KeyValueStore, *, email: str) -> None:
    """Forget the email's failures."""
    await kv.delete(_email_key(email))


async def _retry_after(kv: KeyValueStore, key: str) -> int:
    seconds = await kv.ttl(key)
    if seconds is None or math.isinf(seconds):
        return WINDOW_SECONDS
    return max(1, math.ceil(seconds))
