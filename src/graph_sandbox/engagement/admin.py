"""Admin controls: the webhook delivery log and knobs, per-account messaging/insights switches."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field

from graph_sandbox import webhooks
from graph_sandbox.insights.eligibility import insights_enabled, set_insights_enabled
from graph_sandbox.registry import admin_router
from graph_sandbox.state import Sandbox


class WebhookSettingsPatch(BaseModel):
    duplicate: bool | None = None
    include_sha1: bool | None = None
    max_attempts: int | None = Field(default=None, ge=1, le=10)
    retry_delay_seconds: float | None = Field(default=None, ge=0, le=30)
    hold: bool | None = None
    require_page_subscription: bool | None = None


class AccountPatch(BaseModel):
    human_agent_enabled: bool | None = None
    insights_enabled: bool | None = None
    followers_count: int | None = Field(default=None, ge=0)


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _settings_json(settings: webhooks.WebhookSettings) -> dict[str, Any]:
    return {
        "duplicate": settings.duplicate,
        "include_sha1": settings.include_sha1,
        "max_attempts": settings.max_attempts,
        "retry_delay_seconds": settings.retry_delay_seconds,
        "hold": settings.hold,
        "require_page_subscription": settings.require_page_subscription,
    }


@admin_router.get("/webhooks/deliveries")
async def list_deliveries(request: Request) -> dict[str, Any]:
    """Every webhook POST so far (oldest first), with its payload, signature and attempts."""
    state = webhooks.webhook_state(_sandbox(request).world)
    return {"data": [d.as_json() for d in state.deliveries], "pending": state.pending}


@admin_router.patch("/webhooks/settings")
async def patch_webhook_settings(body: WebhookSettingsPatch, request: Request) -> dict[str, Any]:
    """Duplicate delivery, the sha1 header, retries, and holding events back for one batched POST."""
    settings = webhooks.webhook_state(_sandbox(request).world).settings
    for name, value in body.model_dump(exclude_none=True).items():
        setattr(settings, name, value)
    return _settings_json(settings)


@admin_router.post("/webhooks/flush")
async def flush_webhooks(request: Request) -> dict[str, Any]:
    """Send every held event as one batched POST."""
    sent = await webhooks.flush(_sandbox(request))
    return {"deliveries": [d.as_json() for d in sent]}


@admin_router.post("/webhooks/verify")
async def verify_webhook_callback(request: Request) -> dict[str, Any]:
    """Run Meta's GET handshake against the configured callback (hub.challenge must come back)."""
    return await webhooks.verify_callback(_sandbox(request))


@admin_router.patch("/engagement/accounts/{ig_user_id}")
async def patch_account(ig_user_id: str, body: AccountPatch, request: Request) -> dict[str, Any]:
    """Switch HUMAN_AGENT messaging or insights eligibility, or set the follower count, of one IG account."""
    world = _sandbox(request).world
    ig = world.ig_users.get(ig_user_id)
    if ig is None:
        raise HTTPException(404, f"No Instagram account {ig_user_id}")
    if body.human_agent_enabled is not None:
        ig.human_agent_enabled = body.human_agent_enabled
    if body.insights_enabled is not None:
        set_insights_enabled(world, ig.id, body.insights_enabled)
    if body.followers_count is not None:
        ig.followers_count = body.followers_count
    return {
        "id": ig.id,
        "human_agent_enabled": ig.human_agent_enabled,
        "insights_enabled": insights_enabled(world, ig.id),
        "followers_count": ig.followers_count,
    }
