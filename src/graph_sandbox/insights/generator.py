"""Deterministic insight numbers: a pure function of (seed, node id, metric, day, …), scaled by followers.

The same request gives the same numbers on every call and every run with the same seed; values grow
with the follower count and vary by weekday so charts look like a real account's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

# Relative audience shares so breakdowns look like a real audience (unlisted values get small shares).
_WEEKDAY_FACTOR = (1.0, 0.96, 1.02, 1.05, 1.12, 1.25, 1.18)


def unit(seed: int, *parts: object) -> float:
    """A stable pseudo-random number in [0, 1) derived from the seed and the parts."""
    text = ":".join([str(seed), *(str(p) for p in parts)])
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def followers_on(followers_now: int, days_ago: int) -> int:
    """The follower count `days_ago` days before today: accounts grow about 0.2 % a day."""
    return max(0, round(followers_now / (1.002 ** max(0, days_ago))))


def daily_value(seed: int, node_id: str, metric: str, day: date, *, followers: int, rate: float) -> int:
    """One day's value of a flow metric (reach, likes, …) for an account with `followers` followers."""
    noise = 0.6 + 0.8 * unit(seed, node_id, metric, day.isoformat())
    base = max(followers, 20) * rate * _WEEKDAY_FACTOR[day.weekday()] * noise
    return int(round(base))


def split(total: int, keys: Sequence[str], seed: int, *salt: object) -> dict[str, int]:
    """Split `total` over `keys` with stable uneven weights; the parts add up to `total` exactly."""
    if not keys:
        return {}
    weights = [0.05 + unit(seed, *salt, key) ** 2 for key in keys]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    # Largest remainder: hand the leftover units to the biggest fractional parts.
    order = sorted(range(len(keys)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return dict(zip(keys, parts, strict=True))


def hourly_online(seed: int, node_id: str, day: date, *, followers: int) -> dict[str, int]:
    """`online_followers` for one day: followers online per hour "0".."23", peaking in the evening."""
    result: dict[str, int] = {}
    for hour in range(24):
        curve = 0.25 + 0.45 * (1 - abs(hour - 19) / 19)
        jitter = 0.9 + 0.2 * unit(seed, node_id, "online", day.isoformat(), hour)
        result[str(hour)] = int(round(followers * curve * jitter))
    return result


def media_value(
    seed: int, media_id: str, metric: str, *, followers: int, rate: float, maturity: float
) -> int:
    """A lifetime media metric: proportional to followers, grown to `maturity` (0..1) of its final value."""
    noise = 0.5 + unit(seed, media_id, metric)
    return int(round(max(followers, 20) * rate * noise * maturity))
