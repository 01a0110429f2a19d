"""InstagramGraphAPI: the Graph API client the product uses (the only code that speaks HTTP to Meta)."""

from __future__ import annotations

from clipper.instagram.accounts import AccountsMixin
from clipper.instagram.batch import BatchMixin
from clipper.instagram.discovery import DiscoveryMixin
from clipper.instagram.engagement import EngagementMixin
from clipper.instagram.hashtags import HashtagsMixin
from clipper.instagram.insights import InsightsMixin
from clipper.instagram.instagram_login import InstagramLoginMixin
from clipper.instagram.publishing import PublishingMixin
from clipper.instagram.upload import UploadMixin


class InstagramGraphAPI(
    AccountsMixin,
    PublishingMixin,
    UploadMixin,
    EngagementMixin,
    HashtagsMixin,
    InsightsMixin,
    BatchMixin,
    InstagramLoginMixin,
    DiscoveryMixin,
):
    """Async Instagram Graph API client (Facebook Login variant) on one shared httpx.AsyncClient.

    `InstagramGraphAPI(access_token)` talks to graph.facebook.com; pass `base_url`/`rupload_url` to point
    it elsewhere (the sandbox), `app_id`/`app_secret` for token exchange and `appsecret_proof`, and
    `with_token()` to switch between user and Page tokens on the same pool. With `instagram_app` set,
    `for_instagram_login(token)` is the same client on graph.instagram.com for Instagram Login accounts.
    """
