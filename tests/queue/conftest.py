"""Fixtures of the posting-queue tests: a publisher (user, sandbox account, clips) with queue helpers."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.queue.queue_helpers import Queue
from tests.social.publish_helpers import make_publisher


@pytest.fixture
async def queue(client: httpx.AsyncClient, app: FastAPI) -> Queue:
    """A signed-up user with a connected account, an image clip, and the account's queue endpoints."""
    publisher = await make_publisher(client, app)
    return await Queue.of(publisher)
