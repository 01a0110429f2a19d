"""Hashtag research in a browser: the searches left, a search and its top/recent posts with counts, a saved
group, and that group inserted into a caption in the composer; the performance of our own published posts'
hashtags. The account is connected, and the post published, through the API."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg

PUBLISH_TIMEOUT_S = 60


@pytest.mark.timeout(120)
def test_a_hashtag_is_searched_saved_in_a_group_and_inserted_into_a_caption(page: Page) -> None:
    sign_up_via_api(page, "hashtags")
    connect_via_api(page, "sandbox.creator")
    page.goto("/hashtags")
    allowance = page.get_by_role("status", name="Hashtag searches left")
    expect(allowance).to_contain_text("30 of 30")

    page.get_by_label("Hashtag", exact=True).fill("#Travel")
    page.get_by_role("button", name="Search").click()
    top = page.get_by_role("list", name="Top posts for #travel")
    expect(top.get_by_role("listitem")).to_have_count(12)
    expect(top.get_by_role("listitem").first).to_contain_text(re.compile(r"[\d,]+ likes"))
    expect(top.get_by_role("listitem").first).to_contain_text(re.compile(r"[\d,]+ comments"))
    expect(allowance).to_contain_text("29 of 30")
    expect(allowance).to_contain_text("The next one frees up")
    page.get_by_role("radio", name="Last 24 hours").check()
    expect(
        page.get_by_role("list", name="Recent posts for #travel").get_by_role("listitem").first
    ).to_be_visible()
    screenshot(page, "hashtags-search")

    page.get_by_role("button", name="Add to new group").click()
    page.get_by_label("Group hashtags", exact=True).fill("wanderlust")
    page.get_by_role("button", name="Add group hashtags").click()
    page.get_by_label("Group name").fill("Trips")
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("listitem", name="Group Trips")).to_contain_text("#travel #wanderlust")

    page.goto("/compose")
    caption = page.get_by_label("Caption")
    caption.fill("Beach day")
    page.get_by_label("Saved hashtag group").select_option(label="Trips (2)")
    page.get_by_role("button", name="Insert into caption").click()
    expect(caption).to_have_value("Beach day\n#travel #wanderlust")
    expect(page.get_by_text("2 / 30 hashtags")).to_be_visible()
    screenshot(page, "hashtags-group-in-caption")


def wait_until_published(page: Page, post_id: int) -> dict[str, Any]:
    """The post once the worker has published it and posted its first comment."""
    deadline = time.monotonic() + PUBLISH_TIMEOUT_S
    while time.monotonic() < deadline:
        post: dict[str, Any] = page.request.get(f"/api/v1/social/{post_id}").json()
        if post["status"] == "published" and post["first_comment_id"]:
            return post
        assert post["status"] not in {"failed", "unconfirmed"}, post
        time.sleep(0.5)
    raise AssertionError(f"post {post_id} was not published in {PUBLISH_TIMEOUT_S} s")


@pytest.mark.timeout(150)
def test_the_performance_table_shows_our_hashtags_with_their_numbers(page: Page) -> None:
    sign_up_via_api(page, "hashperf")
    account = connect_via_api(page, "sandbox.creator")
    clip = upload_via_api(page, "harbour.jpg", jpeg(1080, 1080), "image/jpeg")
    draft = {
        "platform": "instagram",
        "media_type": "IMAGE",
        "account_id": account["id"],
        "clip_id": clip["id"],
        "caption": "Harbour at dawn #Travel",
        "options": {"first_comment": "#boats #travel"},
    }
    post = api_post(page, "/api/v1/social/", draft, status=201)
    api_post(page, f"/api/v1/social/{post['id']}/publish", status=202)
    media_id = wait_until_published(page, post["id"])["platform_post_id"]
    # What Analytics does when it reads a post: its lifetime numbers are stored.
    insights = page.request.get(f"/api/v1/instagram/media/{media_id}/insights").json()
    reach = insights["metrics"]["reach"]

    page.goto("/hashtags")
    table = page.get_by_role("table", name="Hashtag performance")
    travel = table.get_by_role("row", name="#travel")
    expect(travel).to_contain_text("Low sample")
    expect(travel.get_by_role("cell", name="Median reach")).to_contain_text(f"{reach:,}")
    expect(table.get_by_role("row", name="#boats")).to_be_visible()
    travel.get_by_role("button", name="Show posts with #travel").click()
    posts = page.get_by_role("list", name="Posts with #travel")
    expect(posts.get_by_role("listitem")).to_have_count(1)
    expect(posts).to_contain_text("in caption and first comment")
    expect(posts.get_by_role("link", name="View on Instagram")).to_have_attribute(
        "href", re.compile(r"/sandbox/p/")
    )
    screenshot(page, "hashtags-performance")

    export = page.get_by_role("link", name="Export CSV")
    href = export.get_attribute("href")
    assert href == "/api/v1/hashtags/performance.csv?sort=posts"
    page.get_by_label("Sort by").select_option(label="Hashtag")
    expect(table.get_by_role("row").nth(1)).to_have_attribute("aria-label", "#boats")
    expect(export).to_have_attribute("href", "/api/v1/hashtags/performance.csv?sort=hashtag")
    rows = page.request.get(export.get_attribute("href") or "").text().splitlines()
    assert rows[1].startswith("hashtag,boats,1,1,true,")
    assert rows[-1].startswith("post,travel,")
