"""Conform and trim jobs over HTTP: progress on the clip, results that pass the sandbox's own checks."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from graph_sandbox.media_inspect import MediaKind, inspect
from tests.clips.clip_helpers import (
    GRAPH,
    container_status,
    fetch,
    first_frame,
    rotated_mp4,
    sandbox_publisher,
    upload_ok,
    wait_done,
)
from tests.fixtures import media_factory
from tests.fixtures.auth import SignedUp


async def _conform(api: httpx.AsyncClient, user: SignedUp, clip_id: int, **body: object) -> httpx.Response:
    return await api.post(f"/api/v1/clips/{clip_id}/conform", headers=user.headers, json=body)


class TestConformVideo:
    @pytest.mark.parametrize("fit", ["crop", "pad"])
    async def test_a_16_9_video_becomes_a_reel_the_sandbox_accepts(
        self, api: httpx.AsyncClient, owner: SignedUp, fit: str
    ) -> None:
        source = await upload_ok(api, owner, media_factory.mp4(320, 180, seconds=3), "wide.mp4")
        assert source["qualification"]["REELS"]["reasons"] == [
            "video is 16:9 at 320×180; reels need 9:16 — conform it"
        ]
        started = await _conform(api, owner, source["id"], media_type="REELS", fit=fit)
        assert started.status_code == 202, started.text
        pending = started.json()
        assert (pending["status"], pending["progress"], pending["parent_clip_id"]) == (
            "processing",
            0,
            source["id"],
        )
        assert pending["url"] is None
        assert pending["qualification"]["REELS"]["reasons"] == ["clip is still being processed"]
        clip = await wait_done(api, owner, pending["id"])
        assert (clip["status"], clip["progress"], clip["error_message"]) == ("ready", 100, None)
        assert (clip["video_codec"], clip["audio_codec"], clip["content_type"]) == (
            "h264",
            "aac",
            "video/mp4",
        )
        assert abs(clip["width"] / clip["height"] - 9 / 16) < 0.01
        assert clip["width"] == (102 if fit == "crop" else 320)
        assert clip["qualification"]["REELS"] == {"ok": True, "reasons": []}
        assert clip["qualification"]["STORIES"] == {"ok": True, "reasons": []}
        data = (await fetch(api, clip["url"])).content
        assert inspect(data, MediaKind.REEL).ok
        assert inspect(data, MediaKind.STORY_VIDEO).ok
        token, ig_id = await sandbox_publisher(api)
        created = await api.post(
            f"{GRAPH}/{ig_id}/media",
            params={"access_token": token, "media_type": "REELS", "video_url": clip["url"]},
        )
        assert created.status_code == 200, created.text
        assert (await container_status(api, token, created.json()["id"]))["status_code"] == "FINISHED"

    async def test_a_portrait_video_becomes_a_carousel_item(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        source = await upload_ok(api, owner, media_factory.mp4(90, 160, fps=20), "tall.mp4")
        assert (
            "video runs at 20 fps; Instagram needs 23 to 60 fps — conform it"
            in (source["qualification"]["CAROUSEL_ITEM"]["reasons"])
        )
        clip = await wait_done(
            api,
            owner,
            (await _conform(api, owner, source["id"], media_type="CAROUSEL_ITEM", fit="pad")).json()["id"],
        )
        assert clip["qualification"]["CAROUSEL_ITEM"] == {"ok": True, "reasons": []}
        assert (clip["width"], clip["height"], clip["fps"]) == (128, 160, 30)
        assert inspect((await fetch(api, clip["url"])).content, MediaKind.CAROUSEL_VIDEO).ok

    async def test_a_video_too_short_for_reels_is_refused(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        source = await upload_ok(api, owner, media_factory.mp4(90, 160, seconds=1, audio=False), "short.mp4")
        assert source["qualification"]["REELS"]["reasons"] == ["video is 1.0 s long; reels need at least 3 s"]
        response = await _conform(api, owner, source["id"], media_type="REELS", fit="crop")
        assert response.status_code == 422
        assert response.json()["detail"] == "The video is 1.0 s long; reels need at least 3 s."

    async def test_a_video_cannot_become_an_image(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        source = await upload_ok(api, owner, media_factory.mp4(), "a.mp4")
        response = await _conform(api, owner, source["id"], media_type="IMAGE")
        assert response.status_code == 422
        assert "A video cannot become IMAGE" in response.json()["detail"]
        bad = await _conform(api, owner, source["id"], media_type="VIDEO", fit="stretch")
        assert bad.status_code == 422


class TestConformImage:
    async def test_a_tall_png_becomes_a_4_5_jpeg_the_sandbox_accepts(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        source = await upload_ok(api, owner, media_factory.png(1080, 1920), "tall.png")
        assert source["qualification"]["IMAGE"]["reasons"] == [
            "image is PNG; Instagram takes JPEG only — conform it",
            "image is 9:16 at 1080×1920; feed images need 4:5 to 1.91:1 — conform it",
        ]
        clip = await wait_done(
            api, owner, (await _conform(api, owner, source["id"], media_type="IMAGE")).json()["id"]
        )
        assert (clip["status"], clip["content_type"], clip["width"], clip["height"]) == (
            "ready",
            "image/jpeg",
            1080,
            1350,
        )
        assert clip["qualification"]["IMAGE"] == {"ok": True, "reasons": []}
        data = (await fetch(api, clip["url"])).content
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.mode) == ("JPEG", "RGB")
        assert inspect(data, MediaKind.FEED_IMAGE).ok
        token, ig_id = await sandbox_publisher(api)
        created = await api.post(
            f"{GRAPH}/{ig_id}/media", params={"access_token": token, "image_url": clip["url"]}
        )
        assert created.status_code == 200, created.text

    async def test_an_mpo_and_a_webp_become_a_story_by_padding(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        for data, name in ((media_factory.mpo(640, 640), "a.mpo"), (media_factory.webp(400, 300), "b.webp")):
            source = await upload_ok(api, owner, data, name)
            assert not source["qualification"]["STORIES"]["ok"]
            started = await _conform(api, owner, source["id"], media_type="STORIES", fit="pad")
            clip = await wait_done(api, owner, started.json()["id"])
            assert clip["qualification"]["STORIES"] == {"ok": True, "reasons": []}
            assert inspect((await fetch(api, clip["url"])).content, MediaKind.STORY_IMAGE).ok


class TestTrim:
    async def test_trim_cuts_a_new_clip(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        source = await upload_ok(api, owner, media_factory.mp4(90, 160, seconds=6), "long.mp4")
        started = await api.post(
            f"/api/v1/clips/{source['id']}/trim", headers=owner.headers, json={"start": 1, "end": 4.5}
        )
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "processing"
        clip = await wait_done(api, owner, started.json()["id"])
        assert clip["status"] == "ready"
        assert 3.4 <= clip["duration_seconds"] <= 3.7
        assert (clip["width"], clip["height"], clip["has_audio"]) == (90, 160, True)
        assert clip["qualification"]["REELS"]["ok"]
        assert clip["title"] == "long (1–4.5 s)"
        assert (await api.get(f"/api/v1/clips/{source['id']}", headers=owner.headers)).json()[
            "duration_seconds"
        ] > 5.9

    async def test_bad_windows_and_images_are_refused(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        video = await upload_ok(api, owner, media_factory.mp4(seconds=3), "v.mp4")
        image = await upload_ok(api, owner, media_factory.jpeg(100, 100), "i.jpg")
        for clip_id, body in (
            (video["id"], {"start": 1, "end": 9}),
            (video["id"], {"start": 2, "end": 1}),
            (video["id"], {"start": -1, "end": 1}),
            (image["id"], {"start": 0, "end": 1}),
        ):
            response = await api.post(f"/api/v1/clips/{clip_id}/trim", headers=owner.headers, json=body)
            assert response.status_code == 422, body


class TestRotation:
    async def test_a_rotated_phone_video_is_conformed_upright(
        self, api: httpx.AsyncClient, owner: SignedUp, tmp_path: Path
    ) -> None:
        source = await upload_ok(api, owner, rotated_mp4(tmp_path / "phone.mp4"), "phone.mp4")
        assert (source["width"], source["height"], source["rotation"]) == (90, 160, 270)
        assert source["qualification"]["REELS"]["reasons"] == [
            "video is stored rotated by 270°; conform it so every player shows it upright"
        ]
        started = await _conform(api, owner, source["id"], media_type="REELS", fit="pad")
        clip = await wait_done(api, owner, started.json()["id"])
        assert (clip["width"], clip["height"], clip["rotation"]) == (90, 160, 0)
        assert clip["qualification"]["REELS"]["ok"]
        frame = first_frame((await fetch(api, clip["url"])).content)
        top, bottom = frame.getpixel((45, 5)), frame.getpixel((45, 155))
        # Turned a quarter counterclockwise: red stays on top, the blue left edge ends at the bottom.
        assert top[0] > 200
        assert bottom[2] > 200
