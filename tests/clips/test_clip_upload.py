"""POST/GET/DELETE /api/v1/clips over HTTP: probing, thumbnails, rejects, size cap, listing, deletion."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from fastapi import FastAPI
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.clips.models import Clip
from clipper.social.models import PostStatus
from clipper.users.models import User
from tests.clips.clip_helpers import fetch, sha256, upload, upload_ok
from tests.fixtures import media_factory
from tests.fixtures.auth import SignedUp
from tests.fixtures.factories import create_account, create_post


def _stored_files(app: FastAPI) -> list[Path]:
    root: Path = app.state.resources.settings.media_path
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class TestUploadImages:
    async def test_a_jpeg_is_probed_checksummed_and_gets_a_thumbnail(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        data = media_factory.jpeg(1080, 1350)
        response = await upload(api, owner, data, "holiday.jpg", title="Holiday")
        assert response.status_code == 201, response.text
        clip = response.json()
        assert (clip["kind"], clip["content_type"], clip["width"], clip["height"]) == (
            "image",
            "image/jpeg",
            1080,
            1350,
        )
        assert (clip["title"], clip["filename"], clip["status"]) == ("Holiday", "holiday.jpg", "ready")
        assert (clip["size_bytes"], clip["checksum_sha256"]) == (len(data), sha256(data))
        assert clip["qualification"]["IMAGE"] == {"ok": True, "reasons": []}
        thumbnail = await fetch(api, clip["thumbnail_url"])
        assert thumbnail.status_code == 200
        assert thumbnail.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(thumbnail.content)) as image:
            assert image.format == "JPEG"
            assert max(image.size) == 480

    async def test_png_and_webp_are_accepted_as_input(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        png = await upload_ok(api, owner, media_factory.png(800, 800), "a.png")
        webp = await upload_ok(api, owner, media_factory.webp(800, 600), "b.webp")
        assert (png["content_type"], png["width"]) == ("image/png", 800)
        assert (webp["content_type"], webp["height"]) == ("image/webp", 600)
        assert png["qualification"]["IMAGE"]["reasons"] == [
            "image is PNG; Instagram takes JPEG only — conform it"
        ]
        assert webp["qualification"]["IMAGE"]["reasons"] == [
            "image is WEBP; Instagram takes JPEG only — conform it"
        ]
        assert png["title"] == "a"


class TestUploadVideos:
    async def test_an_mp4_is_probed(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        data = media_factory.mp4(90, 160, seconds=3, fps=24)
        clip = await upload_ok(api, owner, data, "reel.mp4")
        assert (clip["kind"], clip["content_type"], clip["width"], clip["height"]) == (
            "video",
            "video/mp4",
            90,
            160,
        )
        assert 2.9 <= clip["duration_seconds"] <= 3.2
        assert (clip["fps"], clip["video_codec"], clip["audio_codec"], clip["has_audio"]) == (
            24,
            "h264",
            "aac",
            True,
        )
        assert clip["rotation"] == 0
        assert clip["qualification"]["REELS"] == {"ok": True, "reasons": []}
        thumbnail = await fetch(api, clip["thumbnail_url"])
        with Image.open(io.BytesIO(thumbnail.content)) as image:
            assert image.size == (90, 160)

    async def test_a_mov_without_audio(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        clip = await upload_ok(api, owner, media_factory.mp4(160, 90, audio=False, container="mov"), "x.mov")
        assert (clip["content_type"], clip["has_audio"], clip["audio_codec"]) == (
            "video/quicktime",
            False,
            None,
        )


class TestRejects:
    async def test_a_corrupt_file_is_422_and_nothing_is_stored(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        truncated = media_factory.mp4()[:3000]
        for data, name in ((b"just some text\n" * 10, "notes.txt"), (truncated, "cut.mp4")):
            response = await upload(api, owner, data, name)
            assert response.status_code == 422, response.text
            assert response.json()["error"] == "InvalidInput"
            assert "corrupt" in response.json()["detail"]
        broken_jpeg = media_factory.jpeg(400, 400)[:600]
        response = await upload(api, owner, broken_jpeg, "broken.jpg")
        assert response.status_code == 422
        assert "corrupt" in response.json()["detail"]
        assert _stored_files(app) == []
        assert (await api.get("/api/v1/clips", headers=owner.headers)).json()["items"] == []

    async def test_an_unsupported_image_format_is_named(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20)).save(buffer, format="GIF")
        response = await upload(api, owner, buffer.getvalue(), "a.gif")
        assert response.status_code == 422
        assert response.json()["detail"] == "Images must be JPEG, PNG or WebP; this one is GIF."

    async def test_the_size_cap_names_the_limit(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        app.state.resources.settings.max_upload_bytes = 100 * 1024
        response = await upload(api, owner, media_factory.jpeg(200, 200, size_padding=200 * 1024), "big.jpg")
        assert response.status_code == 413
        assert response.json() == {
            "error": "PayloadTooLarge",
            "detail": "The file is larger than the upload limit of 0.0976562 MiB (MAX_UPLOAD_BYTES).",
        }
        assert _stored_files(app) == []

    async def test_the_cap_is_enforced_while_streaming(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        app.state.resources.settings.max_upload_bytes = 100 * 1024
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\n'.encode()
        )

        async def body():  # no Content-Length: chunked, so only counting can stop it
            yield head
            for _ in range(50):
                yield b"\0" * 8192
            yield f"\r\n--{boundary}--\r\n".encode()

        headers = owner.headers | {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        response = await api.post("/api/v1/clips", headers=headers, content=body())
        assert response.status_code == 413
        assert _stored_files(app) == []

    async def test_a_form_without_a_file(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        response = await api.post(
            "/api/v1/clips", headers=owner.headers, data={"title": "nothing"}, files={"x": ("a", b"")}
        )
        assert response.status_code == 422
        response = await api.post("/api/v1/clips", headers=owner.headers, json={"file": "nope"})
        assert response.status_code == 422

    async def test_anonymous_uploads_are_refused(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/api/v1/clips", files={"file": ("a.jpg", media_factory.jpeg(100, 100))})
        assert response.status_code == 401


class TestListAndRead:
    async def test_pages_newest_first(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        ids = [
            (await upload_ok(api, owner, media_factory.jpeg(100 + n, 100), f"{n}.jpg"))["id"]
            for n in range(3)
        ]
        first = (await api.get("/api/v1/clips", params={"limit": 2}, headers=owner.headers)).json()
        assert [clip["id"] for clip in first["items"]] == ids[::-1][:2]
        second = await api.get(
            "/api/v1/clips", params={"limit": 2, "cursor": first["next_cursor"]}, headers=owner.headers
        )
        assert [clip["id"] for clip in second.json()["items"]] == [ids[0]]
        assert second.json()["next_cursor"] is None
        one = await api.get(f"/api/v1/clips/{ids[1]}", headers=owner.headers)
        assert one.json()["width"] == 101

    async def test_a_browser_session_works_too(
        self, api: httpx.AsyncClient, owner: SignedUp, browser_login
    ) -> None:
        browser = await browser_login(api, owner.email, owner.password)
        response = await api.post(
            "/api/v1/clips", headers=browser.headers, files={"file": ("a.jpg", media_factory.jpeg(100, 100))}
        )
        assert response.status_code == 201, response.text
        assert (await api.get("/api/v1/clips", headers=browser.headers)).json()["items"][0][
            "id"
        ] == response.json()["id"]


class TestDelete:
    async def test_delete_removes_the_clip_and_its_files(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        clip = await upload_ok(api, owner, media_factory.jpeg(300, 300), "a.jpg")
        assert len(_stored_files(app)) == 2  # the file and its thumbnail
        response = await api.delete(f"/api/v1/clips/{clip['id']}", headers=owner.headers)
        assert response.status_code == 204
        assert (await api.get(f"/api/v1/clips/{clip['id']}", headers=owner.headers)).status_code == 404
        assert _stored_files(app) == []
        assert (await fetch(api, clip["url"])).status_code == 404

    async def test_409_while_a_scheduled_post_uses_it(
        self, api: httpx.AsyncClient, owner: SignedUp, session: AsyncSession
    ) -> None:
        single = await upload_ok(api, owner, media_factory.jpeg(300, 300), "a.jpg")
        item = await upload_ok(api, owner, media_factory.jpeg(300, 300), "b.jpg")
        drafted = await upload_ok(api, owner, media_factory.jpeg(300, 300), "c.jpg")
        user = await session.get_one(User, owner.user_id)
        account = await create_account(session, user=user)
        clip_of = {clip["id"]: await session.get_one(Clip, clip["id"]) for clip in (single, item, drafted)}
        await create_post(
            session, user=user, account=account, clip=clip_of[single["id"]], status=PostStatus.SCHEDULED
        )
        await create_post(
            session, user=user, account=account, carousel=[clip_of[item["id"]]], status=PostStatus.PUBLISHING
        )
        await create_post(session, user=user, account=account, clip=clip_of[drafted["id"]])
        await session.commit()
        for clip in (single, item):
            response = await api.delete(f"/api/v1/clips/{clip['id']}", headers=owner.headers)
            assert response.status_code == 409
            assert "is used by post" in response.json()["detail"]
        # A draft keeps its clip too (tests/clips/test_clip_delete.py covers that rule).
        assert (await api.delete(f"/api/v1/clips/{drafted['id']}", headers=owner.headers)).status_code == 409
