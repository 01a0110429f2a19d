"""Signed, expiring public URLs for clip files and thumbnails (what Meta and the UI fetch)."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from clipper.config import Settings
from clipper.security import load_or_create_keys

FILES_PATH = "/api/v1/clips/files"
_CONTEXT = b"content-clipper/media-url/v1"


@lru_cache(maxsize=8)
def _derived_key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), _CONTEXT, hashlib.sha256).digest()


def signing_key(settings: Settings) -> bytes:
    """MEDIA_SIGNING_KEY, or a key derived from the newest Fernet key (never the Fernet key itself)."""
    if settings.media_signing_key:
        return _derived_key(settings.media_signing_key)
    keys = load_or_create_keys(
        settings.fernet_key, data_dir=settings.data_dir, production=settings.is_production
    )
    return _derived_key(keys[0])


def _signature(key: bytes, storage_key: str, expires: int) -> str:
    return hmac.new(key, f"{storage_key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(settings: Settings, storage_key: str, *, ttl_seconds: int | None = None) -> str:
    """An absolute URL under BACKEND_URL serving `storage_key` until it expires."""
    ttl = settings.media_url_ttl_seconds if ttl_seconds is None else ttl_seconds
    expires = int(time.time()) + ttl
    query = urlencode(
        {"expires": expires, "signature": _signature(signing_key(settings), storage_key, expires)}
    )
    return f"{settings.backend_url}{FILES_PATH}/{quote(storage_key)}?{query}"


def verify(settings: Settings, storage_key: str, *, expires: int, signature: str) -> bool:
    """True when the signature matches (constant-time) and has not expired."""
    expected = _signature(signing_key(settings), storage_key, expires)
    # compare_digest refuses non-ASCII str: compare bytes, so a forged signature is just "no match".
    given = signature.encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected.encode("ascii"), given) and expires >= time.time()


def content_type_of(path: Path) -> str:
    """The Content-Type a stored file is served with."""
    return {
        ".jpg": "image/jpeg",
        ".png": "image/png",
        ".webp": "image/webp",
        ".mp4": "video/mp4",
        ".mov": "video/quicktime",
        ".webm": "video/webm",
        ".mkv": "video/x-matroska",
    }.get(path.suffix.lower(), "application/octet-stream")
