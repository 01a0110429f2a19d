"""Fixtures of the publishing tests."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.social.publish_helpers import Publisher, make_publisher


@pytest.fixture
async def publisher(client: httpx.AsyncClient, app: FastAPI) -> Publisher:
    """A signed-up user with a connected account, on the sandbox with 0 s processing."""
    return await make_publisher(client, app)
