"""A refused post's 422 names the request field each reason is about, as a request validation 422 does."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.media_factory import jpeg, mp4
from tests.social.publish_helpers import Publisher


def _fields(response: httpx.Response) -> list[tuple[str | None, str]]:
    assert response.status_code == 422, response.text
    return [(entry["field"], entry["message"]) for entry in response.json()["fields"]]


async def _reel(publisher: Publisher) -> int:
    return await publisher.clip(*(mp4(90, 160), "reel.mp4"))


async def test_each_reason_is_tied_to_the_field_it_is_about(publisher: Publisher) -> None:
    reel = await _reel(publisher)
    tags = [f"tag{i}" for i in range(31)]
    response = await publisher.create(
        media_type="REELS",
        clip_id=reel,
        hashtags=tags,
        scheduled_for="2031-05-01T09:00:00",
        options={
            "collaborators": ["ann", "bob", "cat", "dan"],
            "alt_text": "a reel",
            "cover_clip_id": 999_999,
            "user_tags": [{"username": "ann", "x": 1.5}],
        },
    )

    assert _fields(response) == [
        ("options.cover_clip_id", "cover clip 999999 was not found in your library"),
        ("hashtags", "caption has 31 hashtags; at most 30 are allowed"),
        ("options.alt_text", "option 'alt_text' is not available for REELS posts"),
        ("options.user_tags", "user tag 1 (@ann): x must be between 0 and 1"),
        ("options.collaborators", "at most 3 collaborators can be invited"),
        (
            "scheduled_for",
            "scheduled_for 2031-05-01T09:00:00 has no UTC offset: add one, "
            "e.g. 2026-05-01T09:00:00+02:00 or 2026-05-01T07:00:00Z",
        ),
    ]


async def test_detail_and_reasons_are_unchanged_and_every_reason_has_its_field(publisher: Publisher) -> None:
    reel = await _reel(publisher)
    response = await publisher.create(
        media_type="REELS", clip_id=reel, caption="@x " * 21, options={"thumb_offset_ms": 600_000}
    )
    body = response.json()

    assert [message for _field, message in _fields(response)] == body["reasons"]
    assert body["error"] == "PostInvalid"
    assert body["detail"] == "The post cannot be published as asked: " + "; ".join(body["reasons"]) + "."
    assert [field for field, _message in _fields(response)] == ["options.thumb_offset_ms", "caption"]


async def test_clip_and_account_reasons_name_the_field_the_request_used(publisher: Publisher) -> None:
    photo = await publisher.clip(*(jpeg(1080, 1080), "photo.jpg"))
    response = await publisher.create(
        account_id=None,
        account_ids=[publisher.account["id"], 999_999],
        media_type="CAROUSEL",
        clip_ids=[photo],
    )

    # The first account's reasons come first: the clip reason, then the unknown second account.
    assert _fields(response) == [
        ("clip_ids", "a carousel needs 2 to 10 clips (clip_ids), not 1"),
        ("account_ids", "account 999999 was not found among your connected accounts"),
    ]


async def test_a_single_clip_and_account_are_named_in_the_singular(publisher: Publisher) -> None:
    response = await publisher.create(account_id=999_999, media_type="IMAGE", clip_id=888_888)

    assert _fields(response) == [
        ("account_id", "account 999999 was not found among your connected accounts"),
        ("clip_id", "clip 888888 was not found in your library"),
    ]


async def test_an_option_on_the_wrong_media_type_names_that_option(publisher: Publisher) -> None:
    photo = await publisher.clip(*(jpeg(1080, 1920), "story.jpg"))
    options: dict[str, Any] = {"first_comment": "hi", "share_to_feed": True, "trial_graduation": "MANUAL"}
    response = await publisher.create(media_type="STORIES", clip_id=photo, options=options)

    assert _fields(response) == [
        ("options.share_to_feed", "option 'share_to_feed' is not available for STORIES posts"),
        ("options.first_comment", "option 'first_comment' is not available for STORIES posts"),
        ("options.trial_graduation", "option 'trial_graduation' is not available for STORIES posts"),
    ]
