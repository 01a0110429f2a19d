"""Response bodies for connected accounts (never a token, encrypted or not)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from clipper.accounts.models import AccountHealth
from clipper.accounts.permissions import requested_for


class AccountRead(BaseModel):
    """A connected account, its health and what it was allowed to do."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    # `facebook` (Facebook Login, through a Page) or `instagram` (Instagram Login, no Page).
    login_flavour: str = "facebook"
    platform_account_id: str
    account_username: str | None
    is_active: bool
    health_status: str
    health_reason: str | None
    connected_at: datetime
    token_expires_at: datetime | None
    last_checked_at: datetime | None
    granted_permissions: list[str]
    # The IG profile as of the last connect or health check (None until Meta reported it).
    followers_count: int | None = None
    media_count: int | None = None
    profile_picture_url: str | None = None
    profile_refreshed_at: datetime | None = None
    meta_info: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def username(self) -> str | None:
        return self.account_username

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing_permissions(self) -> list[str]:
        from clipper.accounts.service import missing_permissions

        return missing_permissions(self.granted_permissions, requested_for(self.login_flavour))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def webhook_problem(self) -> str | None:
        """Why live updates (webhooks) do not reach this account, and what to do; None when they do."""
        from clipper.accounts.service import webhook_problem

        return webhook_problem(self.meta_info, self.login_flavour)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def action(self) -> str | None:
        """`reconnect` when the account cannot be used until it is connected again."""
        if not self.is_active or self.health_status == AccountHealth.RECONNECT_REQUIRED:
            return "reconnect"
        return None


class AccountPage(BaseModel):
    items: list[AccountRead]
    next_cursor: str | None = None
