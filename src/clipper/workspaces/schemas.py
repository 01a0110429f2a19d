"""Request and response bodies of the workspace endpoints."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from clipper.workspaces.roles import Role

MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 320
INVITATION_DAYS_DEFAULT = 7
INVITATION_DAYS_MAX = 30
# Enough to tell a typo from an address; whether it delivers is the mail server's business.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$")


def _name(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "Give the workspace a name, like 'Acme agency'.")
    return value.strip()


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Acme agency"])

    _blank = field_validator("name")(_name)


class WorkspaceUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Acme agency"])

    _blank = field_validator("name")(_name)


class WorkspaceRead(BaseModel):
    """A workspace, and the caller's role in it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    personal: bool = Field(description="The caller's own workspace from sign-up: it cannot be deleted.")
    role: Role
    created_at: datetime


class WorkspacePage(BaseModel):
    items: list[WorkspaceRead]
    next_cursor: str | None = None


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    email: str
    role: Role
    joined_at: datetime


class MemberPage(BaseModel):
    items: list[MemberRead]
    next_cursor: str | None = None


class MemberUpdate(BaseModel):
    role: Role


class InvitationCreate(BaseModel):
    role: Role = Role.EDITOR
    expires_in_days: int = Field(default=INVITATION_DAYS_DEFAULT, ge=1, le=INVITATION_DAYS_MAX)
    email: str | None = Field(
        default=None,
        max_length=MAX_EMAIL_LENGTH,
        description="Mail the link there (when the server has SMTP settings); otherwise it is returned.",
    )

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        email = value.strip().lower()
        if not _EMAIL.fullmatch(email):
            raise PydanticCustomError("email", "Enter a valid email address, like name@example.com.")
        return email


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    role: Role
    email: str | None
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationRead):
    link: str | None = Field(
        description="The one-time link, shown only now; null when it was mailed to `email` instead."
    )
    emailed: bool


class InvitationPage(BaseModel):
    items: list[InvitationRead]
    next_cursor: str | None = None


class InvitationAccept(BaseModel):
    token: str = Field(min_length=16, max_length=128, description="The last segment of the invitation link.")


class InvitationPreview(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    workspace_name: str
    role: Role
    expires_at: datetime
