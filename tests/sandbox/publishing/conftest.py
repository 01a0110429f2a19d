"""The `pub` fixture for the publishing tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph_sandbox.publishing import drain
from graph_sandbox.state import Sandbox
from tests.sandbox.publishing.pub_session import Publisher


@pytest.fixture
async def pub(sandbox_client: httpx.AsyncClient, sandbox: Sandbox, tokens: Any) -> AsyncIterator[Publisher]:
    """A Publisher for @sandbox.creator with the seed user's token; videos finish after 0.2 s."""
    sandbox.config.video_processing_seconds = 0.2
    yield Publisher(sandbox_client, sandbox, tokens.user)
    await drain()
