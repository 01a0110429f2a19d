"""Fault injection: make matching Graph calls fail, slow down, or lose their connection.

A `FaultRule` matches a method (or any), a regex searched in the path without version (e.g.
`^\\d+/media_publish$`), optional exact parameter values (`params`) and optional regexes searched in
parameter values (`params_match`, e.g. `{"metric": "\\breposts\\b"}`). It fires for the next `times`
matching calls (None = every call) or, with `rate`, on a seeded random share of them (`times` then
defaults to None). Actions: `error` (GraphError from code/subcode/http_status/message/is_transient),
`latency` (sleep, then go on), `drop_before` (the connection dies before the handler runs) and
`drop_after` (the handler runs, its effects stay, and the answer is lost: how tests simulate a
media_publish whose reply never came).
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from graph_sandbox.errors import OAUTH, RATE_LIMIT_MESSAGES, GraphError

FaultAction = Literal["error", "latency", "drop_before", "drop_after"]

_DEFAULT_MESSAGES: dict[int, str] = {
    1: "An unknown error occurred",
    2: "An unexpected error has occurred. Please retry your request later.",
    **RATE_LIMIT_MESSAGES,
}
_ids = itertools.count(1)


def _compile(what: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{what} is not a valid regular expression: {error}") from None


class FaultRule(BaseModel):
    """One injected fault (also the body of `POST /_admin/faults`)."""

    action: FaultAction = "error"
    path: str = ".*"
    method: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    params_match: dict[str, str] = Field(default_factory=dict)
    times: int | None = 1
    rate: float | None = Field(default=None, ge=0.0, le=1.0)
    code: int = 1
    subcode: int | None = None
    http_status: int = 400
    message: str | None = None
    type: str = OAUTH
    is_transient: bool | None = None
    error_user_title: str | None = None
    error_user_msg: str | None = None
    latency_seconds: float = Field(default=0.0, ge=0.0, le=30.0)
    id: int = Field(default_factory=lambda: next(_ids))
    hits: int = 0

    @field_validator("path")
    @classmethod
    def _compiles(cls, value: str) -> str:
        _compile("path", value)
        return value

    @field_validator("params_match")
    @classmethod
    def _all_compile(cls, value: dict[str, str]) -> dict[str, str]:
        for key, pattern in value.items():
            _compile(f"params_match[{key}]", pattern)
        return value

    @model_validator(mode="after")
    def _rate_means_unlimited(self) -> FaultRule:
        # A rate rule without an explicit `times` keeps firing at that rate until removed.
        if self.rate is not None and "times" not in self.model_fields_set:
            self.times = None
        return self

    def matches(self, method: str, path: str, params: dict[str, str]) -> bool:
        """Method, path regex and parameter values all match."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if not re.search(self.path, path):
            return False
        if not all(params.get(key) == value for key, value in self.params.items()):
            return False
        return all(
            key in params and re.search(pattern, params[key]) for key, pattern in self.params_match.items()
        )

    def error(self) -> GraphError:
        """The GraphError an `error` rule answers with."""
        message = self.message or _DEFAULT_MESSAGES.get(self.code, f"(#{self.code}) An error occurred")
        return GraphError(
            self.code,
            message,
            subcode=self.subcode,
            http_status=self.http_status,
            type=self.type,
            is_transient=self.is_transient,
            error_user_title=self.error_user_title,
            error_user_msg=self.error_user_msg,
        )


class Faults:
    """The active rules and the seeded random source for `rate` rules."""

    def __init__(self, seed: int = 1) -> None:
        self.rules: list[FaultRule] = []
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        """Activate a rule."""
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def take(self, method: str, path: str, params: dict[str, str], *, after: bool) -> list[FaultRule]:
        """The rules that fire for this call in one phase (drop_after rules only when `after`)."""
        fired: list[FaultRule] = []
        for rule in list(self.rules):
            if (rule.action == "drop_after") != after or not rule.matches(method, path, params):
                continue
            if rule.rate is not None and self._rng.random() >= rule.rate:
                continue
            rule.hits += 1
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
            fired.append(rule)
        return fired
