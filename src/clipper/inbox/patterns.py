"""Validating and matching moderation patterns: keywords, and regexes run by RE2 in linear time.

A regex rule runs on RE2 (`google-re2`), whose matching time grows linearly with the text whatever the
pattern: no rule can backtrack catastrophically and freeze the server (`\\w*\\w*\\w*\\w*!` or
`(?:\\w{1,20}){1,20}!` on a 2,200-character comment take well under a millisecond). What RE2 cannot run
safely it refuses, and so do we: backreferences, lookarounds, and programs over `MAX_PROGRAM_SIZE`.
Every pattern is length-capped and text is capped before matching.
"""

from __future__ import annotations

import re
from functools import lru_cache

import re2

from clipper.errors import InvalidInput
from clipper.inbox.models import RuleKind

MAX_PATTERNS = 100
MAX_PATTERN_LENGTH = 200
MAX_TEXT_LENGTH = 2_200  # Instagram's comment limit
# RE2's compiled size (instructions); bounds both its memory and the per-character cost of matching.
MAX_PROGRAM_SIZE = 10_000
_MAX_MEMORY = 1 << 20
_SYNTAX = "https://github.com/google/re2/wiki/Syntax"


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _MAX_MEMORY
    return options


@lru_cache(maxsize=512)
def _compiled_regex(pattern: str) -> re2._Regexp:
    return re2.compile(pattern, _options())


def _engine_message(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else exc
    return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)


def check_regex(pattern: str) -> None:
    """Raise InvalidInput when RE2 cannot compile the regex or its program is too large to run safely."""
    try:
        compiled = _compiled_regex(pattern)
    except re2.error as exc:
        raise InvalidInput(
            f"The regex {pattern!r} is refused: {_engine_message(exc)}. Patterns use RE2 syntax "
            f"(no backreferences or lookarounds, repeats up to {{1000}}): see {_SYNTAX}."
        ) from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise InvalidInput(
            f"The regex {pattern!r} is refused: it is too complex to run safely "
            f"(size {compiled.programsize}, at most {MAX_PROGRAM_SIZE}). Use fewer or smaller repeats."
        )


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


@lru_cache(maxsize=512)
def _keyword_regex(keyword: str) -> re.Pattern[str]:
    # Whole words at word-like edges: the keyword "ass" must not hide a comment about a "class". An
    # escaped literal between word boundaries cannot backtrack, and Python's `\b` knows Unicode words.
    edge_start = r"\b" if keyword[:1].isalnum() else ""
    edge_end = r"\b" if keyword[-1:].isalnum() else ""
    return re.compile(edge_start + re.escape(keyword) + edge_end, re.IGNORECASE)


def _regex_matches(pattern: str, text: str) -> bool:
    try:
        compiled = _compiled_regex(pattern)
    except re2.error:
        # A rule stored before RE2 checked it: it matches nothing rather than failing the sync.
        return False
    return compiled.programsize <= MAX_PROGRAM_SIZE and compiled.search(text) is not None


def match(kind: RuleKind, patterns: list[str], text: str) -> str | None:
    """The first pattern matching the text (case-insensitive), or None."""
    capped = text[:MAX_TEXT_LENGTH]
    for pattern in patterns:
        if kind is RuleKind.REGEX:
            found = _regex_matches(pattern, capped)
        else:
            found = _keyword_regex(pattern).search(capped) is not None
        if found:
            return pattern
    return None
