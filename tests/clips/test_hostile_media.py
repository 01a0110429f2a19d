"""Hostile media fails its clip cleanly and quickly, never the server; a phone MP4 is fixed on upload.

Each file here is small but claims or costs a lot: an MP4 of countless tiny boxes, an MP4 whose sparse
timestamps claim ten hours, a PNG that decodes to 100 million pixels, a transcode that needs more CPU
than allowed (its process is killed).
"""

from __future__ import annotations

import os
import struct
import tempfile
import time
import zlib
from fractions import Fraction

import av
import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from clipper.clips import service
from clipper.kv import RedisStore
from tests.clips.clip_helpers import fetch, upload, upload_ok, wait_done
from tests.fixtures import media_factory
from tests.fixtures.auth import SignedUp

QUICK_SECONDS = 10.0


def sparse_mp4(*, claimed_seconds: int, width: int = 64, height: int = 64) -> bytes:
    """A tiny H.264 MP4 of three frames, the last one `claimed_seconds` after the first."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "sparse.mp4")
        with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            video = out.add_stream("libx264", rate=Fraction(1))
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.codec_context.time_base = Fraction(1, 1000)
            frame = av.VideoFrame.from_image(Image.new("RGB", (width, height), (20, 20, 20)))
            for seconds in (0, claimed_seconds // 2, claimed_seconds):
                frame.pts, frame.time_base = seconds * 1000, Fraction(1, 1000)
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
        with open(path, "rb") as handle:
            return handle.read()


def png_bomb(side: int = 10_000) -> bytes:
    """A valid 1-bit PNG of side×side pixels: a few kilobytes that decode to `side`² pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * side, 9))
        + chunk(b"IEND", b"")
    )


def boxes_of(count: int) -> bytes:
    """A playable MP4 followed by `count` empty top-level boxes (8 bytes each)."""
    return media_factory.mp4(64, 64, seconds=1.0, audio=False) + b"\x00\x00\x00\x08free" * count


async def refused_quickly(api: httpx.AsyncClient, owner: SignedUp, data: bytes, name: str) -> str:
    started = time.monotonic()
    response = await upload(api, owner, data, name)
    assert time.monotonic() - started < QUICK_SECONDS
    assert response.status_code == 422, response.text
    detail: str = response.json()["detail"]
    return detail


class TestHostileUploads:
    async def test_an_mp4_of_countless_tiny_boxes_is_refused(self, api: httpx.AsyncClient, owner) -> None:
        detail = await refused_quickly(api, owner, boxes_of(2_000_000), "boxes.mp4")
        assert "boxes" in detail

    async def test_sparse_timestamps_claiming_hours_are_refused(self, api: httpx.AsyncClient, owner) -> None:
        detail = await refused_quickly(api, owner, sparse_mp4(claimed_seconds=36_000), "sparse.mp4")
        assert "claims to last 36,00" in detail

    async def test_a_decompression_bomb_is_refused(self, api: httpx.AsyncClient, owner) -> None:
        detail = await refused_quickly(api, owner, png_bomb(), "bomb.png")
        assert "too many pixels" in detail

    async def test_the_server_answers_after_each(self, api: httpx.AsyncClient, owner) -> None:
        for data, name in ((png_bomb(), "bomb.png"), (sparse_mp4(claimed_seconds=36_000), "s.mp4")):
            await upload(api, owner, data, name)
        assert (await upload(api, owner, media_factory.png(32, 32), "fine.png")).status_code == 201


class TestKilledDecoder:
    async def test_a_transcode_over_its_cpu_limit_fails_the_clip_not_the_server(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        # Two hours of timestamps in a few kilobytes: under the duration cap, but a ten-minute trim
        # means encoding 18,000 frames, far more than one CPU second allows.
        source = await upload_ok(
            api, owner, sparse_mp4(claimed_seconds=7_200, width=720, height=1280), "s.mp4"
        )
        app.state.resources.settings.media_cpu_seconds = 1
        started = time.monotonic()

        trim = await api.post(
            f"/api/v1/clips/{source['id']}/trim", json={"start": 0, "end": 600}, headers=owner.headers
        )
        assert trim.status_code == 202, trim.text
        done = await wait_done(api, owner, trim.json()["id"])

        assert done["status"] == "failed"
        assert "CPU time" in done["error_message"]
        assert time.monotonic() - started < 30
        assert (await api.get("/api/v1/clips", headers=owner.headers)).status_code == 200

    async def test_a_transcode_over_its_time_limit_is_stopped(
        self, api: httpx.AsyncClient, owner: SignedUp, app: FastAPI
    ) -> None:
        source = await upload_ok(
            api, owner, sparse_mp4(claimed_seconds=7_200, width=720, height=1280), "s.mp4"
        )
        app.state.resources.settings.media_transcode_seconds = 0.5

        trim = await api.post(
            f"/api/v1/clips/{source['id']}/trim", json={"start": 0, "end": 600}, headers=owner.headers
        )
        done = await wait_done(api, owner, trim.json()["id"])

        assert done["status"] == "failed"
        assert "took longer than 0.5 s" in done["error_message"]


class TestJobsPerUser:
    async def test_one_user_cannot_start_more_jobs_than_allowed(
        self, api: httpx.AsyncClient, owner: SignedUp, stranger: SignedUp, app: FastAPI
    ) -> None:
        app.state.resources.settings.media_jobs_per_user = 1
        app.state.resources.settings.media_transcode_seconds = (
            2.0  # the long first job ends soon after the test
        )
        long = sparse_mp4(claimed_seconds=7_200, width=720, height=1280)
        mine = await upload_ok(api, owner, long, "a.mp4")
        theirs = await upload_ok(api, stranger, media_factory.mp4(90, 160), "b.mp4")

        first = await api.post(
            f"/api/v1/clips/{mine['id']}/trim", json={"start": 0, "end": 600}, headers=owner.headers
        )
        second = await api.post(
            f"/api/v1/clips/{mine['id']}/trim", json={"start": 0, "end": 1}, headers=owner.headers
        )
        other_user = await api.post(
            f"/api/v1/clips/{theirs['id']}/trim", json={"start": 0, "end": 1}, headers=stranger.headers
        )

        assert (first.status_code, second.status_code, other_user.status_code) == (202, 409, 202)
        assert "1 clip" in second.json()["detail"]
        assert (await wait_done(api, owner, first.json()["id"]))["status"] == "failed"
        assert (await wait_done(api, stranger, other_user.json()["id"]))["status"] == "ready"


class TestMediaWorkOnTheWholeServer:
    async def test_users_together_cannot_start_more_jobs_than_the_server_allows(
        self, api: httpx.AsyncClient, owner: SignedUp, stranger: SignedUp, app: FastAPI
    ) -> None:
        app.state.resources.settings.media_jobs_total = 1
        app.state.resources.settings.media_transcode_seconds = (
            2.0  # the long first job ends soon after the test
        )
        mine = await upload_ok(api, owner, sparse_mp4(claimed_seconds=7_200, width=720, height=1280), "a.mp4")
        theirs = await upload_ok(api, stranger, media_factory.mp4(90, 160), "b.mp4")

        first = await api.post(
            f"/api/v1/clips/{mine['id']}/trim", json={"start": 0, "end": 600}, headers=owner.headers
        )
        started = time.monotonic()
        refused = await api.post(
            f"/api/v1/clips/{theirs['id']}/trim", json={"start": 0, "end": 1}, headers=stranger.headers
        )
        answered_in = time.monotonic() - started

        assert (first.status_code, refused.status_code) == (202, 503)
        assert answered_in < QUICK_SECONDS
        assert refused.headers["Retry-After"] == "30"
        assert refused.json()["detail"] == (
            "The server is already processing 1 clip for its users (MEDIA_JOBS_TOTAL): "
            "try again in 30 seconds."
        )
        assert (await wait_done(api, owner, first.json()["id"]))["status"] == "failed"
        again = await api.post(
            f"/api/v1/clips/{theirs['id']}/trim", json={"start": 0, "end": 1}, headers=stranger.headers
        )
        assert again.status_code == 202, again.text
        assert (await wait_done(api, stranger, again.json()["id"]))["status"] == "ready"

    async def test_an_upload_waits_a_bounded_time_for_a_probe_slot_then_is_refused(
        self,
        kv_backend: str,
        api: httpx.AsyncClient,
        owner: SignedUp,
        app: FastAPI,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        app.state.resources.settings.media_jobs_total = 1
        monkeypatch.setattr(service, "PROBE_SLOT_WAIT_SECONDS", 0.5)
        kv = app.state.resources.kv
        assert isinstance(kv, RedisStore) == (kv_backend == "redis")
        # Another API process is probing an upload.
        assert await kv.acquire_slot(service.PROBE_SLOTS_KEY, "other", limit=1, lease_seconds=60)
        try:
            started = time.monotonic()
            refused = await upload(api, owner, media_factory.jpeg(320, 320), "a.jpg")
            answered_in = time.monotonic() - started
        finally:
            await kv.release_slot(service.PROBE_SLOTS_KEY, "other")

        assert refused.status_code == 503
        assert 0.5 <= answered_in < QUICK_SECONDS
        assert refused.headers["Retry-After"] == "30"
        assert "(MEDIA_JOBS_TOTAL): upload this file again in 30 seconds" in refused.json()["detail"]
        listed = await api.get("/api/v1/clips", headers=owner.headers)
        assert listed.json()["items"] == []

    async def test_each_upload_gives_its_probe_slot_back(
        self,
        kv_backend: str,
        api: httpx.AsyncClient,
        owner: SignedUp,
        app: FastAPI,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        app.state.resources.settings.media_jobs_total = 1
        monkeypatch.setattr(service, "PROBE_SLOT_WAIT_SECONDS", 0.0)
        for name in ("a.jpg", "b.jpg", "c.jpg"):
            await upload_ok(api, owner, media_factory.jpeg(320, 320), name)
        refused = await upload(api, owner, b"not media at all", "d.jpg")
        assert refused.status_code == 422
        await upload_ok(api, owner, media_factory.jpeg(320, 320), "e.jpg")


class TestIndexFirstOnUpload:
    async def test_a_phone_mp4_with_its_index_last_is_remuxed_and_qualifies_for_reels(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        data = media_factory.mp4(720, 1280, seconds=3.5, faststart=False)
        assert data.index(b"moov") > data.index(b"mdat")

        clip = await upload_ok(api, owner, data, "phone.mp4")
        stored = (await fetch(api, clip["url"])).content

        assert stored.index(b"moov") < stored.index(b"mdat")
        assert clip["upload_fixes"] == [
            "The video's index (moov) was moved before its media data on upload; streams were copied."
        ]
        assert not any("moov" in reason for reason in clip["qualification"]["REELS"]["reasons"])
        assert clip["size_bytes"] == len(stored)
        assert (clip["video_codec"], clip["audio_codec"]) == ("h264", "aac")
        assert abs(clip["duration_seconds"] - 3.5) < 0.2

    async def test_a_file_already_in_order_is_kept_as_uploaded(self, api: httpx.AsyncClient, owner) -> None:
        data = media_factory.mp4(90, 160)
        clip = await upload_ok(api, owner, data, "ok.mp4")
        assert clip["upload_fixes"] == []
        assert (await fetch(api, clip["url"])).content == data
