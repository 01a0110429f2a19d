"""The account insights metric catalogue (GRAPH_API.md §7.1); media and Page metrics are in `media_catalogue`.

Each metric says which periods, metric types and breakdowns it takes, how large its daily value is
relative to the follower count, and the title/description Meta returns. Retirement dates (§7.3) live
in `graph_sandbox.insights.retired`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIME_SERIES = "time_series"
TOTAL_VALUE = "total_value"
METRIC_TYPES = (TIME_SERIES, TOTAL_VALUE)
PERIODS = ("day", "week", "days_28", "month", "lifetime", "total_over_range")
# The demographics `timeframe` values: Meta's own generated facebook-business SDK enumerates exactly these
# (facebook_business/adobjects/instagraminsightsresult.py, `InstagramInsightsResult.Timeframe`, v25).
TIMEFRAMES = ("last_14_days", "last_30_days", "last_90_days", "prev_month", "this_month", "this_week")

BREAKDOWN_VALUES: dict[str, tuple[str, ...]] = {
    "media_product_type": ("AD", "FEED", "REELS", "STORY"),
    "follow_type": ("FOLLOWER", "NON_FOLLOWER", "UNKNOWN"),
    "follower_type": ("FOLLOWER", "NON_FOLLOWER"),
    "contact_button_type": (
        "BOOK_NOW",
        "CALL",
        "DIRECTION",
        "EMAIL",
        "INSTANT_EXPERIENCE",
        "TEXT",
        "UNDEFINED",
    ),
    "action_type": ("BIO_LINK_CLICKED", "CALL", "DIRECTION", "EMAIL", "OTHER", "TEXT"),
    "story_navigation_action_type": ("SWIPE_FORWARD", "TAP_BACK", "TAP_EXIT", "TAP_FORWARD"),
}
DEMOGRAPHIC_BREAKDOWNS = ("age", "city", "country", "gender")


@dataclass(frozen=True)
class Metric:
    """One metric: what it accepts and how big it is (`rate` × followers per day, or per media)."""

    name: str
    title: str
    description: str
    rate: float
    periods: frozenset[str] = frozenset({"day"})
    metric_types: frozenset[str] = frozenset({TOTAL_VALUE})
    breakdowns: tuple[str, ...] = ()
    min_followers: int = 0
    demographic: bool = False
    products: frozenset[str] = field(default_factory=frozenset)


_MPT = ("media_product_type",)
_BOTH = frozenset({TIME_SERIES, TOTAL_VALUE})
_LIFETIME = frozenset({"lifetime"})


def _demographic(name: str, title: str, audience: str, rate: float) -> Metric:
    description = (
        f"The demographic characteristics of {audience}, including countries, cities and gender distribution."
    )
    return Metric(
        name,
        title,
        description,
        rate,
        _LIFETIME,
        breakdowns=DEMOGRAPHIC_BREAKDOWNS,
        min_followers=100,
        demographic=True,
    )


ACCOUNT_METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "reach",
            "Accounts reached",
            "The number of unique accounts that have seen your content, at least once, including in ads.",
            0.12,
            metric_types=_BOTH,
            breakdowns=("media_product_type", "follow_type"),
        ),
        Metric(
            "views",
            "Views",
            "The number of times your content was played or displayed.",
            0.35,
            breakdowns=("follower_type", "follow_type", "media_product_type"),
        ),
        Metric(
            "accounts_engaged",
            "Accounts engaged",
            "The number of accounts that have interacted with your content, including in ads.",
            0.02,
        ),
        Metric(
            "total_interactions",
            "Content interactions",
            "The total number of post interactions, story "
            "interactions, reels interactions, video interactions and live video interactions.",
            0.03,
            breakdowns=_MPT,
        ),
        Metric(
            "likes", "Likes", "The number of likes on your posts, reels and videos.", 0.022, breakdowns=_MPT
        ),
        Metric(
            "comments",
            "Comments",
            "The number of comments on your posts, reels, videos and live videos.",
            0.002,
            breakdowns=_MPT,
        ),
        Metric(
            "saves", "Saves", "The number of saves of your posts, reels and videos.", 0.002, breakdowns=_MPT
        ),
        Metric(
            "shares",
            "Shares",
            "The number of shares of your posts, stories, reels, videos and live videos.",
            0.0015,
            breakdowns=_MPT,
        ),
        Metric(
            "replies",
            "Replies",
            "The number of replies you received from your story, including text "
            "replies and quick reaction replies.",
            0.0005,
        ),
        Metric("reposts", "Reposts", "The number of times your content was reposted.", 0.0003),
        Metric(
            "follows_and_unfollows",
            "Follows and unfollows",
            "The number of accounts that followed you and "
            "the number of accounts that unfollowed you or left Instagram in the selected time period.",
            0.004,
            breakdowns=("follow_type",),
            min_followers=100,
        ),
        Metric(
            "profile_links_taps",
            "Profile links taps",
            "The number of taps on your business address, call button, email button and text button.",
            0.001,
            breakdowns=("contact_button_type",),
        ),
        Metric(
            "profile_views",
            "Profile views",
            "The number of times your profile was visited.",
            0.01,
            metric_types=_BOTH,
        ),
        Metric(
            "follower_count",
            "Follower count",
            "Total number of unique accounts following this profile",
            0.002,
            metric_types=frozenset({TIME_SERIES}),
            min_followers=100,
        ),
        Metric(
            "online_followers",
            "Online followers",
            "Total number of this profile's followers that were online during the specified period",
            0.3,
            periods=_LIFETIME,
            metric_types=frozenset({TIME_SERIES}),
            min_followers=100,
        ),
        _demographic("follower_demographics", "Follower demographics", "followers", 1.0),
        _demographic(
            "engaged_audience_demographics", "Engaged audience demographics", "the engaged audience", 0.05
        ),
        _demographic(
            "reached_audience_demographics", "Reached audience demographics", "the reached audience", 0.3
        ),
        # Retired metrics (§7.3): still described so that old versions before the cut-over answer them.
        Metric(
            "impressions",
            "Impressions",
            "Total number of times this profile has been seen",
            0.4,
            metric_types=_BOTH,
        ),
        Metric(
            "email_contacts",
            "Email contacts",
            "Total number of taps on the email link in this profile",
            0.0002,
            metric_types=_BOTH,
        ),
        Metric(
            "get_directions_clicks",
            "Get directions clicks",
            "Total number of taps on the directions link in this profile",
            0.0001,
            metric_types=_BOTH,
        ),
        Metric(
            "phone_call_clicks",
            "Phone call clicks",
            "Total number of taps on the call link in this profile",
            0.0001,
            metric_types=_BOTH,
        ),
        Metric(
            "text_message_clicks",
            "Text message clicks",
            "Total number of taps on the text message link in this profile",
            0.0001,
            metric_types=_BOTH,
        ),
        Metric(
            "website_clicks",
            "Website clicks",
            "Total number of taps on the website link in this profile",
            0.0008,
            metric_types=_BOTH,
        ),
    )
}
