"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from clipper.security import password_problems
from clipper.security.passwords import MAX_PASSWORD_LENGTH

MAX_EMAIL_LENGTH = 320
# One "@", no spaces, a dotted domain of letters/digits/hyphens ending in a 2+ letter TLD. Deliverability
# is the mail server's business; this only rejects what cannot be an address.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def normalize_email(value: str) -> str:
    """Strip and lowercase an email address."""
    return value.strip().lower()


def _valid_email(value: str) -> str:
    email = normalize_email(value)
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email) or ".." in email:
        raise PydanticCustomError("email", "Enter a valid email address, like name@example.com.")
    return email


def _strong(password: str, *, email: str | None) -> str:
    problems = password_problems(password, email=email)
    if problems:
        raise PydanticCustomError("weak_password", "{reasons}", {"reasons": " ".join(problems)})
    return password


class RegisterRequest(BaseModel):
    email: str = Field(max_length=MAX_EMAIL_LENGTH + 64, examples=["ada@example.com"])
    password: str = Field(max_length=MAX_PASSWORD_LENGTH, examples=["a long passphrase 42"])

    @field_validator("email")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _valid_email(value)

    @field_validator("password")
    @classmethod
    def _strong_password(cls, value: str, info: ValidationInfo) -> str:
        return _strong(value, email=info.data.get("email"))


class RegisterAccepted(BaseModel):
    """The answer to every valid sign-up, whether or not the email already had an account."""

    email: str
    detail: str = Field(
        description="What to do next: sign in. The same text whether or not the email was taken."
    )


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=MAX_EMAIL_LENGTH + 64)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)

    @field_validator("email")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_email(value)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(max_length=MAX_PASSWORD_LENGTH)

    @field_validator("new_password")
    @classmethod
    def _strong_password(cls, value: str) -> str:
        return _strong(value, email=None)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    created_at: datetime


class LoginResponse(BaseModel):
    access_token: str = Field(description="The session token: also valid as 'Authorization: Bearer'.")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime = Field(description="The latest the session can last; it ends sooner when idle.")
    user: UserRead


class ApiTokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["laptop CLI"])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "Give the token a name, like 'laptop CLI'.")
        return value.strip()


class ApiTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it; not usable alone.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="The secret: shown only now, store it safely.")


class ApiTokenPage(BaseModel):
    items: list[ApiTokenRead]
    next_cursor: str | None = None


class SessionRead(BaseModel):
    """A signed-in browser or client; `current` is the one making this request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_agent: str | None
    ip_address: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool = False


class SessionPage(BaseModel):
    items: list[SessionRead]
    next_cursor: str | None = None
