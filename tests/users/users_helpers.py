"""Helpers for the auth tests: unique client addresses and emails (counters may outlive a run on Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx

ClientFrom = Callable[[str], Awaitable[httpx.AsyncClient]]


def random_ip() -> str:
    """A private address no other test (or earlier run on a shared Redis) uses."""
    value = uuid.uuid4().int
    return f"10.{value % 250}.{(value >> 8) % 250}.{(value >> 16) % 250 + 1}"


def random_email() -> str:
    """An email no earlier run has failed logins for (counters may outlive a run on Redis)."""
    return f"throttle-{uuid.uuid4().hex[:12]}@example.com"
