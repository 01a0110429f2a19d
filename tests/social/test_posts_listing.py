"""Posts for several accounts at once, the list's filters and cursor paging, and bulk creation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram
from tests.social.publish_helpers import API, Publisher
from tests.social.test_publishing import carousel_waiting_on_its_video

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)


def _at(hours: float) -> str:
    return (SOON + timedelta(hours=hours)).isoformat()


@pytest.fixture
async def second_account(publisher: Publisher) -> dict[str, Any]:
    """The sandbox world's other IG account, connected for the same user."""
    other = "sandbox.studio" if publisher.account["username"] != "sandbox.studio" else "sandbox.creator"
    account: dict[str, Any] = await connect_instagram(publisher.client, publisher.headers, username=other)
    return account


async def _listed(publisher: Publisher, **params: Any) -> httpx.Response:
    response = await publisher.client.get(API, params=params, headers=publisher.headers)
    return response


async def _ids(publisher: Publisher, **params: Any) -> list[int]:
    response = await _listed(publisher, **params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _created(publisher: Publisher, **body: Any) -> int:
    response = await publisher.create(**body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class TestMultiAccount:
    async def test_one_request_makes_one_post_per_account(
        self, publisher: Publisher, second_account: dict[str, Any]
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        accounts = [publisher.account["id"], second_account["id"]]

        response = await publisher.create(
            account_id=None, account_ids=accounts, media_type="IMAGE", clip_id=clip_id, scheduled_for=_at(1)
        )

        assert response.status_code == 201, response.text
        items = response.json()["items"]
        assert [item["account_id"] for item in items] == accounts
        assert {item["status"] for item in items} == {"scheduled"}
        assert len({item["id"] for item in items}) == 2
        for item in items:
            assert await _ids(publisher, account_id=item["account_id"]) == [item["id"]]

    async def test_nothing_is_created_when_one_account_cannot_publish(
        self, publisher: Publisher, second_account: dict[str, Any]
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        response = await publisher.create(
            account_id=None,
            account_ids=[publisher.account["id"], second_account["id"], 999_999],
            media_type="IMAGE",
            clip_id=clip_id,
        )

        assert response.status_code == 422
        assert response.json()["reasons"] == ["account 999999 was not found among your connected accounts"]
        assert await _ids(publisher) == []


class TestListing:
    @pytest.fixture
    async def posts(self, publisher: Publisher, second_account: dict[str, Any]) -> dict[str, int]:
        """Five posts: four scheduled an hour apart (the second on the other account), then a draft."""
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        image = {"media_type": "IMAGE", "clip_id": clip_id}
        return {
            "at1": await _created(publisher, **image, scheduled_for=_at(1)),
            "at2_other": await _created(
                publisher, **image, scheduled_for=_at(2), account_id=second_account["id"]
            ),
            "at3": await _created(publisher, **image, scheduled_for=_at(3)),
            "at4": await _created(publisher, **image, scheduled_for=_at(4)),
            "draft": await _created(publisher, **image),
        }

    async def test_filters_by_status_account_and_time(
        self, publisher: Publisher, posts: dict[str, int], second_account: dict[str, Any]
    ) -> None:
        assert await _ids(publisher, status="draft") == [posts["draft"]]
        assert await _ids(publisher, status="scheduled") == [
            posts["at4"],
            posts["at3"],
            posts["at2_other"],
            posts["at1"],
        ]
        assert await _ids(publisher, account_id=second_account["id"]) == [posts["at2_other"]]
        assert await _ids(publisher, account_id=publisher.account["id"], status="scheduled") == [
            posts["at4"],
            posts["at3"],
            posts["at1"],
        ]
        assert await _ids(publisher, **{"from": _at(1.5)}) == [posts["at4"], posts["at3"], posts["at2_other"]]
        assert await _ids(publisher, to=_at(2.5)) == [posts["at2_other"], posts["at1"]]
        assert await _ids(publisher, **{"from": _at(2), "to": _at(3)}) == [posts["at2_other"]]

    async def test_a_time_filter_without_an_offset_is_a_422(
        self, publisher: Publisher, posts: dict[str, int]
    ) -> None:
        response = await _listed(publisher, **{"from": "2031-05-01T09:00:00"})

        assert response.status_code == 422
        assert [field["field"] for field in response.json()["fields"]] == ["query.from"]

    async def test_cursor_paging_visits_every_post_once(
        self, publisher: Publisher, posts: dict[str, int]
    ) -> None:
        seen: list[int] = []
        cursor: str | None = None
        pages = 0
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await _listed(publisher, **params)).json()
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break

        assert pages == 3
        assert seen == sorted(posts.values(), reverse=True)

    async def test_a_bad_cursor_is_a_422(self, publisher: Publisher) -> None:
        response = await _listed(publisher, cursor="not-a-cursor")

        assert response.status_code == 422
        assert "next_cursor" in response.json()["detail"]


class TestBulk:
    async def test_a_json_array_creates_every_post(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        account = publisher.account["id"]
        rows = [
            {"account_id": account, "media_type": "IMAGE", "clip_id": clip_id, "caption": f"Post {n}"}
            | ({"scheduled_for": _at(n)} if n else {})
            for n in range(3)
        ]

        response = await publisher.client.post(f"{API}bulk", json=rows, headers=publisher.headers)

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["created"] == 3
        assert [item["caption"] for item in body["items"]] == ["Post 0", "Post 1", "Post 2"]
        assert [item["status"] for item in body["items"]] == ["draft", "scheduled", "scheduled"]
        assert sorted(await _ids(publisher)) == sorted(item["id"] for item in body["items"])

    async def test_a_csv_file_upload_creates_every_post(
        self, publisher: Publisher, second_account: dict[str, Any]
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        first, second = publisher.account["id"], second_account["id"]
        csv_text = (
            "account_ids,media_type,clip_id,caption,hashtags,scheduled_for,alt_text\n"
            f'"{first},{second}",IMAGE,{clip_id},Morning,sun sea,{_at(1)},A beach\n'
            f"{first},IMAGE,{clip_id},Evening,#moon,,\n"
        )

        response = await publisher.client.post(
            f"{API}bulk",
            files={"file": ("posts.csv", csv_text.encode(), "text/csv")},
            headers=publisher.headers,
        )

        assert response.status_code == 201, response.text
        items = response.json()["items"]
        assert response.json()["created"] == 3
        assert [(item["account_id"], item["caption"], item["status"]) for item in items] == [
            (first, "Morning", "scheduled"),
            (second, "Morning", "scheduled"),
            (first, "Evening", "draft"),
        ]
        assert items[0]["hashtags"] == ["sun", "sea"]
        assert items[0]["options"] == {"alt_text": "A beach"}
        assert items[2]["hashtags"] == ["moon"]
        assert len(await _ids(publisher)) == 3

    async def test_a_bad_row_names_its_reasons_and_nothing_is_created(self, publisher: Publisher) -> None:
        photo = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        account = publisher.account["id"]
        rows = [
            {"account_id": account, "media_type": "IMAGE", "clip_id": photo},
            {"account_id": account, "media_type": "REELS", "clip_id": photo},
            {"account_id": account, "media_type": "VIDEO", "clip_id": photo},
            {
                "account_id": account,
                "media_type": "IMAGE",
                "clip_id": photo,
                "options": {"alt_text": "a" * 1001},
            },
        ]

        response = await publisher.client.post(
            f"{API}bulk",
            content=json.dumps(rows),
            headers={**publisher.headers, "Content-Type": "application/json"},
        )

        assert response.status_code == 422
        assert response.json()["rows"] == [
            {"row": 2, "reasons": [f"clip {photo}: reels need a video; this clip is an image"]},
            {"row": 3, "reasons": ["media_type: Input should be 'IMAGE', 'REELS', 'CAROUSEL' or 'STORIES'"]},
            {"row": 4, "reasons": ["alt text is longer than 1000 characters"]},
        ]
        assert "nothing was created" in response.json()["detail"]
        assert await _ids(publisher) == []

    @pytest.mark.parametrize(
        ("content", "detail"),
        [
            (
                "account_id,caption\n1,Café\n".encode("latin-1"),
                "The upload is not UTF-8 text: save the CSV as UTF-8 and upload it again.",
            ),
            (b'account_id,options\n1,"[1, 2]"\n', "The CSV column 'options' must hold a JSON object."),
            (
                b"caption,clip_id\nFine,1\nNot quoted, with a comma,1\n",
                "Row 2 of the CSV has more fields than the header has columns: quote values that contain "
                "commas, or add the missing column names.",
            ),
        ],
        ids=["latin-1", "options-not-an-object", "more-fields-than-columns"],
    )
    async def test_an_unreadable_csv_is_a_422(
        self, publisher: Publisher, content: bytes, detail: str
    ) -> None:
        response = await publisher.client.post(
            f"{API}bulk", content=content, headers={**publisher.headers, "Content-Type": "text/csv"}
        )

        assert response.status_code == 422
        assert response.json()["detail"] == detail


class TestListedAsRead:
    async def test_a_listed_post_is_the_post_read_alone(self, publisher: Publisher) -> None:
        """The list reads rows, a single read loads the post: both show the same post, computed fields too."""
        waiting = await carousel_waiting_on_its_video(publisher)
        image = await publisher.clip(jpeg(320, 320), "c.jpg")
        scheduled = await _created(
            publisher,
            media_type="IMAGE",
            clip_id=image,
            caption="Soon",
            hashtags=["#launch", "week1"],
            options={"first_comment": "Link in bio"},
            scheduled_for=_at(1),
        )
        draft = await _created(publisher, media_type="IMAGE", clip_id=image)

        listed = {item["id"]: item for item in (await _listed(publisher)).json()["items"]}

        assert set(listed) == {waiting["id"], scheduled, draft}
        for post_id, item in listed.items():
            assert item == await publisher.post(post_id)
        assert listed[waiting["id"]]["next_step"] == "Waiting for Instagram to process the media."
        assert len(listed[waiting["id"]]["container_ids"]) == 2
        assert len(listed[waiting["id"]]["clip_ids"]) == 2
        assert listed[scheduled]["hashtags"] == ["launch", "week1"]
        assert listed[scheduled]["next_step"] == "Publishing at this time."
