"""CdnStore: bytes served at `/cdn/{key}`; media files of the seed and of published media live here."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass

from graph_sandbox.config import SandboxConfig


@dataclass(frozen=True)
class CdnObject:
    data: bytes
    content_type: str


class CdnStore:
    """An in-memory key -> bytes store whose URLs are absolute, built from the public URL."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._objects: dict[str, CdnObject] = {}

    @property
    def base_url(self) -> str:
        """The sandbox's public URL (read live: the admin API may change it)."""
        return self._config.base_url

    def put(self, data: bytes, content_type: str, *, key: str | None = None) -> str:
        """Store bytes and return their absolute URL (the key defaults to a content hash)."""
        if key is None:
            extension = mimetypes.guess_extension(content_type) or ".bin"
            key = hashlib.sha256(data).hexdigest()[:32] + extension
        self._objects[key] = CdnObject(data, content_type)
        return self.url(key)

    def url(self, key: str) -> str:
        """The absolute URL of a key."""
        return f"{self.base_url}/cdn/{key}"

    def get(self, key: str) -> CdnObject | None:
        """The stored object, or None."""
        return self._objects.get(key)

    def get_by_url(self, url: str) -> CdnObject | None:
        """The stored object behind one of this store's URLs, or None."""
        prefix = f"{self.base_url}/cdn/"
        return self._objects.get(url.split("?", 1)[0][len(prefix) :]) if url.startswith(prefix) else None

    def keys(self) -> list[str]:
        """Every stored key."""
        return list(self._objects)
