"""Fixtures of the grid preview tests: a publisher (user, sandbox account, clips) with grid helpers."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.grid.grid_helpers import Grid
from tests.social.publish_helpers import make_publisher


@pytest.fixture
async def grid(client: httpx.AsyncClient, app: FastAPI) -> Grid:
    """A signed-up user with a connected account, an image clip, and the account's grid endpoints."""
    return await Grid.of(await make_publisher(client, app))
