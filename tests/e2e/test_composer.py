"""The composer in a browser: a carousel picked and reordered and published now, the caption limit shown by
the field, one post per chosen account, the preview following what is typed. Accounts and clips are
seeded through the API (their own pages are covered by test_story and test_accounts)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.browser import BROWSER_TZ, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg, png

PUBLISH_TIMEOUT_MS = 60_000


def photos(page: Page, count: int) -> list[dict[str, Any]]:
    """`count` JPEGs in the library, named photo-01.jpg …, each its own colour."""
    return [
        upload_via_api(
            page, f"photo-{n:02d}.jpg", jpeg(1080, 1080, color=(20 * n, 90, 200 - 10 * n)), "image/jpeg"
        )
        for n in range(1, count + 1)
    ]


def clip_button(page: Page, name: str) -> Any:
    return page.get_by_role("group", name="Clips").get_by_role("button", name=name, exact=True)


def carousel_order(page: Page) -> list[str]:
    items = page.get_by_role("list", name="Carousel order").get_by_role("listitem").all_inner_texts()
    return [re.sub(r"^\d+\.\s*|[←→]", "", item).strip() for item in items]


@pytest.mark.timeout(120)
def test_a_carousel_is_picked_reordered_capped_at_ten_and_published_now(page: Page) -> None:
    sign_up_via_api(page, "carousel")
    connect_via_api(page, "sandbox.creator")
    clips = photos(page, 11)
    page.goto("/compose")
    page.get_by_role("radio", name="Carousel").check()
    for name in ("photo-01", "photo-02", "photo-03"):
        clip_button(page, name).click()
    expect(page.get_by_text("3 of 10 selected.")).to_be_visible()
    order = page.get_by_role("list", name="Carousel order")
    order.get_by_role("listitem").nth(2).drag_to(order.get_by_role("listitem").nth(0))
    expect(order.get_by_role("listitem").first).to_contain_text("photo-03")
    assert carousel_order(page) == ["photo-03", "photo-01", "photo-02"]

    for n in range(4, 11):
        clip_button(page, f"photo-{n:02d}").click()
    expect(page.get_by_text("10 of 10 selected.")).to_be_visible()
    eleventh = clip_button(page, "photo-11")
    expect(eleventh).to_have_attribute("aria-disabled", "true")
    eleventh.click(force=True)  # clicked anyway: refused
    expect(page.get_by_text("10 of 10 selected.")).to_be_visible()
    expect(eleventh).to_have_attribute("aria-pressed", "false")
    expect(eleventh).to_have_accessible_description(re.compile("at most 10 clips"))
    expect(page.get_by_role("status").filter(has_text="A carousel holds at most 10 clips")).to_be_visible()
    screenshot(page, "composer-carousel-full")
    for n in range(4, 11):  # back to three, to keep the publish short
        clip_button(page, f"photo-{n:02d}").click()
    expect(page.get_by_text("3 of 10 selected.")).to_be_visible()

    page.get_by_label("Caption").fill("Three frames from the coast")
    page.get_by_role("radio", name="Publish now").check()
    page.get_by_role("button", name="Publish now").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    expect(page.get_by_label("Status: published")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    expect(page.get_by_role("link", name="View on Instagram")).to_be_visible()
    post = page.request.get(f"/api/v1/social/{page.url.rsplit('/', 1)[1]}").json()
    assert post["media_type"] == "CAROUSEL"
    assert post["clip_ids"] == [clips[2]["id"], clips[0]["id"], clips[1]["id"]]
    screenshot(page, "composer-carousel-published")


def test_a_caption_over_the_limit_shows_the_error_by_the_caption(page: Page) -> None:
    sign_up_via_api(page, "caption")
    connect_via_api(page, "sandbox.creator")
    photos(page, 1)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    clip_button(page, "photo-01").click()
    caption = page.get_by_label("Caption")
    caption.fill("x" * 2201)
    expect(page.get_by_text("2201 / 2200 characters")).to_be_visible()
    page.get_by_role("button", name="Schedule post").click()

    expect(caption).to_have_attribute("aria-invalid", "true")
    expect(caption).to_have_accessible_description("Instagram allows 2200 characters.")
    expect(page.get_by_role("alert").filter(has_text="Instagram allows 2200 characters.")).to_be_visible()
    screenshot(page, "composer-caption-too-long")
    assert page.request.get("/api/v1/social/").json()["items"] == []
    expect(page).to_have_url(re.compile(r"/compose$"))


def test_two_accounts_get_one_post_each(page: Page) -> None:
    sign_up_via_api(page, "two-accounts")
    creator = connect_via_api(page, "sandbox.creator")
    studio = connect_via_api(page, "sandbox.studio")
    photos(page, 1)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    accounts = page.get_by_role("group", name="Accounts")
    accounts.get_by_role("checkbox", name="@sandbox.creator").check()
    accounts.get_by_role("checkbox", name="@sandbox.studio").check()
    clip_button(page, "photo-01").click()
    page.get_by_label("Caption").fill("Same photo, both accounts")
    page.get_by_role("button", name="Schedule post").click()

    expect(page).to_have_url(re.compile(r"/calendar$"))
    expect(page.get_by_role("link", name=re.compile("Same photo, both accounts"))).to_have_count(2)
    posts = page.request.get("/api/v1/social/").json()["items"]
    assert sorted(post["account_id"] for post in posts) == sorted([creator["id"], studio["id"]])
    assert {post["status"] for post in posts} == {"scheduled"}
    screenshot(page, "composer-two-accounts-calendar")


def test_the_preview_follows_the_caption_and_a_single_account_can_be_unticked(page: Page) -> None:
    sign_up_via_api(page, "preview")
    connect_via_api(page, "sandbox.creator")
    photos(page, 1)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    clip_button(page, "photo-01").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("@sandbox.creator")
    page.get_by_label("Caption").fill("Golden hour at the pier")
    page.get_by_label("Hashtags", exact=True).fill("sunset")
    page.get_by_role("button", name="Add hashtags").click()
    expect(preview).to_contain_text("Golden hour at the pier #sunset")
    screenshot(page, "composer-preview")

    only_account = page.get_by_role("group", name="Accounts").get_by_role("checkbox", name="@sandbox.creator")
    expect(only_account).to_be_checked()
    only_account.uncheck()
    expect(only_account).not_to_be_checked()
    page.get_by_role("button", name="Schedule post").click()
    expect(page.get_by_role("group", name="Accounts").get_by_role("alert")).to_have_text(
        "Choose at least one account."
    )


def test_a_clip_that_does_not_fit_the_media_type_is_refused_by_the_clip_field(page: Page) -> None:
    sign_up_via_api(page, "unfit")
    connect_via_api(page, "sandbox.creator")
    upload_via_api(page, "diagram.png", png(1080, 1080), "image/png")
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    page.get_by_role("group", name="Clips").get_by_role("button", name="diagram (needs conforming)").click()
    page.get_by_role("button", name="Schedule post").click()

    clip_field = page.get_by_role("group", name="Clip", exact=True)
    expect(clip_field.get_by_role("alert")).to_contain_text("diagram is not ready for this media type")
    expect(clip_field.get_by_role("alert")).to_contain_text("Conform it on the Clips page.")
    screenshot(page, "composer-clip-not-ready")
    assert page.request.get("/api/v1/social/").json()["items"] == []


def test_a_server_reason_shows_next_to_its_field(page: Page) -> None:
    """The composer does not cap collaborators itself: the server's reason shows by that field."""
    sign_up_via_api(page, "collaborators")
    connect_via_api(page, "sandbox.creator")
    photos(page, 1)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    clip_button(page, "photo-01").click()
    page.get_by_label("Collaborators", exact=True).fill("ann bob cat dan")
    page.get_by_role("button", name="Add collaborators").click()
    page.get_by_role("button", name="Schedule post").click()

    collaborators = page.get_by_label("Collaborators", exact=True)
    expect(collaborators).to_have_attribute("aria-invalid", "true")
    expect(collaborators).to_have_accessible_description(re.compile("at most 3 collaborators can be invited"))
    screenshot(page, "composer-server-field-error")
    assert page.request.get("/api/v1/social/").json()["items"] == []


def test_an_option_typed_for_another_media_type_is_not_sent(page: Page) -> None:
    """Alt text typed on an Image stays behind when the post becomes a Carousel (which has no alt text)."""
    sign_up_via_api(page, "options-by-type")
    connect_via_api(page, "sandbox.creator")
    photos(page, 2)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    page.get_by_label("Alt text").fill("A pier at dawn")
    page.get_by_role("radio", name="Carousel").check()
    expect(page.get_by_label("Alt text")).to_have_count(0)
    for name in ("photo-01", "photo-02"):
        clip_button(page, name).click()
    page.get_by_role("button", name="Schedule post").click()

    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    post = page.request.get(f"/api/v1/social/{page.url.rsplit('/', 1)[1]}").json()
    assert post["media_type"] == "CAROUSEL"
    assert "alt_text" not in (post["options"] or {})


def test_a_time_that_just_passed_is_sent_as_chosen_and_an_older_one_is_refused(page: Page) -> None:
    """Seconds lost while submitting do not make the page refuse the time: it sends it unchanged (the server
    treats it as due now); a time minutes ago is refused by the field."""
    sign_up_via_api(page, "just-passed")
    connect_via_api(page, "sandbox.creator")
    photos(page, 1)
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    clip_button(page, "photo-01").click()
    date_and_time = page.get_by_label("Date and time")

    long_ago = datetime.now(BROWSER_TZ).replace(microsecond=0) - timedelta(minutes=5)
    date_and_time.fill(f"{long_ago:%Y-%m-%dT%H:%M:%S}")
    page.get_by_role("button", name="Schedule post").click()
    expect(date_and_time).to_have_accessible_description(re.compile("Pick a time in the future."))

    just_passed = datetime.now(BROWSER_TZ).replace(microsecond=0) - timedelta(seconds=20)
    date_and_time.fill(f"{just_passed:%Y-%m-%dT%H:%M:%S}")
    with page.expect_request(is_post_creation) as sent:
        page.get_by_role("button", name="Schedule post").click()
    body = sent.value.post_data_json
    assert datetime.fromisoformat(body["scheduled_for"]) == just_passed
    expect(page.get_by_text("Pick a time in the future.")).to_have_count(0)


def is_post_creation(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/v1/social/")
