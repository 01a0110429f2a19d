"""Per-account insights eligibility, switched through the admin API (kept in `World.extra`)."""

from __future__ import annotations

from graph_sandbox.world import World

_KEY = "insights_disabled"


def _disabled(world: World) -> set[str]:
    value = world.extra.get(_KEY)
    if not isinstance(value, set):
        value = set()
        world.extra[_KEY] = value
    return value


def insights_enabled(world: World, ig_user_id: str) -> bool:
    """False when the admin API turned this account's insights off (every metric answers empty data)."""
    return ig_user_id not in _disabled(world)


def set_insights_enabled(world: World, ig_user_id: str, enabled: bool) -> None:
    """Turn an account's insights on or off."""
    if enabled:
        _disabled(world).discard(ig_user_id)
    else:
        _disabled(world).add(ig_user_id)
