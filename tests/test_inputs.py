"""No input answers 500: oversized ids, unstorable text, hostile Graph ids, nulls and odd signatures are 4xx.

Each case was seen as a 500 in a fuzz run over the OpenAPI document.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from clipper.instagram import InstagramGraphAPI, RequestValidationError
from tests.fixtures.inbox import API as INSTAGRAM
from tests.fixtures.media_factory import jpeg
from tests.social.publish_helpers import make_publisher

HUGE = 2**63
POSTS = "/api/v1/social/"


def assert_invalid(response: httpx.Response, field: str | None = None) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "InvalidInput"
    if field is not None:
        assert field in body["detail"]


class TestHugeIds:
    @pytest.mark.parametrize(
        "path",
        [
            f"{POSTS}{HUGE}",
            f"/api/v1/clips/{HUGE}",
            f"/api/v1/accounts/{HUGE}",
            f"{INSTAGRAM}/conversations/{HUGE}/messages",
            f"{INSTAGRAM}/accounts/{HUGE}/moderation-rules",
        ],
    )
    async def test_in_the_path(self, client, signup, path) -> None:
        user = await signup(client)
        assert_invalid(await client.get(path, headers=user.headers))

    async def test_in_the_query(self, client, signup) -> None:
        user = await signup(client)
        assert_invalid(await client.get("/api/v1/clips", params={"cursor": HUGE}, headers=user.headers))
        assert_invalid(await client.get(POSTS, params={"account_id": HUGE}, headers=user.headers))

    @pytest.mark.parametrize(
        "body",
        [
            {"account_id": HUGE, "caption": "x"},
            {"account_ids": [HUGE], "caption": "x"},
            {"account_id": 1, "clip_ids": [1, HUGE], "media_type": "CAROUSEL"},
            {"account_id": 1, "clip_id": 1, "options": {"cover_clip_id": HUGE}},
        ],
    )
    async def test_in_a_post_body(self, client, signup, body) -> None:
        user = await signup(client)
        assert_invalid(await client.post(POSTS, json=body, headers=user.headers))

    async def test_in_bulk_ids(self, client, signup) -> None:
        user = await signup(client)
        response = await client.post(
            f"{INSTAGRAM}/comments/bulk", json={"ids": [HUGE], "action": "hide"}, headers=user.headers
        )
        assert_invalid(response, "ids")

    async def test_in_an_opaque_cursor(self, client, signup) -> None:
        user = await signup(client)
        cursor = base64.urlsafe_b64encode(str(HUGE).encode()).decode()
        response = await client.get(POSTS, params={"cursor": cursor}, headers=user.headers)
        assert_invalid(response, "cursor")
        inbox_cursor = base64.urlsafe_b64encode(f"2026-01-01T00:00:00+00:00|{HUGE}".encode()).decode()
        response = await client.get(
            f"{INSTAGRAM}/comments", params={"cursor": inbox_cursor}, headers=user.headers
        )
        assert_invalid(response, "cursor")

    async def test_a_non_ascii_digit_cursor(self, client, signup) -> None:
        user = await signup(client)
        response = await client.get(
            f"{INSTAGRAM}/accounts/1/moderation-rules", params={"cursor": "²"}, headers=user.headers
        )
        assert response.status_code in {404, 422}, response.text

    @pytest.mark.parametrize("cursor", ["²", "abc", str(HUGE)])
    async def test_a_moderation_actions_cursor_that_holds_no_id(self, client, signup, cursor) -> None:
        # Refused like the rules' cursor, instead of silently starting over at the first page.
        user = await signup(client)
        response = await client.get(
            f"{INSTAGRAM}/accounts/1/moderation-actions", params={"cursor": cursor}, headers=user.headers
        )
        assert_invalid(response, "cursor")

    @pytest.mark.parametrize("cursor", ["²", "abc", str(HUGE)])
    async def test_an_accounts_cursor_that_holds_no_id(self, client, signup, cursor) -> None:
        user = await signup(client)
        response = await client.get("/api/v1/accounts", params={"cursor": cursor}, headers=user.headers)
        assert_invalid(response, "cursor")


class TestUnstorableText:
    @pytest.mark.parametrize("text", ["\ud800", "before\x00after"])
    async def test_in_a_caption(self, client, signup, text) -> None:
        user = await signup(client)
        raw = json.dumps({"caption": text, "media_type": "IMAGE"})  # escapes: valid JSON, bad text
        response = await client.post(
            POSTS, content=raw, headers={**user.headers, "Content-Type": "application/json"}
        )
        assert_invalid(response, "body.caption")

    async def test_in_a_json_subtype_body(self, client, signup) -> None:
        # FastAPI parses any `application/*+json` body as JSON: the check must see it too.
        user = await signup(client)
        raw = json.dumps({"caption": "a\x00b", "media_type": "IMAGE"})
        headers = {**user.headers, "Content-Type": "application/merge-patch+json"}
        assert_invalid(await client.post(POSTS, content=raw, headers=headers), "body.caption")

    async def test_in_the_query(self, client, signup) -> None:
        user = await signup(client)
        response = await client.get(
            f"{INSTAGRAM}/comments", params={"search": "a\x00b"}, headers=user.headers
        )
        assert_invalid(response, "query.search")

    @pytest.mark.parametrize("content_type", ["application/json", "text/csv"])
    async def test_in_a_bulk_upload(self, client, app, content_type) -> None:
        # The bulk route reads its own body, out of the edge check's sight: it checks its rows itself.
        publisher = await make_publisher(client, app)
        clip_id = await publisher.clip(jpeg(), "photo.jpg")
        row = {"account_id": publisher.account["id"], "clip_id": clip_id, "media_type": "IMAGE"}
        if content_type == "text/csv":
            content = f"account_id,clip_id,media_type,caption\n{row['account_id']},{clip_id},IMAGE,a\x00b\n"
        else:
            content = json.dumps([{**row, "caption": "\ud800"}])
        headers = {**publisher.headers, "Content-Type": content_type}
        response = await client.post(f"{POSTS}bulk", content=content, headers=headers)
        assert_invalid(response, "body.0.caption")
        assert (await client.get(POSTS, headers=publisher.headers)).json()["items"] == []

    async def test_in_a_clip_title(self, client, signup) -> None:
        user = await signup(client)
        form = {"title": "a\x00b"}
        response = await client.post(
            "/api/v1/clips", headers=user.headers, files={"file": ("a.jpg", jpeg(100, 100))}, data=form
        )
        assert_invalid(response, "form.title")
        listed = await client.get("/api/v1/clips", headers=user.headers)
        assert listed.json()["items"] == []

    async def test_nothing_is_stored(self, client, signup) -> None:
        user = await signup(client)
        raw = json.dumps({"title": "x\x00", "media_type": "IMAGE"})
        await client.post(POSTS, content=raw, headers={**user.headers, "Content-Type": "application/json"})
        listed = await client.get(POSTS, headers=user.headers)
        assert listed.json()["items"] == []


class TestGraphIds:
    @pytest.mark.parametrize("media_id", ["%06", "1%3Ffields%3Dtoken", "1%23x", "abc", "1.5"])
    async def test_a_media_id_that_is_not_digits(self, client, signup, calls, media_id) -> None:
        user = await signup(client)
        response = await client.get(f"{INSTAGRAM}/media/{media_id}/comments", headers=user.headers)
        assert response.status_code in {404, 422}, response.text
        assert calls == []

    @pytest.mark.parametrize(
        "path", ["1?fields=access_token", "1#frag", "1/../me", "a\x06b/comments", "1%2F2"]
    )
    def test_the_client_refuses_to_build_the_url(self, path) -> None:
        graph = InstagramGraphAPI(access_token="t", http_client=httpx.AsyncClient())
        with pytest.raises(RequestValidationError):
            graph.graph_url(path)

    def test_the_client_builds_real_paths(self) -> None:
        graph = InstagramGraphAPI(access_token="t", http_client=httpx.AsyncClient())
        assert graph.graph_url("17841400000000001/media").endswith("/17841400000000001/media")
        assert graph.graph_url("oauth/access_token").endswith("/oauth/access_token")
        assert graph.graph_url("").endswith("/v24.0/")  # the batch endpoint


class TestPostUpdate:
    async def test_a_null_media_type_is_refused(self, client, app) -> None:
        publisher = await make_publisher(client, app)
        clip_id = await publisher.clip(jpeg(), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Draft")
        assert created.status_code == 201, created.text
        post_id = created.json()["id"]
        response = await publisher.client.put(
            f"{POSTS}{post_id}", json={"media_type": None}, headers=publisher.headers
        )
        assert_invalid(response, "media_type")


class TestMediaSignature:
    async def test_a_non_ascii_signature_is_forbidden(self, client) -> None:
        response = await client.get("/api/v1/clips/files/1/a.jpg", params={"expires": 1, "signature": "é"})
        assert response.status_code == 403, response.text
