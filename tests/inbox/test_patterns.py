"""Moderation patterns: catastrophic regexes run in linear time, and what RE2 cannot run is refused."""

from __future__ import annotations

import time

import pytest

from clipper.errors import InvalidInput
from clipper.inbox import patterns
from clipper.inbox.models import RuleKind

COMMENT = "a" * patterns.MAX_TEXT_LENGTH  # the longest comment Instagram allows, and no "!" to find
FAST_SECONDS = 0.5


def _timed_match(pattern: str, text: str) -> tuple[str | None, float]:
    accepted = patterns.validate(RuleKind.REGEX, [pattern])
    started = time.perf_counter()
    found = patterns.match(RuleKind.REGEX, accepted, text)
    return found, time.perf_counter() - started


class TestCatastrophicPatterns:
    @pytest.mark.parametrize("pattern", [r"(?:\w{1,20}){1,20}!", r"\w*\w*\w*\w*!", r"(a+)+b", r"(a|aa)*b"])
    def test_a_backtracking_pattern_finishes_fast_on_the_longest_comment(self, pattern):
        found, seconds = _timed_match(pattern, COMMENT)
        assert found is None
        assert seconds < FAST_SECONDS

    def test_the_pattern_still_matches_what_it_describes(self):
        found, _ = _timed_match(r"(?:\w{1,20}){1,20}!", "buy now!")
        assert found == r"(?:\w{1,20}){1,20}!"

    def test_matching_ignores_case(self):
        assert patterns.match(RuleKind.REGEX, [r"free\s+followers"], "FREE   Followers here") is not None


class TestRefusedPatterns:
    @pytest.mark.parametrize(
        ("pattern", "says"),
        [
            (r"(a)\1", "invalid escape sequence"),
            (r"(?=a)b", "invalid perl operator"),
            (r"(?:a{1000}){1000}", "invalid repetition size"),
            (r"[", "missing ]"),
            (r"\pL{1,200}x", "pattern too large"),
        ],
    )
    def test_what_the_engine_cannot_run_is_refused_with_its_reason(self, pattern, says):
        with pytest.raises(InvalidInput) as refused:
            patterns.validate(RuleKind.REGEX, [pattern])
        assert says in refused.value.message
        assert "RE2 syntax" in refused.value.message

    def test_a_program_too_large_to_run_safely_is_refused(self):
        with pytest.raises(InvalidInput) as refused:
            patterns.validate(RuleKind.REGEX, [r"(?:\w{1,30}){1,30}(?:\w{1,30}){1,30}!"])
        assert "too complex" in refused.value.message


class TestKeywords:
    def test_a_keyword_matches_whole_words_only(self):
        assert patterns.match(RuleKind.KEYWORD, ["ass"], "a class act") is None
        assert patterns.match(RuleKind.KEYWORD, ["café"], "Le CAFÉ est bon") == "café"
