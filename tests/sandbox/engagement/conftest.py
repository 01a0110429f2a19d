"""Fixtures for the engagement tests: the Graph client with the product token, the seeded creator account."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph_sandbox.state import Sandbox
from graph_sandbox.world import Media
from tests.sandbox.engagement.engagement_helpers import Account, Graph


@pytest.fixture
def graph(sandbox_client: httpx.AsyncClient, tokens: Any) -> Graph:
    """A Graph client holding the product's user token."""
    return Graph(sandbox_client, tokens.user)


@pytest.fixture
def creator(sandbox: Sandbox, tokens: Any) -> Account:
    """@sandbox.creator (1 250 followers, human agent off)."""
    ig = sandbox.world.ig_users[tokens.creator_ig]
    return Account(ig.id, ig.page_id, tokens.ig_users[ig.id])


@pytest.fixture
def feed_media(sandbox: Sandbox, creator: Account) -> Media:
    """The creator's newest feed image."""
    return next(m for m in sandbox.world.media_of(creator.ig_id) if m.media_type == "IMAGE")
