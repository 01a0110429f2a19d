"""Recommended posting hours per weekday: when followers are online, and how the account's own posts did."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clipper.accounts.models import Account
from clipper.errors import InvalidInput
from clipper.insights import cache, ranges
from clipper.insights import posts as account_posts
from clipper.insights.audience import WEEKDAYS, online_days
from clipper.insights.cache import Services
from clipper.insights.schemas import BestTimesRead, HourEvidence, WeekdayRecommendation

POST_HISTORY_DAYS = 90
HOURS_PER_DAY = 3
ONLINE_WEIGHT, ENGAGEMENT_WEIGHT = 0.7, 0.3
# With no post at that hour to learn from, engagement counts as average.
NEUTRAL = 0.5
Slot = tuple[int, int]  # (weekday 0 = Monday, hour)


def _offset_hours(timezone: str) -> int:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"Unknown time zone {timezone!r}: use an IANA name such as Europe/Paris."
        ) from None
    offset = datetime.now(UTC).astimezone(zone).utcoffset() or timedelta()
    return round(offset.total_seconds() / 3600)


def _local(weekday: int, hour: int, offset: int) -> Slot:
    shifted = (weekday * 24 + hour + offset) % (7 * 24)
    return shifted // 24, shifted % 24


def _online_by_slot(days: dict[date, dict[str, int]], offset: int) -> dict[Slot, float]:
    samples: dict[Slot, list[int]] = defaultdict(list)
    for day, hours in days.items():
        for hour, value in hours.items():
            samples[_local(day.weekday(), int(hour), offset)].append(value)
    return {slot: mean(values) for slot, values in samples.items()}


def _posts_by_slot(posts: list[account_posts.PostMetrics], zone_offset: int) -> dict[Slot, list[float]]:
    rates: dict[Slot, list[float]] = defaultdict(list)
    for post in posts:
        rate = post.engagement_rate
        if rate is not None:
            moment = post.posted_at.astimezone(UTC)
            rates[_local(moment.weekday(), moment.hour, zone_offset)].append(rate)
    return rates


def _evidence(
    slot: Slot, online: dict[Slot, float], rates: dict[Slot, list[float]], best: tuple[float, float]
) -> HourEvidence:
    peak_online, peak_rate = best
    seen = rates.get(slot, [])
    online_now = online.get(slot)
    online_part = online_now / peak_online if online_now is not None and peak_online else 0.0
    rate = mean(seen) if seen else None
    engagement_part = rate / peak_rate if rate is not None and peak_rate else NEUTRAL
    return HourEvidence(
        hour=slot[1],
        score=round(ONLINE_WEIGHT * online_part + ENGAGEMENT_WEIGHT * engagement_part, 4),
        online_followers=round(online_now) if online_now is not None else None,
        posts=len(seen),
        avg_engagement_rate=round(rate, 4) if rate is not None else None,
    )


def recommend(
    online: dict[Slot, float], rates: dict[Slot, list[float]], hours_per_day: int = HOURS_PER_DAY
) -> list[WeekdayRecommendation]:
    """The best `hours_per_day` hours of each weekday by score, highest first."""
    best = (max(online.values(), default=0.0), max((mean(r) for r in rates.values()), default=0.0))
    result = []
    for weekday, name in enumerate(WEEKDAYS):
        scored = [_evidence((weekday, hour), online, rates, best) for hour in range(24)]
        top = sorted(scored, key=lambda e: (-e.score, e.hour))[:hours_per_day]
        result.append(WeekdayRecommendation(weekday=name, hours=top))
    return result


async def best_times(*, account: Account, services: Services, timezone: str = "UTC") -> BestTimesRead:
    """Recommended hours per weekday with the evidence behind each (online followers, past posts)."""
    offset = _offset_hours(timezone)
    key = cache.key("best-times", account.id, timezone=timezone)
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return BestTimesRead.model_validate(cached)
    days, _ = await online_days(account=account, services=services)
    last = ranges.today()
    history = await account_posts.posts_between(
        account=account, services=services, first=last - timedelta(days=POST_HISTORY_DAYS), last=last
    )
    online = _online_by_slot(days, offset)
    rates = _posts_by_slot(history, offset)
    answer = BestTimesRead(
        account_id=account.id,
        timezone=timezone,
        recommendations=recommend(online, rates),
        evidence={
            "online_followers_days": len(days),
            "posts_analyzed": len(history),
            "posts_with_engagement": sum(len(r) for r in rates.values()),
            "weights": {"online_followers": ONLINE_WEIGHT, "engagement": ENGAGEMENT_WEIGHT},
            "engagement_rate": "total_interactions / reach of each post",
            "hours": f"local hours in {timezone} (UTC{offset:+d})",
        },
    )
    await cache.put(services.kv, key, answer.model_dump(mode="json"), live=False)
    return answer
