"""Password hashing off the event loop, a few at a time: each argon2 hash takes 64 MiB and a core.

Without a bound, a burst of sign-ups or logins starts one hash per request and the process runs out of
memory or CPU for everyone else. Requests queue for a slot; past `MAX_WAITING` queued they get 503.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from clipper.errors import ServiceUnavailable
from clipper.security import hash_password, verify_password

CONCURRENT_HASHES = 2
MAX_WAITING = 64
_T = TypeVar("_T")


class _Slots:
    def __init__(self) -> None:
        self.semaphore = asyncio.Semaphore(CONCURRENT_HASHES)
        self.waiting = 0


# One per event loop: a semaphore belongs to the loop that first waits on it.
_by_loop: WeakKeyDictionary[asyncio.AbstractEventLoop, _Slots] = WeakKeyDictionary()


async def _bounded(work: Callable[[], _T]) -> _T:
    loop = asyncio.get_running_loop()
    slots = _by_loop.setdefault(loop, _Slots())
    if slots.waiting >= MAX_WAITING:
        raise ServiceUnavailable("The server is busy signing people in: try again in a few seconds.")
    slots.waiting += 1
    try:
        await slots.semaphore.acquire()
    finally:
        slots.waiting -= 1
    try:
        return await asyncio.to_thread(work)
    finally:
        slots.semaphore.release()


async def hash_password_bounded(password: str) -> str:
    """The argon2 hash of `password`, computed in a thread when a hashing slot is free."""
    return await _bounded(lambda: hash_password(password))


async def verify_password_bounded(password: str, hashed: str | None) -> bool:
    """Whether `password` matches `hashed` (constant work when it is None), when a hashing slot is free."""
    return await _bounded(lambda: verify_password(password, hashed))
