"""Clock: real UTC time plus an offset the admin API can advance (expiry, quotas, windows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The sandbox's notion of now: wall clock + a test-controlled offset."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self._offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        """Current aware UTC datetime, shifted by the offset."""
        return datetime.now(UTC) + self._offset

    def timestamp(self) -> int:
        """Current Unix time in whole seconds."""
        return int(self.now().timestamp())

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        self._offset += timedelta(seconds=seconds)

    @property
    def offset_seconds(self) -> float:
        """How far the sandbox clock is ahead of the wall clock."""
        return self._offset.total_seconds()

    def reset(self) -> None:
        """Return to wall-clock time."""
        self._offset = timedelta()


def graph_time(moment: datetime) -> str:
    """Format a datetime the way the Graph API does: `2021-08-13T08:25:28+0000`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
