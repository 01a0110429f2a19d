"""Helpers for clip tests: upload over HTTP, wait for a job, fetch signed URLs, mint sandbox tokens."""

from __future__ import annotations

import asyncio
import hashlib
import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
from PIL import Image

from tests.fixtures.auth import SignedUp

GRAPH = "/sandbox/graph/v24.0"


async def upload(
    client: httpx.AsyncClient,
    user: SignedUp,
    data: bytes,
    filename: str = "clip.bin",
    title: str | None = None,
) -> httpx.Response:
    """POST /api/v1/clips with `data` as the multipart `file`."""
    form = {"title": title} if title is not None else None
    return await client.post(
        "/api/v1/clips", headers=user.headers, files={"file": (filename, data)}, data=form
    )


async def upload_ok(client: httpx.AsyncClient, user: SignedUp, data: bytes, filename: str) -> dict[str, Any]:
    """Upload and return the clip (asserting 201)."""
    response = await upload(client, user, data, filename)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_done(
    client: httpx.AsyncClient, user: SignedUp, clip_id: int, timeout: float = 30
) -> dict[str, Any]:
    """Poll GET /clips/{id} until it leaves `processing`; return every progress value seen and the clip."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(f"/api/v1/clips/{clip_id}", headers=user.headers)
        assert response.status_code == 200, response.text
        clip: dict[str, Any] = response.json()
        if clip["status"] != "processing" or asyncio.get_running_loop().time() > deadline:
            return clip
        await asyncio.sleep(0.05)


async def fetch(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """GET an absolute signed URL under http://testserver without any credentials."""
    assert url.startswith("http://testserver/"), url
    return await client.get(url, **kwargs)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def sandbox_publisher(client: httpx.AsyncClient) -> tuple[str, str]:
    """A sandbox user token minted by the admin API and the id of its first linked IG account."""
    await client.patch("/sandbox/_admin/config", json={"video_processing_seconds": 0.05})
    issued = await client.post("/sandbox/_admin/tokens/issue", json={"kind": "USER_LONG"})
    assert issued.status_code == 200, issued.text
    token = issued.json()["access_token"]
    pages = await client.get(
        f"{GRAPH}/me/accounts", params={"access_token": token, "fields": "id,instagram_business_account"}
    )
    assert pages.status_code == 200, pages.text
    ig_id = next(
        page["instagram_business_account"]["id"]
        for page in pages.json()["data"]
        if "instagram_business_account" in page
    )
    return token, ig_id


async def container_status(
    client: httpx.AsyncClient, token: str, container_id: str, timeout: float = 20
) -> dict[str, Any]:
    """Poll a sandbox container until it leaves IN_PROGRESS."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(
            f"{GRAPH}/{container_id}", params={"access_token": token, "fields": "id,status_code,status"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status_code"] != "IN_PROGRESS" or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.05)


def rotated_mp4(path: Path, *, rotation: int = 90) -> bytes:
    """A 160×90 H.264 MP4 shown turned `rotation`° counterclockwise; its left 40 px are blue."""
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=Fraction(24))
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        stream.set_display_rotation(rotation)
        picture = Image.new("RGB", (160, 90), (255, 0, 0))
        picture.paste((0, 0, 255), (0, 0, 40, 90))
        frame = av.VideoFrame.from_image(picture)
        for index in range(72):
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path.read_bytes()


def first_frame(data: bytes) -> Image.Image:
    """The first decoded frame of a video, as stored (no rotation applied)."""
    with av.open(io.BytesIO(data)) as container:
        frames: Any = container.decode(video=0)
        image: Image.Image = next(iter(frames)).to_image()
        return image
