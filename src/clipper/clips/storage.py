"""Local storage of clip files: keys under `MEDIA_DIR`, thumbnails beside them, checksums, removal."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from clipper.config import Settings
from clipper.errors import ClipperError

CHUNK = 1 << 20


class PayloadTooLarge(ClipperError):
    status_code = 413
    default_message = "The file is too large."


def new_key(user_id: int, suffix: str) -> str:
    """A fresh, unguessable storage key for one of `user_id`'s files."""
    return f"clips/{user_id}/{secrets.token_hex(16)}{suffix}"


def thumbnail_key(key: str) -> str:
    """Where the JPEG thumbnail of the file at `key` lives."""
    return f"{key.rsplit('.', 1)[0]}.thumb.jpg"


def path_for(settings: Settings, key: str) -> Path:
    """The local path of `key`; keys never leave the media folder."""
    root = settings.media_path.resolve()
    path = (root / key).resolve()
    if not path.is_relative_to(root):
        raise ValueError("storage key escapes the media folder")
    return path


def limit_message(max_bytes: int) -> str:
    """The user-facing text naming the upload cap."""
    return f"The file is larger than the upload limit of {max_bytes / 1024 / 1024:g} MiB (MAX_UPLOAD_BYTES)."


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file (blocking)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def remove(settings: Settings, key: str) -> None:
    """Delete a file and its thumbnail; missing files are fine."""
    path_for(settings, key).unlink(missing_ok=True)
    path_for(settings, thumbnail_key(key)).unlink(missing_ok=True)
