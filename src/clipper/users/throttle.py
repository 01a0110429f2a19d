"""Slow down password guessing without letting wrong passwords lock the real owner out.

The design follows OWASP ASVS V2.2.1 and the OWASP "Blocking Brute Force Attacks" device-cookie scheme:

- Every attempt takes a numbered slot (one atomic increment) *before* its password is checked, so a
  parallel burst cannot slip past a limit, and an attempt over the limit is refused unchecked.
- Attempts are counted per window. A scope that fills its window waits for the window to end (429 with
  `Retry-After`), and every window after a full one lasts longer (1, 4, 16, then 60 minutes): delays grow
  with persistence instead of a fixed lockout.
- Scopes: an email from one client address (someone guessing from one place slows only that pair), a
  client address over all emails, and an email over all addresses (distributed guessing). A browser that
  signed in to the account before carries a device cookie and is counted on its own instead: wrong
  passwords sent by others never keep the owner's browser out.
- Sign-ups are counted per client address.

A success clears the counts of the device, the email and the email+address pair (not the address's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clipper.errors import TooManyRequests
from clipper.kv import KeyValueStore
from clipper.security import hash_token

PAIR_LIMIT = 5
# Higher than per pair: many people may share one address (an office, a carrier NAT).
IP_LIMIT = 20
EMAIL_LIMIT = 10
DEVICE_LIMIT = 5
REGISTER_LIMIT = 20
FIRST_WINDOW_SECONDS = 60
MAX_WINDOW_SECONDS = 60 * 60
REGISTER_WINDOW_SECONDS = 60 * 60
# A day without a full window forgets the longer delays.
STRIKES_TTL_SECONDS = 24 * 60 * 60
DEVICE_TTL_SECONDS = 180 * 24 * 60 * 60
_MESSAGE = "Too many failed sign-in attempts: wait {seconds} seconds and try again."
_REGISTER_MESSAGE = "Too many sign-ups from your network: wait {seconds} seconds and try again."


@dataclass(frozen=True, slots=True)
class Scope:
    """One thing attempts are counted against, and how many a window allows."""

    key: str
    per_window: int


def _email_id(email: str) -> str:
    # Hashed so the store never holds addresses in clear.
    return hash_token(email)[:32]


def pair_scope(email: str, ip_address: str) -> Scope:
    return Scope(f"login:pair:{_email_id(email)}:{ip_address}", PAIR_LIMIT)


def login_scopes(*, email: str, ip_address: str, device: str | None) -> list[Scope]:
    """What an attempt counts against: the device alone when it is trusted for this email."""
    if device is not None:
        return [Scope(f"login:device:{hash_token(device)[:32]}", DEVICE_LIMIT)]
    return [
        pair_scope(email, ip_address),
        Scope(f"login:ip:{ip_address}", IP_LIMIT),
        Scope(f"login:email:{_email_id(email)}", EMAIL_LIMIT),
    ]


def _window_seconds(strikes: int) -> int:
    return int(min(FIRST_WINDOW_SECONDS * 4**strikes, MAX_WINDOW_SECONDS))


async def take_attempt(kv: KeyValueStore, scopes: list[Scope]) -> None:
    """Count one attempt in every scope; TooManyRequests (unchecked attempt) when one is over its limit."""
    for scope in scopes:
        await _take(kv, scope, message=_MESSAGE)


async def _take(kv: KeyValueStore, scope: Scope, *, message: str) -> None:
    strikes = int(await kv.get(f"{scope.key}:strikes") or 0)
    if strikes > 0:
        # The window that earned the last strike still runs: wait for its end.
        left = await kv.ttl(f"{scope.key}:w{strikes - 1}")
        if left is not None:
            _refuse(left, message)
    window = _window_seconds(strikes)
    counter = f"{scope.key}:w{strikes}"
    count = await kv.incr(counter, window)
    if count <= scope.per_window:
        return
    if count == scope.per_window + 1:
        await kv.incr(f"{scope.key}:strikes", STRIKES_TTL_SECONDS)
    _refuse(await kv.ttl(counter), message)


def _refuse(left: float | None, message: str) -> None:
    seconds = FIRST_WINDOW_SECONDS if left is None or math.isinf(left) else max(1, math.ceil(left))
    raise TooManyRequests(message.format(seconds=seconds), retry_after=seconds)


async def forget(kv: KeyValueStore, scope: Scope) -> None:
    """Clear a scope's counts and delays (after a success)."""
    strikes = int(await kv.get(f"{scope.key}:strikes") or 0)
    for key in (f"{scope.key}:strikes", f"{scope.key}:w{strikes}", f"{scope.key}:w{max(0, strikes - 1)}"):
        await kv.delete(key)


async def forget_after_success(kv: KeyValueStore, scopes: list[Scope]) -> None:
    """Clear what a right password settles: the device, the email and the email+address pair.

    Not the address's count: one right password must not unlock guessing at other accounts from there.
    """
    for scope in scopes:
        if not scope.key.startswith("login:ip:"):
            await forget(kv, scope)


async def take_registration(kv: KeyValueStore, *, ip_address: str) -> None:
    """Count one sign-up from the address; TooManyRequests past `REGISTER_LIMIT` an hour."""
    count = await kv.incr(f"register:ip:{ip_address}", REGISTER_WINDOW_SECONDS)
    if count > REGISTER_LIMIT:
        _refuse(await kv.ttl(f"register:ip:{ip_address}"), _REGISTER_MESSAGE)


async def trusted_device(kv: KeyValueStore, *, token: str | None, email: str) -> str | None:
    """The device token when it was issued to a browser that signed in to this email; None otherwise."""
    if not token or len(token) > 128:
        return None
    owner = await kv.get(f"login-device:{hash_token(token)}")
    return token if owner == _email_id(email) else None


async def remember_device(kv: KeyValueStore, *, token: str, email: str) -> None:
    """Trust this device token for the email from now on."""
    await kv.set(f"login-device:{hash_token(token)}", _email_id(email), DEVICE_TTL_SECONDS)
