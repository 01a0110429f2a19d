"""One check's outcome and how the report prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PASS = "✓"
FAIL = "✗"


@dataclass(frozen=True)
class Check:
    """`name`: what was checked; `detail`: what was found; `fix`: what to do (failures only)."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = PASS if self.ok else FAIL
        text = f"{mark} {self.name}: {self.detail}"
        return f"{text}\n    fix: {self.fix}" if not self.ok and self.fix else text


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


def render(checks: Sequence[Check]) -> str:
    """Every check on its line, then a summary line."""
    failures = sum(not check.ok for check in checks)
    summary = "all checks passed" if not failures else f"{failures} check(s) failed"
    return "\n".join([*(check.line() for check in checks), summary])
