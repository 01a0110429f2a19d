"""Fixtures of the outgoing-webhook tests: a local receiver, and settings that let deliveries reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.outgoing.helpers import allow_local
from tests.outgoing.receiver import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver on a loopback socket that answers 200 unless told otherwise (`receiver.statuses`)."""
    async with Receiver().running() as running:
        yield running


@pytest.fixture
def local(app: FastAPI, client: httpx.AsyncClient) -> FastAPI:
    """The app, started, allowing deliveries to the loopback receiver."""
    del client
    allow_local(app)
    return app
