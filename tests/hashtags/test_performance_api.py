"""Hashtag performance of the user's own published posts, from stored rows: the posts are written with the
factories and their lifetime numbers with the insights package's own `store_media`, then read through the
API (JSON and CSV)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clipper.hashtags import performance
from clipper.insights import snapshots
from clipper.social.models import MediaType, PostStatus
from clipper.users.models import User
from tests.fixtures.factories import create_account, create_post

API = "/api/v1/hashtags/performance"
DAY = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
_media = iter(range(10_000, 99_999))


@pytest.fixture
async def me(client, signup, session):
    signed = await signup(client)
    user = await session.get_one(User, signed.user_id)
    account = await create_account(session, user=user)
    return signed, user, account


async def published(
    session,
    user,
    account,
    *,
    caption: str | None = None,
    hashtags: list[str] | None = None,
    first_comment: str | None = None,
    comment_posted: bool = True,
    numbers: dict[str, Any] | None = None,
    at: datetime = DAY,
    **fields: Any,
):
    """A published post of `account` and, when given, its stored lifetime numbers."""
    media_id = str(next(_media))
    options = {"first_comment": first_comment} if first_comment else {}
    post = await create_post(
        session,
        user=user,
        account=account,
        caption=caption,
        hashtags=hashtags,
        status=PostStatus.PUBLISHED,
        platform_post_id=media_id,
        platform_url=fields.pop("platform_url", f"https://www.instagram.com/p/{media_id}/"),
        published_at=at,
        options=options,
        first_comment_id=f"9{media_id}" if first_comment and comment_posted else None,
        **fields,
    )
    if numbers is not None:
        await snapshots.store_media(
            session, account_id=account.id, media_id=media_id, product="FEED", values=numbers, source="graph"
        )
    await session.flush()
    return post


async def report(client, headers, **params) -> dict[str, Any]:
    response = await client.get(API, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_tag(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["hashtag"]: item for item in body["hashtags"]}


class TestMath:
    async def test_median_and_interquartile_range_over_stored_numbers(self, client, session, me):
        signed, user, account = me
        for reach in (100, 200, 300, 400, 1000):
            numbers = {"reach": reach, "views": reach * 2, "total_interactions": reach // 10}
            await published(session, user, account, caption="Sea #beach", numbers=numbers)
        beach = by_tag(await report(client, signed.headers))["beach"]
        assert (beach["posts"], beach["measured"], beach["low_sample"]) == (5, 5, False)
        assert beach["reach"] == {"n": 5, "median": 300, "q1": 200, "q3": 400, "min": 100, "max": 1000}
        assert beach["views"]["median"] == 600
        assert beach["interactions"] == {"n": 5, "median": 30, "q1": 20, "q3": 40, "min": 10, "max": 100}

    async def test_an_even_sample_takes_the_middle_two(self, client, session, me):
        signed, user, account = me
        for reach in (10, 20, 30, 50):
            await published(session, user, account, caption="#dusk", numbers={"reach": reach})
        dusk = by_tag(await report(client, signed.headers))["dusk"]
        assert dusk["reach"] == {"n": 4, "median": 25, "q1": 17.5, "q3": 35, "min": 10, "max": 50}
        assert dusk["views"] == {"n": 0, "median": None, "q1": None, "q3": None, "min": None, "max": None}

    async def test_interactions_add_up_the_parts_when_the_total_is_not_stored(self, client, session, me):
        signed, user, account = me
        numbers = {"reach": 50, "likes": 7, "comments": 2, "saved": 1}
        await published(session, user, account, caption="#cake", numbers=numbers)
        assert by_tag(await report(client, signed.headers))["cake"]["interactions"]["median"] == 10

    async def test_a_post_without_stored_numbers_counts_but_is_not_measured(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="#fog", numbers={"reach": 80})
        await published(session, user, account, caption="#fog")
        fog = by_tag(await report(client, signed.headers))["fog"]
        assert (fog["posts"], fog["measured"], fog["reach"]["n"], fog["reach"]["median"]) == (2, 1, 1, 80)
        assert [post["reach"] for post in fog["items"]] == [None, 80]  # same time: the later post first


class TestHashtags:
    async def test_case_makes_no_difference(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="Trip #Travel", numbers={"reach": 10})
        await published(session, user, account, caption="Again #travel #TRAVEL", numbers={"reach": 30})
        tags = by_tag(await report(client, signed.headers))
        assert list(tags) == ["travel"]
        assert (tags["travel"]["posts"], tags["travel"]["reach"]["median"]) == (2, 20)

    async def test_unicode_hashtags_and_what_instagram_does_not_link(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="#Café #ÉTÉ #2024 mail@x.com#nope &#35; #under_score")
        assert set(by_tag(await report(client, signed.headers))) == {"café", "été", "under_score"}

    async def test_the_hashtags_list_and_a_posted_first_comment_count(self, client, session, me):
        signed, user, account = me
        await published(
            session,
            user,
            account,
            caption="Morning #sun",
            hashtags=["Coffee"],
            first_comment="#sun #Brunch",
            numbers={"reach": 5},
        )
        tags = by_tag(await report(client, signed.headers))
        assert set(tags) == {"sun", "coffee", "brunch"}
        assert tags["sun"]["posts"] == 1  # in both places, counted once
        assert tags["sun"]["items"][0]["found_in"] == ["caption", "first_comment"]
        assert tags["brunch"]["items"][0]["found_in"] == ["first_comment"]
        assert tags["coffee"]["items"][0]["found_in"] == ["caption"]

    async def test_a_first_comment_never_posted_does_not_count(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="x", first_comment="#ghost", comment_posted=False)
        assert by_tag(await report(client, signed.headers)) == {}

    async def test_only_published_posts_that_are_not_removed_or_stories(self, client, session, me):
        signed, user, account = me
        await create_post(session, user=user, account=account, caption="#draft", status=PostStatus.DRAFT)
        await published(session, user, account, caption="#gone", removed_at=DAY)
        await published(session, user, account, caption="#story", media_type=MediaType.STORIES)
        await published(session, user, account, caption="#kept")
        assert set(by_tag(await report(client, signed.headers))) == {"kept"}


class TestLowSample:
    async def test_fewer_than_five_measured_posts_is_a_low_sample(self, client, session, me):
        signed, user, account = me
        for _ in range(4):
            await published(session, user, account, caption="#few #many", numbers={"reach": 1})
        await published(session, user, account, caption="#many", numbers={"reach": 1})
        await published(session, user, account, caption="#few")  # posted but not measured
        body = await report(client, signed.headers)
        tags = by_tag(body)
        assert body["low_sample_below"] == 5
        assert (tags["many"]["measured"], tags["many"]["low_sample"]) == (5, False)
        assert (tags["few"]["posts"], tags["few"]["measured"], tags["few"]["low_sample"]) == (5, 4, True)


class TestFiltersAndSort:
    async def test_account_and_date_range(self, client, session, me):
        signed, user, account = me
        other = await create_account(session, user=user)
        await published(session, user, account, caption="#early", at=DAY - timedelta(days=10))
        await published(session, user, account, caption="#inside", at=DAY)
        await published(session, user, other, caption="#elsewhere", at=DAY)
        everything = await report(client, signed.headers)
        assert set(by_tag(everything)) == {"early", "inside", "elsewhere"}
        one = await report(
            client, signed.headers, account_id=account.id, since="2026-03-05", until="2026-03-10"
        )
        assert set(by_tag(one)) == {"inside"}
        assert (one["account_id"], one["scanned_posts"]) == (account.id, 1)

    async def test_sorts_by_median_then_name(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="#low #zzz", numbers={"reach": 10})
        await published(session, user, account, caption="#high", numbers={"reach": 99})
        await published(session, user, account, caption="#none")
        by_reach = await report(client, signed.headers, sort="reach")
        assert [h["hashtag"] for h in by_reach["hashtags"]] == ["high", "low", "zzz", "none"]
        by_name = await report(client, signed.headers, sort="hashtag")
        assert [h["hashtag"] for h in by_name["hashtags"]] == ["high", "low", "none", "zzz"]

    @pytest.mark.parametrize(
        "params",
        [
            {"since": "2026-03-10", "until": "2026-03-01"},
            {"since": "2020-01-01", "until": "2026-01-01"},
            {"since": "yesterday"},
            {"sort": "likes"},
            {"limit": 0},
            {"limit": 201},
            {"account_id": 0},
        ],
    )
    async def test_bad_filters_are_a_422(self, client, me, params):
        signed, _, _ = me
        response = await client.get(API, params=params, headers=signed.headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "InvalidInput"


class TestBounds:
    async def test_scans_at_most_the_newest_posts(self, client, session, me, monkeypatch):
        signed, user, account = me
        monkeypatch.setattr(performance, "MAX_POSTS", 3)
        for day in range(5):
            await published(session, user, account, caption=f"#day{day}", at=DAY + timedelta(days=day))
        body = await report(client, signed.headers)
        assert (body["scanned_posts"], body["truncated"]) == (3, True)
        assert set(by_tag(body)) == {"day2", "day3", "day4"}

    async def test_limits_the_hashtags_and_the_posts_listed(self, client, session, me, monkeypatch):
        signed, user, account = me
        monkeypatch.setattr(performance, "MAX_POSTS_LISTED", 2)
        for index in range(4):
            await published(
                session, user, account, caption=f"#common #only{index}", at=DAY + timedelta(hours=index)
            )
        body = await report(client, signed.headers, limit=2)
        assert (body["total_hashtags"], len(body["hashtags"])) == (5, 2)
        common = by_tag(body)["common"]
        assert common["posts"] == 4
        assert len(common["items"]) == 2
        assert common["items"][0]["published_at"] > common["items"][1]["published_at"]  # newest first


class TestPrivacy:
    async def test_another_users_posts_and_account_are_not_visible(self, client, session, signup, me):
        signed, user, account = me
        await published(session, user, account, caption="#mine", numbers={"reach": 1})
        stranger = await signup(client)
        assert (await report(client, stranger.headers))["hashtags"] == []
        response = await client.get(API, params={"account_id": account.id}, headers=stranger.headers)
        assert response.status_code == 404
        csv_response = await client.get(
            f"{API}.csv", params={"account_id": account.id}, headers=stranger.headers
        )
        assert csv_response.status_code == 404

    async def test_needs_sign_in(self, client):
        assert (await client.get(API)).status_code == 401
        assert (await client.get(f"{API}.csv")).status_code == 401


class TestCsv:
    async def test_a_hashtag_row_then_its_post_rows(self, client, session, me):
        signed, user, account = me
        for reach in (10, 20, 30):
            await published(session, user, account, caption="#tea", numbers={"reach": reach, "views": 5})
        response = await client.get(f"{API}.csv", params={"account_id": account.id}, headers=signed.headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"] == (
            f'attachment; filename="hashtag-performance-{account.id}.csv"'
        )
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["scope"] for row in rows] == ["hashtag", "post", "post", "post"]
        summary = rows[0]
        assert (summary["hashtag"], summary["posts"], summary["measured"], summary["low_sample"]) == (
            "tea",
            "3",
            "3",
            "true",
        )
        assert (summary["reach_median"], summary["reach_q1"], summary["reach_q3"]) == ("20", "15", "25")
        assert summary["interactions_median"] == ""
        assert sorted(row["reach"] for row in rows[1:]) == ["10", "20", "30"]
        assert all(
            row["found_in"] == "caption" and row["permalink"].startswith("https://") for row in rows[1:]
        )

    async def test_cells_cannot_become_formulas(self, client, session, me):
        signed, user, account = me
        await published(session, user, account, caption="#safe", platform_url='=HYPERLINK("http://evil")')
        await published(session, user, account, caption="#safe", platform_url="@SUM(1+1)")
        response = await client.get(f"{API}.csv", headers=signed.headers)
        assert response.headers["content-disposition"] == 'attachment; filename="hashtag-performance-all.csv"'
        links = {
            row["permalink"] for row in csv.DictReader(io.StringIO(response.text)) if row["scope"] == "post"
        }
        assert links == {'\'=HYPERLINK("http://evil")', "'@SUM(1+1)"}
