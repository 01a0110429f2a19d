"""Resumable video upload to rupload (GRAPH_API.md §3.2), resuming from the server's offset after a drop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

from clipper.instagram.core import GraphCore
from clipper.instagram.errors import InstagramGraphAPIError, TransportError, UploadFailedError
from clipper.instagram.schemas import UploadResult
from clipper.instagram.transport import UPLOAD_TIMEOUT

VideoSource = bytes | str | os.PathLike[str]
CHUNK = 1 << 20


async def _stream(source: VideoSource, offset: int) -> AsyncIterator[bytes]:
    """The bytes of `source` from `offset`, read in chunks without loading a file into memory."""
    if isinstance(source, bytes):
        for start in range(offset, len(source), CHUNK):
            yield source[start : start + CHUNK]
        return
    handle = await asyncio.to_thread(Path(source).open, "rb")
    try:
        await asyncio.to_thread(handle.seek, offset)
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


async def _size(source: VideoSource) -> int:
    if isinstance(source, bytes):
        return len(source)
    stat = await asyncio.to_thread(Path(source).stat)
    return stat.st_size


class UploadMixin(GraphCore):
    """Upload video bytes (or a hosted file) to a resumable container."""

    def rupload_uri(self, container_id: str) -> str:
        """The rupload URI of a resumable container."""
        return f"{self.rupload_url}/ig-api-upload/{self.api_version}/{container_id}"

    def _rupload_headers(self) -> dict[str, str]:
        return {"Authorization": f"OAuth {self._require_token()}"}

    async def upload_video(self, container_id: str, source: VideoSource) -> UploadResult:
        """Upload a local file or bytes; after a dropped connection, resume from the server's offset."""
        total = await _size(source)
        offset, failures = 0, 0
        while True:
            try:
                return await self._upload_from(container_id, source, offset, total)
            except (TransportError, UploadFailedError) as error:
                # Whatever was lost, the server's offset says where to resume; a refused chunk is
                # only worth resending when rupload marks it retriable (e.g. an offset mismatch).
                resumable = isinstance(error, TransportError) or error.retryable
                if failures >= self.max_retries or not resumable:
                    raise
            await self._sleep(self._backoff_delay(failures))
            failures += 1
            offset = await self.get_upload_offset(container_id)
            if offset >= total:  # every byte arrived; only the answer was lost
                return UploadResult(success=True, message="Upload successful.")

    async def _upload_from(
        self, container_id: str, source: VideoSource, offset: int, total: int
    ) -> UploadResult:
        headers = {
            **self._rupload_headers(),
            "offset": str(offset),
            "file_size": str(total),
            "Content-Type": "application/octet-stream",
            "Content-Length": str(total - offset),
        }
        body = await self._call(
            "POST",
            f"ig-api-upload/{container_id}",
            idempotent=True,
            retry=False,
            url=self.rupload_uri(container_id),
            headers=headers,
            content=_stream(source, offset),
            timeout=UPLOAD_TIMEOUT,
        )
        return UploadResult.model_validate(body)

    async def get_upload_offset(self, container_id: str) -> int:
        """How many bytes the rupload host already holds for this container (0 when it will not say).

        Meta documents no way to ask `ig-api-upload` for its offset (docs/sandbox.md, "Settled in issue
        9"); its generic Resumable Upload API answers a GET on the session with `file_offset`. Public
        clients never resume: they send everything from offset 0. So a host that does not answer the GET
        means starting over from 0, and a host that kept bytes refuses that chunk as retriable.
        """
        try:
            body = await self._call(
                "GET",
                f"ig-api-upload/{container_id}",
                idempotent=True,
                url=self.rupload_uri(container_id),
                headers=self._rupload_headers(),
            )
        except InstagramGraphAPIError:
            return 0
        for key in ("offset", "file_offset", "bytes_received", "received_bytes"):
            if isinstance(body, dict) and isinstance(body.get(key), int):
                return int(body[key])
        return 0

    async def upload_video_from_url(self, container_id: str, file_url: str) -> UploadResult:
        """Have rupload fetch a hosted video for a resumable container."""
        headers = {**self._rupload_headers(), "file_url": file_url}
        body = await self._call(
            "POST",
            f"ig-api-upload/{container_id}",
            idempotent=True,
            url=self.rupload_uri(container_id),
            headers=headers,
            content=b"",
        )
        return UploadResult.model_validate(body)
