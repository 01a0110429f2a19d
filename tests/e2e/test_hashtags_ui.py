"""Hashtag research in a browser: the searches left, a search and its top/recent posts with counts, a saved
group, and that group inserted into a caption in the composer. The account is connected through the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import connect_via_api, screenshot, sign_up_via_api


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
