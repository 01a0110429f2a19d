"""Media metrics per product type (GRAPH_API.md §7.2) and the basic Page metrics (§7.4)."""

from __future__ import annotations

from graph_sandbox.insights.catalogue import TIME_SERIES, TOTAL_VALUE, Metric

_BOTH = frozenset({TIME_SERIES, TOTAL_VALUE})
_LIFETIME = frozenset({"lifetime"})
_PAGE_PERIODS = frozenset({"day", "week", "days_28"})

_F, _R, _S = "FEED", "REELS", "STORY"
_FRS = frozenset({_F, _R, _S})
_FR = frozenset({_F, _R})
_FS = frozenset({_F, _S})


def _media(
    name: str, title: str, description: str, rate: float, products: frozenset[str], *bd: str
) -> Metric:
    return Metric(name, title, description, rate, periods=_LIFETIME, breakdowns=bd, products=products)


MEDIA_METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        _media("views", "Views", "The number of times your content was played or displayed.", 0.4, _FRS),
        _media(
            "reach", "Reach", "Total number of unique accounts that have seen the media object", 0.25, _FRS
        ),
        _media("likes", "Likes", "The number of likes on your post.", 0.02, _FR),
        _media("comments", "Comments", "The number of comments on your post.", 0.002, _FR),
        _media(
            "saved", "Saved", "Total number of unique accounts that have saved the media object", 0.003, _FR
        ),
        _media("shares", "Shares", "The number of shares of your post.", 0.002, _FRS),
        _media(
            "total_interactions",
            "Total interactions",
            "The number of likes, saves, comments and shares on "
            "your post minus the number of unlikes, unsaves and deleted comments.",
            0.027,
            _FRS,
        ),
        _media("reposts", "Reposts", "The number of times your post was reposted.", 0.0004, _FRS),
        _media("follows", "Follows", "The number of accounts that started following you.", 0.001, _FS),
        _media(
            "profile_visits", "Profile visits", "The number of times your profile was visited.", 0.004, _FS
        ),
        _media(
            "profile_activity",
            "Profile activity",
            "[IG Insights] This header is the name of a metric that "
            "appears on an educational info sheet for a particular for a particular post, story, video or "
            "promotion. This metric is the sum of all profile actions people take when they engage with "
            "this content.",
            0.003,
            _FS,
            "action_type",
        ),
        _media(
            "navigation",
            "Navigation",
            "The total number of actions taken from your story.",
            0.2,
            frozenset({_S}),
            "story_navigation_action_type",
        ),
        _media("replies", "Replies", "The number of replies to your story.", 0.002, frozenset({_S})),
        _media(
            "ig_reels_avg_watch_time",
            "Average watch time",
            "The average amount of time spent playing the reel (in milliseconds).",
            0.0,
            frozenset({_R}),
        ),
        _media(
            "ig_reels_video_view_total_time",
            "Watch time",
            "The total amount of time the reel was played, "
            "including any time spent replaying the reel (in milliseconds).",
            0.0,
            frozenset({_R}),
        ),
        _media(
            "reels_skip_rate",
            "Skip rate",
            "The percentage of views in which the reel was skipped within the first 3 seconds.",
            0.0,
            frozenset({_R}),
        ),
        _media(
            "crossposted_views",
            "Crossposted views",
            "The number of views of the reel across Instagram and Facebook.",
            0.5,
            frozenset({_R}),
        ),
        _media(
            "facebook_views", "Facebook views", "The number of views of your content on Facebook.", 0.05, _FRS
        ),
        _media("total_likes", "Total likes", "The number of likes, including those on ads.", 0.021, _FR),
        _media(
            "total_comments", "Total comments", "The number of comments, including those on ads.", 0.002, _FR
        ),
        _media("total_views", "Total views", "The number of views, including those on ads.", 0.42, _FRS),
        # Retired (§7.3): answered only before the cut-over.
        _media(
            "impressions", "Impressions", "Total number of times the media object has been seen", 0.45, _FRS
        ),
        _media("video_views", "Video views", "Total number of times the video has been seen", 0.3, _FR),
        _media("plays", "Plays", "The number of times the reel started to play.", 0.45, frozenset({_R})),
        _media(
            "clips_replays_count",
            "Replays",
            "The number of times the reel was replayed.",
            0.05,
            frozenset({_R}),
        ),
        _media(
            "ig_reels_aggregated_all_plays_count",
            "Plays",
            "The number of times the reel started to play or replay.",
            0.5,
            frozenset({_R}),
        ),
    )
}


PAGE_METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "page_media_view",
            "Media views",
            "The number of times your Page's content was played or displayed.",
            0.5,
            periods=_PAGE_PERIODS,
            metric_types=_BOTH,
        ),
        Metric(
            "page_total_media_view_unique",
            "Media viewers",
            "The number of people who saw your Page's content.",
            0.2,
            periods=_PAGE_PERIODS,
            metric_types=_BOTH,
        ),
        Metric(
            "page_impressions_unique",
            "Daily Total Reach",
            "The number of people who had any content from your Page or about your Page enter their screen.",
            0.18,
            periods=_PAGE_PERIODS,
            metric_types=_BOTH,
        ),
        Metric(
            "page_post_engagements",
            "Daily Post Engagements",
            "The number of times people have engaged "
            "with your posts through reactions, comments, shares and more.",
            0.03,
            periods=_PAGE_PERIODS,
            metric_types=_BOTH,
        ),
        Metric(
            "page_follows",
            "Followers",
            "The total number of people who follow your Page.",
            1.0,
            periods=frozenset({"day"}),
            metric_types=_BOTH,
        ),
        Metric(
            "page_daily_follows_unique",
            "Daily New Follows",
            "The number of people who followed your Page.",
            0.003,
            periods=frozenset({"day"}),
            metric_types=_BOTH,
        ),
        Metric(
            "page_views_total",
            "Daily Total views count per Page",
            "The number of times a Page's profile has been viewed by logged in and logged out people.",
            0.02,
            periods=_PAGE_PERIODS,
            metric_types=_BOTH,
        ),
    )
}

# Cumulative metrics report the level, not a daily flow, so they are not summed over a range.
LEVEL_METRICS = frozenset({"page_follows"})
