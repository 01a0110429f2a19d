"""A post Instagram has not confirmed: the post page says what is being done and when the next check is,
"Check now" asks for a check at once, and the post is confirmed (exactly once) when Instagram answers
again. The lost publish answer and the failing media listing are faults injected in the sandbox."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg

PUBLISH_TIMEOUT_MS = 60_000


@pytest.mark.timeout(150)
def test_an_unconfirmed_post_shows_the_next_check_and_can_be_checked_now(
    page: Page, admin: httpx.Client
) -> None:
    sign_up_via_api(page, "unconfirmed")
    account = connect_via_api(page, "sandbox.creator")
    clip = upload_via_api(page, "harbour.jpg", jpeg(1080, 1080), "image/jpeg")
    lost = {"path": ".*/media_publish$", "method": "POST", "times": 1, "action": "drop_after"}
    unlisted = {"path": r".*/\d+/media$", "method": "GET", "times": None, "code": 2, "http_status": 503,
                "is_transient": True}  # fmt: skip
    for rule in (lost, unlisted):
        assert admin.post("/faults", json=rule).status_code == 201
    draft = {"platform": "instagram", "media_type": "IMAGE", "account_id": account["id"],
             "clip_id": clip["id"], "caption": "Harbour at dawn"}  # fmt: skip
    post = api_post(page, "/api/v1/social/", draft, status=201)
    page.goto(f"/posts/{post['id']}")
    page.get_by_role("button", name="Publish now").click()

    expect(page.get_by_label("Status: unconfirmed")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    waiting = page.get_by_role("status", name="Waiting for Instagram")
    expect(waiting).to_contain_text("Asking Instagram whether the publish call went through")
    expect(waiting).to_contain_text(re.compile(r"Next check: \d"))
    screenshot(page, "post-unconfirmed")

    waiting.get_by_role("button", name="Check now").click()
    timeline = page.get_by_role("list", name="Status timeline")
    expect(timeline.get_by_text("Check requested", exact=True)).to_be_visible()

    assert admin.delete("/faults").is_success
    expect(page.get_by_label("Status: published")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    expect(page.get_by_role("link", name="View on Instagram")).to_have_attribute(
        "href", re.compile(r"/sandbox/p/")
    )
    stored = page.request.get(f"/api/v1/social/{post['id']}").json()
    published = admin.get(f"/published?ig_user_id={account['platform_account_id']}").json()
    assert stored["status"] == "published"
    assert [item["media_id"] for item in published["accounts"][account["platform_account_id"]]] == [
        stored["platform_post_id"]
    ]
