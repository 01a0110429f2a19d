"""Rate-limit usage headers (X-App-Usage, X-Business-Use-Case-Usage, X-Page-Usage) and when to slow down."""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
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


# How many nodes (media, comments, containers, ...) and tokens the tracker remembers an account for.
REMEMBERED_OWNERS = 10_000


def token_fingerprint(access_token: str) -> str:
    """A short one-way digest naming a token in the tracker (the token itself is never stored)."""
    return hashlib.sha256(access_token.encode()).hexdigest()[:24]


def _remember(table: OrderedDict[str, Any], key: str, value: Any) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > REMEMBERED_OWNERS:
        table.popitem(last=False)


@dataclass
class UsageTracker:
    """The latest usage Meta reported per app, Page and business object, and the pause it implies.

    X-Business-Use-Case-Usage names the IG account a call counted against, whatever node the URL was
    about (`/{media-id}/comments` counts against the media's owner). So the tracker also remembers:

    - per node, the single account its answers reported: later calls about that node (a media's
      comments, a comment's replies, a container's status) wait on that account's usage;
    - per token (by a one-way fingerprint), the accounts its answers reported: a token that has only
      ever been reported against one account (a Page token, a `with_token` client for one account)
      waits on that account's usage for every call, even about a node it has not seen yet. A token
      reported against several accounts only waits per node, so one busy account does not slow the
      others down.
    """

    threshold: float = 90.0
    pause_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _app: _Observed | None = field(default=None, init=False, repr=False)
    _pages: dict[str, _Observed] = field(default_factory=dict, init=False, repr=False)
    _business: dict[str, _Observed] = field(default_factory=dict, init=False, repr=False)
    _owners: OrderedDict[str, str] = field(default_factory=OrderedDict, init=False, repr=False)
    _token_accounts: OrderedDict[str, frozenset[str]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )

    def update(
        self, headers: Mapping[str, str], object_id: str | None = None, *, token_key: str | None = None
    ) -> None:
        """Record the usage headers of a response.

        `object_id`: the node the call was about; `token_key`: the `token_fingerprint` of its token.
        """
        lowered = {key.lower(): value for key, value in headers.items()}
        now = self.clock()
        app = parse_app_usage(lowered.get("x-app-usage"))
        if app is not None:
            self._app = _Observed(app, now)
        page = parse_page_usage(lowered.get("x-page-usage"))
        if page is not None and object_id:
            self._pages[object_id] = _Observed(page, now)
        business = parse_business_usage(lowered.get("x-business-use-case-usage"))
        for business_id, entries in business.items():
            self._business[business_id] = _Observed(entries, now)
        self._learn_accounts(frozenset(business), object_id, token_key)

    def _learn_accounts(self, accounts: frozenset[str], object_id: str | None, token_key: str | None) -> None:
        if object_id and len(accounts) == 1 and object_id not in accounts:
            _remember(self._owners, object_id, next(iter(accounts)))
        if token_key and accounts:
            _remember(
                self._token_accounts, token_key, self._token_accounts.get(token_key, frozenset()) | accounts
            )

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

    def accounts_for(self, object_id: str | None = None, *, token_key: str | None = None) -> set[str]:
        """The business objects whose usage a call about `object_id` with that token counts against."""
        accounts: set[str] = set()
        if object_id:
            accounts.add(object_id)
            if object_id in self._owners:
                accounts.add(self._owners[object_id])
        token_accounts = self._token_accounts.get(token_key or "", frozenset())
        if len(token_accounts) == 1:
            accounts |= token_accounts
        return accounts

    def wait_seconds(self, object_id: str | None = None, *, token_key: str | None = None) -> float:
        """How long to wait before the next call (about `object_id`, with that token, when known)."""
        now = self.clock()
        waits = [0.0]
        if self._app and self._app.value.highest >= self.threshold:
            waits.append(self.pause_seconds - (now - self._app.at))
        if object_id and object_id in self._pages:
            page = self._pages[object_id]
            if page.value.highest >= self.threshold:
                waits.append(self.pause_seconds - (now - page.at))
        for account in self.accounts_for(object_id, token_key=token_key):
            observed = self._business.get(account)
            if observed is not None:
                waits.extend(self._business_wait(entry) - (now - observed.at) for entry in observed.value)
        return max(waits)

    def _business_wait(self, entry: BusinessUseCaseUsage) -> float:
        if entry.estimated_time_to_regain_access > 0:
            return entry.estimated_time_to_regain_access * 60
        return self.pause_seconds if entry.highest >= self.threshold else 0.0
