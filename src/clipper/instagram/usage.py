"""Rate-limit usage headers (X-App-Usage, X-Business-Use-Case-Usage, X-Page-Usage) and when to slow down."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Percentages (0-100) of an allowance used, as Meta reports them."""

    call_count: float = 0.0
    total_time: float = 0.0
    total_cputime: float = 0.0

    @property
    def highest(self) -> float:
        """The largest of the percentages: throttling starts when any reaches 100."""
        return max(self.call_count, self.total_time, self.total_cputime)


@dataclass(frozen=True)
class BusinessUseCaseUsage(Usage):
    """One typed entry of X-Business-Use-Case-Usage for a business object (an IG user or a Page)."""

    type: str = ""
    estimated_time_to_regain_access: float = 0.0


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _load(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _usage(data: Mapping[str, Any]) -> Usage:
    return Usage(
        call_count=_number(data.get("call_count", data.get("call_volume", 0))),
        total_time=_number(data.get("total_time", 0)),
        total_cputime=_number(data.get("total_cputime", data.get("cpu_time", 0))),
    )


def parse_app_usage(value: str | None) -> Usage | None:
    """Parse an X-App-Usage (or X-Page-Usage) header; None when absent or unreadable."""
    data = _load(value)
    return _usage(data) if isinstance(data, dict) else None


parse_page_usage = parse_app_usage


def parse_business_usage(value: str | None) -> dict[str, list[BusinessUseCaseUsage]]:
    """Parse X-Business-Use-Case-Usage into its entries per business object id (empty when absent)."""
    data = _load(value)
    if not isinstance(data, dict):
        return {}
    parsed: dict[str, list[BusinessUseCaseUsage]] = {}
    for object_id, entries in data.items():
        items = entries if isinstance(entries, list) else [entries]
        parsed[str(object_id)] = [
            BusinessUseCaseUsage(
                call_count=_number(entry.get("call_count", 0)),
                total_time=_number(entry.get("total_time", 0)),
                total_cputime=_number(entry.get("total_cputime", 0)),
                type=str(entry.get("type", "")),
                estimated_time_to_regain_access=_number(entry.get("estimated_time_to_regain_access", 0)),
            )
            for entry in items
            if isinstance(entry, dict)
        ]
    return parsed


@dataclass
class _Observed:
    value: Any
    at: float


@dataclass
class UsageTracker:
    """The latest usage Meta reported per app, Page and business object, and the pause it implies."""

    threshold: float = 90.0
    pause_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _app: _Observed | None = field(default=None, init=False, repr=False)
    _pages: dict[str, _Observed] = field(default_factory=dict, init=False, repr=False)
    _business: dict[str, _Observed] = field(default_factory=dict, init=False, repr=False)

    def update(self, headers: Mapping[str, str], object_id: str | None = None) -> None:
        """Record the usage headers of a response (`object_id`: the node the call was about)."""
        lowered = {key.lower(): value for key, value in headers.items()}
        now = self.clock()
        app = parse_app_usage(lowered.get("x-app-usage"))
        if app is not None:
            self._app = _Observed(app, now)
        page = parse_page_usage(lowered.get("x-page-usage"))
        if page is not None and object_id:
            self._pages[object_id] = _Observed(page, now)
        for business_id, entries in parse_business_usage(lowered.get("x-business-use-case-usage")).items():
            self._business[business_id] = _Observed(entries, now)

    @property
    def app_usage(self) -> Usage | None:
        """The latest X-App-Usage."""
        return self._app.value if self._app else None

    def page_usage(self, page_id: str) -> Usage | None:
        """The latest X-Page-Usage seen on calls about this Page."""
        observed = self._pages.get(page_id)
        return observed.value if observed else None

    def business_usage(self, object_id: str) -> list[BusinessUseCaseUsage]:
        """The latest X-Business-Use-Case-Usage entries for an IG user (or other business object)."""
        observed = self._business.get(object_id)
        return list(observed.value) if observed else []

    def wait_seconds(self, object_id: str | None = None) -> float:
        """How long to wait before the next call (about `object_id`, when known)."""
        now = self.clock()
        waits = [0.0]
        if self._app and self._app.value.highest >= self.threshold:
            waits.append(self.pause_seconds - (now - self._app.at))
        if object_id and object_id in self._pages:
            page = self._pages[object_id]
            if page.value.highest >= self.threshold:
                waits.append(self.pause_seconds - (now - page.at))
        if object_id and object_id in self._business:
            observed = self._business[object_id]
            for entry in observed.value:
                waits.append(self._business_wait(entry) - (now - observed.at))
        return max(waits)

    def _business_wait(self, entry: BusinessUseCaseUsage) -> float:
        if entry.estimated_time_to_regain_access > 0:
            return entry.estimated_time_to_regain_access * 60
        return self.pause_seconds if entry.highest >= self.threshold else 0.0
