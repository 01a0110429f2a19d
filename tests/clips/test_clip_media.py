"""Signed media URLs (Range, expiry, tampering, no login) and per-user isolation of every clip endpoint."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from tests.clips.clip_helpers import fetch, upload_ok
from tests.fixtures import media_factory
from tests.fixtures.auth import SignedUp


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return parts._replace(query="&".join(f"{key}={value}" for key, value in query.items())).geturl()


class TestSignedUrls:
    async def test_a_full_fetch_needs_no_login(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        data = media_factory.mp4(90, 160)
        clip = await upload_ok(api, owner, data, "a.mp4")
        assert clip["url"].startswith("http://testserver/api/v1/clips/files/")
        response = await fetch(api, clip["url"])
        assert response.status_code == 200
        assert (response.content, response.headers["content-type"]) == (data, "video/mp4")
        assert response.headers["accept-ranges"] == "bytes"
        head = await api.head(clip["url"])
        assert (head.status_code, head.headers["content-length"], head.content) == (200, str(len(data)), b"")

    async def test_range_requests_get_206(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        data = media_factory.mp4(90, 160)
        clip = await upload_ok(api, owner, data, "a.mp4")
        partial = await fetch(api, clip["url"], headers={"Range": "bytes=100-199"})
        assert partial.status_code == 206
        assert partial.headers["content-range"] == f"bytes 100-199/{len(data)}"
        assert partial.content == data[100:200]
        tail = await fetch(api, clip["url"], headers={"Range": "bytes=-50"})
        assert (tail.status_code, tail.content) == (206, data[-50:])
        beyond = await fetch(api, clip["url"], headers={"Range": f"bytes={len(data) + 10}-"})
        assert beyond.status_code == 416

    async def test_tampered_links_are_403(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        clip = await upload_ok(api, owner, media_factory.jpeg(200, 200), "a.jpg")
        other = await upload_ok(api, owner, media_factory.jpeg(300, 300), "b.jpg")
        signature = parse_qs(urlsplit(clip["url"]).query)["signature"][0]
        expires = int(parse_qs(urlsplit(clip["url"]).query)["expires"][0])
        for url in (
            _with_query(clip["url"], signature="0" * 64),
            _with_query(clip["url"], expires=str(expires + 60)),
            _with_query(other["url"], signature=signature),
        ):
            response = await fetch(api, url)
            assert response.status_code == 403, url
            assert response.json()["error"] == "Forbidden"
        assert (await fetch(api, clip["url"].split("?")[0])).status_code == 422

    async def test_expired_links_are_403(self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI) -> None:
        app.state.resources.settings.media_url_ttl_seconds = -1
        clip = await upload_ok(api, owner, media_factory.jpeg(200, 200), "a.jpg")
        response = await fetch(api, clip["url"])
        assert response.status_code == 403
        assert "expired" in response.json()["detail"]

    async def test_a_path_outside_the_media_folder_is_refused(self, api: httpx.AsyncClient) -> None:
        response = await api.get(
            "/api/v1/clips/files/../../app.db", params={"expires": 9999999999, "signature": "x"}
        )
        assert response.status_code in (403, 404)


class TestIsolation:
    async def test_another_users_clip_is_404_everywhere(
        self, api: httpx.AsyncClient, owner: SignedUp, stranger: SignedUp
    ) -> None:
        clip = await upload_ok(api, owner, media_factory.mp4(), "mine.mp4")
        base = f"/api/v1/clips/{clip['id']}"
        calls = [
            api.get(base, headers=stranger.headers),
            api.delete(base, headers=stranger.headers),
            api.post(f"{base}/conform", headers=stranger.headers, json={"media_type": "REELS"}),
            api.post(f"{base}/trim", headers=stranger.headers, json={"start": 0, "end": 1}),
        ]
        for call in calls:
            response = await call
            assert response.status_code == 404, response.text
            assert response.json() == {"error": "NotFound", "detail": f"Clip {clip['id']} was not found."}
        assert (await api.get("/api/v1/clips", headers=stranger.headers)).json() == {
            "items": [],
            "next_cursor": None,
        }
        assert (await api.get(base, headers=owner.headers)).status_code == 200

    async def test_every_endpoint_needs_a_login(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        clip = await upload_ok(api, owner, media_factory.jpeg(100, 100), "a.jpg")
        base = f"/api/v1/clips/{clip['id']}"
        for response in (
            await api.get("/api/v1/clips"),
            await api.get(base),
            await api.delete(base),
            await api.post(f"{base}/conform", json={"media_type": "IMAGE"}),
            await api.post(f"{base}/trim", json={"start": 0, "end": 1}),
        ):
            assert response.status_code == 401
