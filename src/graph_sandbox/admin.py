"""The control API under `/_admin` (not part of Meta's API). JSON in, JSON out; no authentication.

Routes (each documented on its function): `POST /reset`, `GET /state`, `POST /clock/advance`,
`GET|PATCH /config`, `GET|POST|DELETE /faults`, `POST /ratelimit`, `POST /tokens/issue`,
`POST /tokens/invalidate` (also `/tokens/{token}/invalidate`). Other modules add routes to
`graph_sandbox.registry.admin_router`, which this module also uses.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

from graph_sandbox.clock import graph_time
from graph_sandbox.faults import FaultRule
from graph_sandbox.registry import admin_router
from graph_sandbox.seed import VARIANTS
from graph_sandbox.state import Sandbox
from graph_sandbox.token_admin import router as token_router

admin_router.include_router(token_router)


class ResetBody(BaseModel):
    variant: str = "default"
    seed: int | None = None


class AdvanceBody(BaseModel):
    seconds: float


class RateLimitBody(BaseModel):
    app_percent: int | None = None
    buc_percent: int | None = None
    throttle: int | None = None
    regain_minutes: int = 0


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


@admin_router.post("/reset")
async def reset(request: Request, body: ResetBody | None = None) -> dict[str, Any]:
    """Fresh default world (optional `variant`: default|empty, and `seed`); clears faults and counters."""
    chosen = body or ResetBody()
    if chosen.variant not in VARIANTS:
        raise HTTPException(422, f"variant must be one of {', '.join(VARIANTS)}")
    _sandbox(request).reset(variant=chosen.variant, seed=chosen.seed)
    return summary(_sandbox(request))


@admin_router.get("/state")
async def state(request: Request) -> dict[str, Any]:
    """Summary: clock, people, Pages, IG accounts, counts, faults and rate-limit settings."""
    return summary(_sandbox(request))


def summary(sandbox: Sandbox) -> dict[str, Any]:
    """The body of `GET /_admin/state`."""
    world = sandbox.world
    return {
        "now": graph_time(sandbox.clock.now()),
        "clock_offset_seconds": sandbox.clock.offset_seconds,
        "variant": sandbox.variant,
        "app": {"id": sandbox.config.app_id, "name": sandbox.config.app_name},
        "default_fb_user_id": world.default_fb_user_id,
        "fb_users": [{"id": u.id, "name": u.name, "page_ids": u.page_ids} for u in world.fb_users.values()],
        "pages": [{"id": p.id, "name": p.name, "ig_user_id": p.ig_user_id} for p in world.pages.values()],
        "ig_users": [
            {"id": i.id, "username": i.username, "page_id": i.page_id, "followers_count": i.followers_count}
            for i in world.ig_users.values()
        ],
        "counts": {
            "tokens": len(world.tokens),
            "containers": len(world.containers),
            "media": len(world.media),
            "comments": len(world.comments),
            "conversations": len(world.conversations),
            "messages": len(world.messages),
        },
        "faults": [rule.model_dump() for rule in sandbox.faults.rules],
        "ratelimit": {
            "app_percent": sandbox.ratelimit.app_percent,
            "buc_percent": sandbox.ratelimit.buc_percent,
            "throttle": sandbox.ratelimit.throttle,
            "regain_minutes": sandbox.ratelimit.regain_minutes,
        },
    }


@admin_router.post("/clock/advance")
async def advance_clock(request: Request, body: AdvanceBody) -> dict[str, Any]:
    """Move the sandbox clock forward by `seconds` (expiry, quota windows, token lifetimes)."""
    sandbox = _sandbox(request)
    sandbox.clock.advance(body.seconds)
    return {"now": graph_time(sandbox.clock.now()), "offset_seconds": sandbox.clock.offset_seconds}


@admin_router.get("/config")
async def get_config(request: Request) -> dict[str, Any]:
    """The live SandboxConfig (app_secret included: it is the sandbox's own test secret)."""
    return _sandbox(request).config.model_dump()


@admin_router.patch("/config")
async def patch_config(request: Request, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some config fields (processing delays, quotas, require_appsecret_proof, webhook URL …)."""
    config = _sandbox(request).config
    try:
        candidate = config.model_validate({**config.model_dump(), **changes})
    except ValidationError as error:
        raise HTTPException(422, error.errors(include_url=False, include_context=False)) from None
    for name in changes:
        setattr(config, name, getattr(candidate, name))
    return config.model_dump()


@admin_router.get("/faults")
async def list_faults(request: Request) -> list[dict[str, Any]]:
    """The active fault rules."""
    return [rule.model_dump() for rule in _sandbox(request).faults.rules]


@admin_router.post("/faults", status_code=201)
async def add_fault(request: Request, rule: FaultRule) -> dict[str, Any]:
    """Add a rule (see graph_sandbox.faults): action error|latency|drop_before|drop_after."""
    return _sandbox(request).faults.add(rule).model_dump()


@admin_router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, bool]:
    """Remove every fault rule."""
    _sandbox(request).faults.clear()
    return {"success": True}


@admin_router.post("/ratelimit")
async def set_ratelimit(request: Request, body: RateLimitBody) -> dict[str, Any]:
    """Force usage percentages and/or a throttle code (80002, 4, 17, 32, 613; null clears)."""
    limiter = _sandbox(request).ratelimit
    limiter.force(
        app_percent=body.app_percent,
        buc_percent=body.buc_percent,
        throttle=body.throttle,
        regain_minutes=body.regain_minutes,
    )
    return body.model_dump()
