"""Identifier generators with Meta's formats; deterministic for a given seed."""

from __future__ import annotations

import random
import string

_SHORTCODE_ALPHABET = string.ascii_letters + string.digits + "-_"
_TRACE_ALPHABET = string.ascii_letters + string.digits + "-_"
_TOKEN_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    """Makes unique ids: IG users `178414…`, media/comments 17–18 digits, pages 15–16 digits."""

    def __init__(self, seed: int = 1) -> None:
        self._rng = random.Random(seed)
        self._issued: set[str] = set()

    def _unique(self, *, prefix: str, digits: int) -> str:
        while True:
            value = prefix + "".join(self._rng.choice(string.digits) for _ in range(digits - len(prefix)))
            if value not in self._issued:
                self._issued.add(value)
                return value

    def ig_user(self) -> str:
        """A 17-digit Instagram professional account id starting with 178414."""
        return self._unique(prefix="178414", digits=17)

    def media(self) -> str:
        """A media, container or comment id: 17 or 18 digits, starting with 17 or 18."""
        return self._unique(prefix=self._rng.choice(("17", "18")), digits=self._rng.choice((17, 18)))

    def page(self) -> str:
        """A Facebook Page id of 15 or 16 digits."""
        return self._unique(prefix="1", digits=self._rng.choice((15, 16)))

    def fb_user(self) -> str:
        """An app-scoped Facebook user id (17 digits starting with 10)."""
        return self._unique(prefix="10", digits=17)

    def igsid(self) -> str:
        """An Instagram-scoped user id as seen in comments and DMs (16–17 digits)."""
        return self._unique(prefix="2", digits=self._rng.choice((16, 17)))

    def message(self) -> str:
        """An Instagram message id (`aWdf…`, base64-looking)."""
        body = "".join(self._rng.choice(_TOKEN_ALPHABET) for _ in range(60))
        return self._unique_text("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj" + body)

    def conversation(self) -> str:
        """A conversation id (`aWdf…`)."""
        body = "".join(self._rng.choice(_TOKEN_ALPHABET) for _ in range(40))
        return self._unique_text("aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6" + body)

    def shortcode(self) -> str:
        """An 11-character permalink shortcode."""
        return self._unique_text("".join(self._rng.choice(_SHORTCODE_ALPHABET) for _ in range(11)))

    def token(self) -> str:
        """An opaque access token `EAA…` (never derived from anything secret)."""
        return self._unique_text("EAA" + "".join(self._rng.choice(_TOKEN_ALPHABET) for _ in range(180)))

    def code(self) -> str:
        """An OAuth authorization code."""
        return self._unique_text("AQ" + "".join(self._rng.choice(_TRACE_ALPHABET) for _ in range(120)))

    def _unique_text(self, value: str) -> str:
        self._issued.add(value)
        return value


def fbtrace_id() -> str:
    """A fresh `fbtrace_id` (not seeded: every error gets a new one)."""
    rng = random.SystemRandom()
    return "A" + "".join(rng.choice(_TRACE_ALPHABET) for _ in range(22))
