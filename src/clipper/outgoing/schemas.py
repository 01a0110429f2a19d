"""Request and response bodies of the webhook-endpoint API."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clipper.outgoing.models import DeliveryStatus
from clipper.outgoing.targets import MAX_URL_LENGTH

ItemT = TypeVar("ItemT")

EventType = Literal[
    "post.published",
    "post.failed",
    "post.unconfirmed",
    "comment.created",
    "message.created",
    "account.updated",
]


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


class _Events(BaseModel):
    @field_validator("events", check_fields=False)
    @classmethod
    def _unique(cls, events: list[EventType] | None) -> list[EventType] | None:
        return None if events is None else sorted(set(events))


class EndpointCreate(_Events):
    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH, examples=["https://hooks.example.com/clipper"])
    events: list[EventType] = Field(min_length=1, max_length=12)
    description: str = Field(default="", max_length=200)
    enabled: bool = True


class EndpointUpdate(_Events):
    url: str | None = Field(default=None, min_length=1, max_length=MAX_URL_LENGTH)
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=12)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = None


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime


class EndpointWithSecret(EndpointRead):
    """The endpoint with its signing secret: answered only on creation and on rotation, never again."""

    secret: str


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: int | None
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
