"""Fixtures for the webhook tests (shared with the inbox tests, defined in tests/inbox_helpers.py)."""

from inbox_helpers import admin, owner, webhooks_on

__all__ = ["admin", "owner", "webhooks_on"]
