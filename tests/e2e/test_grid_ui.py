"""The grid preview in a browser: scheduled posts (marked with their times) ahead of the account's published
media, a story apart; two posts' times swapped from the keyboard (Select, Swap with), then by dragging one
tile onto another, each checked through the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg


def schedule(page: Page, account_id: int, clip_id: int, caption: str, days: int, **extra: Any) -> int:
    at = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()
    body = {"account_id": account_id, "clip_id": clip_id, "caption": caption, "scheduled_for": at, **extra}
    post: dict[str, Any] = api_post(page, "/api/v1/social/", body, status=201)
    return int(post["id"])


def times(page: Page, *post_ids: int) -> list[str]:
    return [page.request.get(f"/api/v1/social/{post_id}").json()["scheduled_for"] for post_id in post_ids]


def expect_order(scheduled: Locator, captions: list[str]) -> None:
    for index, caption in enumerate(captions):
        expect(scheduled.nth(index)).to_have_attribute("aria-label", re.compile(f"^Scheduled: {caption}, "))


@pytest.mark.timeout(120)
def test_the_grid_shows_scheduled_and_published_tiles_and_swaps_times(page: Page) -> None:
    sign_up_via_api(page, "grid")
    account = connect_via_api(page, "sandbox.creator")
    photo = upload_via_api(page, "photo.jpg", jpeg(1080, 1350), "image/jpeg")["id"]
    story_clip = upload_via_api(page, "story.jpg", jpeg(360, 640), "image/jpeg")["id"]
    sunrise = schedule(page, account["id"], photo, "Sunrise", 1)
    noon = schedule(page, account["id"], photo, "Noon", 2)
    sunset = schedule(page, account["id"], photo, "Sunset", 3)
    schedule(page, account["id"], story_clip, "", 1, media_type="STORIES")

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grid").click()
    grid = page.get_by_role("list", name="Profile grid")
    scheduled = grid.get_by_role("listitem").filter(has_text=re.compile("Select"))
    published = grid.get_by_role("listitem").filter(has=page.get_by_role("link", name="View on Instagram"))
    expect(scheduled).to_have_count(3)
    expect_order(scheduled, ["Sunset", "Noon", "Sunrise"])
    # Published tiles follow the scheduled ones: the sandbox account's own media.
    expect(published.first).to_be_visible()
    assert published.count() >= 3
    assert (grid.get_by_role("listitem").nth(3).get_attribute("aria-label") or "").startswith("Published: ")
    expect(page.get_by_role("list", name="Scheduled stories").get_by_role("listitem")).to_have_count(1)
    screenshot(page, "grid-preview")

    # Keyboard: select Sunrise, then swap it with Sunset.
    before = times(page, sunrise, sunset)
    page.get_by_role("button", name="Select “Sunrise” to swap").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Swap times")).to_contain_text("Selected: Sunrise")
    swap_with = page.get_by_label("Swap with")
    expect(swap_with).to_be_focused()
    swap_with.select_option(str(sunset))
    page.get_by_role("button", name="Swap times").focus()
    page.keyboard.press("Enter")
    expect_order(scheduled, ["Sunrise", "Noon", "Sunset"])
    expect(page.get_by_role("group", name="Swap times")).to_have_count(0)
    expect(page.get_by_role("button", name="Select “Sunrise” to swap")).to_be_focused()
    assert times(page, sunrise, sunset) == before[::-1]
    screenshot(page, "grid-swapped-from-keyboard")

    # Escape leaves a selection and gives the focus back.
    page.get_by_role("button", name="Select “Noon” to swap").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Swap with")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("group", name="Swap times")).to_have_count(0)
    expect(page.get_by_role("button", name="Select “Noon” to swap")).to_be_focused()

    # Drag: Noon onto Sunset.
    before = times(page, noon, sunset)
    scheduled.nth(1).drag_to(scheduled.nth(2))
    expect_order(scheduled, ["Sunrise", "Sunset", "Noon"])
    assert times(page, noon, sunset) == before[::-1]
