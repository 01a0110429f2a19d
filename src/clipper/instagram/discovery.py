"""Business Discovery: public figures of another professional account (Facebook Login only).

`GET /{our-ig-user-id}?fields=business_discovery.username(NAME){…,media.limit(N){…}}`
(https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/business_discovery).
"""

from __future__ import annotations

import re

from clipper.instagram.core import GraphCore
from clipper.instagram.errors import RequestValidationError, UnknownGraphError
from clipper.instagram.schemas import DiscoveredAccount

# Instagram usernames: at most 30 letters, digits, periods and underscores. Checked before the name is
# written into the `fields` expression, where `)` or `{` would change the query.
USERNAME = re.compile(r"^[A-Za-z0-9._]{1,30}$")
DISCOVERY_FIELDS = "followers_count,media_count,username,name,biography,profile_picture_url"
DISCOVERY_MEDIA_FIELDS = "id,caption,like_count,comments_count,timestamp,media_type,permalink"
MAX_DISCOVERY_MEDIA = 50


def discovery_fields(username: str, media_limit: int) -> str:
    """The `fields` expression asking for the account's profile and its newest `media_limit` posts."""
    media = f"media.limit({media_limit}){{{DISCOVERY_MEDIA_FIELDS}}}"
    return f"business_discovery.username({username}){{{DISCOVERY_FIELDS},{media}}}"


class DiscoveryMixin(GraphCore):
    """Read another Business or Creator account through one of ours."""

    async def discover_business(
        self, ig_account_id: str, username: str, *, media_limit: int = 12
    ) -> DiscoveredAccount:
        """The public profile and newest posts of `username`, read through our account `ig_account_id`."""
        if not USERNAME.fullmatch(username):
            raise RequestValidationError(
                "An Instagram username has 1 to 30 letters, digits, periods or underscores.",
                option="username",
            )
        if not 1 <= media_limit <= MAX_DISCOVERY_MEDIA:
            raise RequestValidationError(
                f"Ask for 1 to {MAX_DISCOVERY_MEDIA} recent posts.", option="media_limit"
            )
        body = await self._get(ig_account_id, {"fields": discovery_fields(username, media_limit)})
        found = body.get("business_discovery") if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise UnknownGraphError("The Graph API answered without business_discovery.")
        return DiscoveredAccount.model_validate(found)
