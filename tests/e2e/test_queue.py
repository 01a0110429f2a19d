"""The posting queue in a browser: a weekly slot added on the Queue page, two posts added to the queue from
the composer, then reordered with the keyboard (Move up): the times stay, the posts swap."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg


def add_to_queue(page: Page, caption: str) -> None:
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    page.get_by_role("group", name="Clips").get_by_role("button", name="photo", exact=True).click()
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("radio", name="Add to queue").check()
    page.get_by_role("button", name="Add to queue").click()
    expect(page).to_have_url(re.compile(r"/queue\?account=\d+$"))


@pytest.mark.timeout(120)
def test_two_posts_are_queued_into_slots_and_reordered_from_the_keyboard(page: Page) -> None:
    sign_up_via_api(page, "queue")
    account = connect_via_api(page, "sandbox.creator")
    upload_via_api(page, "photo.jpg", jpeg(1080, 1080), "image/jpeg")

    page.goto("/queue")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    slots = page.get_by_role("list", name="Time slots")
    page.get_by_label("Day").select_option("Wednesday")
    page.get_by_label("Time", exact=True).fill("09:30")
    page.get_by_role("button", name="Add slot").click()
    expect(slots.get_by_role("listitem")).to_have_text(["Wednesday 09:30"])
    expect(page.get_by_text("The queue is empty")).to_be_visible()

    add_to_queue(page, "Sunrise first")
    add_to_queue(page, "Sunset second")

    queued = page.get_by_role("list", name="Queued posts").get_by_role("listitem")
    expect(queued).to_have_count(2)
    expect(queued.nth(0)).to_contain_text("Sunrise first")
    expect(queued.nth(1)).to_contain_text("Sunset second")
    expect(queued.nth(0)).to_contain_text("09:30")
    times = [item.locator("strong").inner_text() for item in queued.all()]
    assert times[0] != times[1]
    screenshot(page, "queue-two-posts")

    up = page.get_by_role("button", name="Move “Sunset second” up")
    up.focus()
    page.keyboard.press("Enter")
    expect(queued.nth(0)).to_contain_text("Sunset second")
    expect(queued.nth(1)).to_contain_text("Sunrise first")
    assert [item.locator("strong").inner_text() for item in queued.all()] == times
    # The focus stays with the moved post (its Move up is disabled at the top).
    expect(page.get_by_role("button", name="Move “Sunset second” down")).to_be_focused()
    screenshot(page, "queue-reordered")

    queue = page.request.get(f"/api/v1/accounts/{account['id']}/queue").json()
    assert [post["caption"] for post in queue["posts"]] == ["Sunset second", "Sunrise first"]
    assert queue["timezone"] == "Europe/Paris"
    posts = {post["caption"]: post for post in page.request.get("/api/v1/social/").json()["items"]}
    assert posts["Sunset second"]["scheduled_for"] < posts["Sunrise first"]["scheduled_for"]
    assert all(post["queued"] and post["status"] == "scheduled" for post in posts.values())
