"""Validating and matching moderation patterns: keywords, and regexes that cannot backtrack catastrophically.

A regex is refused when a repeated group contains another unbounded repeat (`(a+)+`, `(.*x){20}`), when a
repeated alternation has branches that can match the same text (`(a|ab)*`), or when it uses
backreferences or lookarounds; every pattern is length-capped and text is capped before matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The standard library's own regex parser (what `re.compile` uses), to inspect a pattern's structure.
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any

from clipper.errors import InvalidInput
from clipper.inbox.models import RuleKind

MAX_PATTERNS = 100
MAX_PATTERN_LENGTH = 200
MAX_TEXT_LENGTH = 2_200  # Instagram's comment limit


_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT, _sre_constants.POSSESSIVE_REPEAT}
_REFUSED = {
    _sre_constants.GROUPREF,
    _sre_constants.GROUPREF_EXISTS,
    _sre_constants.ASSERT,
    _sre_constants.ASSERT_NOT,
}
_UNBOUNDED = _sre_constants.MAXREPEAT


def _items(parsed: Any) -> Iterable[tuple[Any, Any]]:
    return list(parsed.data if hasattr(parsed, "data") else parsed)


def _children(op: Any, av: Any) -> list[Any]:
    if op in _REPEATS:
        return [av[2]]
    if op == _sre_constants.SUBPATTERN:
        return [av[-1]]
    if op == _sre_constants.BRANCH:
        return list(av[1])
    if op == _sre_constants.ATOMIC_GROUP:
        return [av]
    return []


def _has_unbounded_repeat(parsed: Any) -> bool:
    for op, av in _items(parsed):
        if op in _REPEATS and av[1] == _UNBOUNDED:
            return True
        if any(_has_unbounded_repeat(child) for child in _children(op, av)):
            return True
    return False


def _has_branch(parsed: Any) -> bool:
    for op, av in _items(parsed):
        if op == _sre_constants.BRANCH or any(_has_branch(child) for child in _children(op, av)):
            return True
    return False


def _problem(parsed: Any) -> str | None:
    """Why the parsed regex is dangerous, or None."""
    for op, av in _items(parsed):
        if op in _REFUSED:
            return "backreferences and lookarounds are not allowed"
        if op in _REPEATS and av[1] > 1:
            body = av[2]
            if _has_unbounded_repeat(body):
                return "a repeated group contains another repeat (catastrophic backtracking)"
            if _has_branch(body):
                return "a repeated group contains alternatives (catastrophic backtracking)"
        for child in _children(op, av):
            found = _problem(child)
            if found:
                return found
    return None


def check_regex(pattern: str) -> None:
    """Raise InvalidInput when a regex does not compile or could backtrack catastrophically."""
    try:
        parsed = _sre_parser.parse(pattern)
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise InvalidInput(f"The regex {pattern!r} is not valid: {exc}.") from None
    problem = _problem(parsed)
    if problem:
        raise InvalidInput(f"The regex {pattern!r} is refused: {problem}. Simplify it.")


def validate(kind: RuleKind, patterns: list[str]) -> list[str]:
    """The cleaned pattern list; InvalidInput naming what is wrong."""
    cleaned = [p.strip() for p in patterns if p.strip()]
    if not cleaned:
        raise InvalidInput("Give at least one keyword or pattern.")
    if len(cleaned) > MAX_PATTERNS:
        raise InvalidInput(f"A rule holds at most {MAX_PATTERNS} patterns.")
    for pattern in cleaned:
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise InvalidInput(f"A pattern is at most {MAX_PATTERN_LENGTH} characters.")
        if kind is RuleKind.REGEX:
            check_regex(pattern)
    return cleaned


def _keyword_regex(keyword: str) -> re.Pattern[str]:
    # Whole words at word-like edges: the keyword "ass" must not hide a comment about a "class".
    edge_start = r"\b" if keyword[:1].isalnum() else ""
    edge_end = r"\b" if keyword[-1:].isalnum() else ""
    return re.compile(edge_start + re.escape(keyword) + edge_end, re.IGNORECASE)


def match(kind: RuleKind, patterns: list[str], text: str) -> str | None:
    """The first pattern matching the text (case-insensitive), or None."""
    capped = text[:MAX_TEXT_LENGTH]
    for pattern in patterns:
        compiled = re.compile(pattern, re.IGNORECASE) if kind is RuleKind.REGEX else _keyword_regex(pattern)
        if compiled.search(capped):
            return pattern
    return None
