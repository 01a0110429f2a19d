"""Request and response shapes of the posting queue."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clipper.inputs import DbId
from clipper.queue.slots import MAX_SLOTS
from clipper.social.models import MediaType, PostStatus

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class SlotIn(BaseModel):
    """A weekly slot: weekday (0 = Monday … 6 = Sunday) and wall time "HH:MM" in the queue's time zone."""

    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6)
    time: str = Field(examples=["09:30"], description='"HH:MM", 24-hour.')

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError('time must be "HH:MM" (00:00 to 23:59)')
        return value

    @property
    def minute(self) -> int:
        hours, minutes = self.time.split(":")
        return int(hours) * 60 + int(minutes)


class SlotsUpdate(BaseModel):
    """The queue's whole weekly schedule (replaces the previous one) and, if given, its time zone."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = Field(
        default=None, max_length=64, description="An IANA name such as Europe/Paris (absent: unchanged)."
    )
    slots: list[SlotIn] = Field(max_length=MAX_SLOTS)


class Order(BaseModel):
    """Every queued post of the account, each once, in the wanted order."""

    model_config = ConfigDict(extra="forbid")

    post_ids: list[DbId] = Field(max_length=500)

    @field_validator("post_ids")
    @classmethod
    def _once(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("each post may appear only once")
        return value


class SlotRead(BaseModel):
    weekday: int
    time: str


class SuggestedSlot(SlotRead):
    score: float = Field(description="The best-times score (0..1) of that hour.")


class QueuedPost(BaseModel):
    """A queued post in queue order: its slot time, and whether a paused queue holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: PostStatus
    media_type: MediaType
    title: str | None
    caption: str | None
    clip_id: int | None
    scheduled_for: datetime | None
    held: bool


class QueueRead(BaseModel):
    account_id: int
    timezone: str
    paused: bool
    slots: list[SlotRead]
    posts: list[QueuedPost]
    next_slots: list[datetime] = Field(description="The next free slot times after the queue's last post.")


class SuggestionsRead(BaseModel):
    account_id: int
    timezone: str
    slots: list[SuggestedSlot] = Field(description="The best hours per weekday, from the best-times data.")
