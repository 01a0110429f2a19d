"""Request and response bodies of the OAuth endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clipper.accounts.schemas import AccountRead
from clipper.inputs import DbId


class AuthorizationUrl(BaseModel):
    authorization_url: str


class LoginFlavours(BaseModel):
    """The ways in this server can offer: `facebook` and/or `instagram` (both in sandbox mode)."""

    flavours: list[str]


class AvailableAccount(BaseModel):
    """An Instagram professional account the last login (Facebook or Instagram) can reach."""

    id: str
    username: str | None = None
    name: str | None = None
    profile_picture_url: str | None = None
    followers_count: int | None = None
    facebook_page_id: str | None = None  # None with Instagram Login: no Page
    facebook_page_name: str | None = None
    # How the login reaches the account: `page_role` (your own role on its Page, `/me/accounts`),
    # `business_owned` or `business_client` (through the Business Manager named in `business_name`),
    # or `instagram_login` (the account itself logged in with Instagram Login).
    source: str = "page_role"
    business_name: str | None = None
    connected: bool = False


class PageWithoutInstagram(BaseModel):
    id: str
    name: str


class AvailableAccountsPage(BaseModel):
    items: list[AvailableAccount]
    next_cursor: str | None = None
    pages_without_instagram: list[PageWithoutInstagram] = Field(default_factory=list)
    hint: str | None = None
    # Requested permissions the login did not grant: the accounts connect, these features answer 409.
    missing_permissions: list[str] = Field(default_factory=list)
    permissions_hint: str | None = None
    help_url: str | None = None


class SelectAccountRequest(BaseModel):
    instagram_business_account_id: str = Field(min_length=1, max_length=64, pattern=r"^\d+$")


class DisconnectRequest(BaseModel):
    account_id: DbId


class ConnectionStatus(BaseModel):
    """The platform's connected accounts with their health."""

    platform: str
    connected: bool
    accounts: list[AccountRead]
