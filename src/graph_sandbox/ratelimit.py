"""Rate-limit accounting: per-app and per-(app, IG user) counters, usage headers, throttle mode (§9).

Every Graph answer carries `X-App-Usage: {"call_count", "total_time", "total_cputime"}`; calls about an
IG account also carry `X-Business-Use-Case-Usage: {"<ig-id>": [{"type": "instagram", "call_count",
"total_cputime", "total_time", "estimated_time_to_regain_access"}]}` (percentages; minutes).
`POST /_admin/ratelimit` forces percentages and a throttle code (80002, 4, 17, 32, 613); a usage of
100% throttles by itself (4 for the app, 80002 for an IG account).
"""

from __future__ import annotations

import json
from collections import deque
from datetime import timedelta

from graph_sandbox.clock import Clock
from graph_sandbox.config import SandboxConfig
from graph_sandbox.errors import GraphError, rate_limited

_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


class RateLimiter:
    """Sliding-window call counters and the forced state set by the admin API."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._app_calls: dict[str, deque[float]] = {}
        self._buc_calls: dict[tuple[str, str], deque[float]] = {}
        self.app_percent: int | None = None
        self.buc_percent: int | None = None
        self.throttle: int | None = None
        self.regain_minutes: int = 0

    def force(
        self, *, app_percent: int | None, buc_percent: int | None, throttle: int | None, regain_minutes: int
    ) -> None:
        """Set (or clear, with None) forced percentages and the throttle code."""
        self.app_percent, self.buc_percent = app_percent, buc_percent
        self.throttle, self.regain_minutes = throttle, regain_minutes

    def reset(self) -> None:
        """Forget every counter and forced value."""
        self._app_calls.clear()
        self._buc_calls.clear()
        self.force(app_percent=None, buc_percent=None, throttle=None, regain_minutes=0)

    def _count(self, calls: deque[float], window: timedelta) -> int:
        horizon = (self._clock.now() - window).timestamp()
        while calls and calls[0] < horizon:
            calls.popleft()
        return len(calls)

    def app_usage(self, app_id: str) -> int:
        """Percentage of the app's hourly allowance used."""
        if self.app_percent is not None:
            return self.app_percent
        count = self._count(self._app_calls.setdefault(app_id, deque()), _HOUR)
        return min(100, count * 100 // max(1, self._config.app_calls_per_hour))

    def buc_usage(self, app_id: str, ig_user_id: str) -> int:
        """Percentage of the (app, IG account) daily allowance used."""
        if self.buc_percent is not None:
            return self.buc_percent
        count = self._count(self._buc_calls.setdefault((app_id, ig_user_id), deque()), _DAY)
        return min(100, count * 100 // max(1, self._config.buc_calls_per_day))

    def check(self, app_id: str, ig_user_id: str | None) -> None:
        """Raise the throttling error when the app or the IG account is over its limit."""
        if self.throttle is not None:
            if self.throttle != 80002 or ig_user_id is not None:
                raise self._error(self.throttle)
        if self.app_usage(app_id) >= 100:
            raise self._error(4)
        if ig_user_id is not None and self.buc_usage(app_id, ig_user_id) >= 100:
            raise self._error(80002)

    def _error(self, code: int) -> GraphError:
        return rate_limited(code)

    def record(self, app_id: str, ig_user_id: str | None) -> None:
        """Count one call."""
        now = self._clock.now().timestamp()
        self._app_calls.setdefault(app_id, deque()).append(now)
        if ig_user_id is not None:
            self._buc_calls.setdefault((app_id, ig_user_id), deque()).append(now)

    def regain_minutes_for(self, app_id: str, ig_user_id: str) -> int:
        """Minutes until the IG account may call again (0 when not blocked)."""
        blocked = self.throttle is not None or self.buc_usage(app_id, ig_user_id) >= 100
        return max(1, self.regain_minutes) if blocked else 0

    def headers(self, app_id: str, ig_user_id: str | None) -> dict[str, str]:
        """The usage headers for one answer."""
        app = self.app_usage(app_id)
        result = {"x-app-usage": json.dumps({"call_count": app, "total_time": app, "total_cputime": app})}
        if ig_user_id is not None:
            buc = self.buc_usage(app_id, ig_user_id)
            entry = {
                "type": "instagram",
                "call_count": buc,
                "total_cputime": buc,
                "total_time": buc,
                "estimated_time_to_regain_access": self.regain_minutes_for(app_id, ig_user_id),
            }
            result["x-business-use-case-usage"] = json.dumps({ig_user_id: [entry]})
        return result
