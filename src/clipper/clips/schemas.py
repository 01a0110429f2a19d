"""Request and response bodies of `/api/v1/clips`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from clipper.clips.models import Clip, ClipKind, ClipStatus
from clipper.clips.qualify import qualify

MediaTypeName = Literal["IMAGE", "REELS", "STORIES", "CAROUSEL_ITEM"]


class QualificationRead(BaseModel):
    ok: bool
    reasons: list[str]


class ClipRead(BaseModel):
    """A clip, what probing found, whether it qualifies per media type, and signed URLs to fetch it."""

    id: int
    title: str
    filename: str
    content_type: str
    kind: ClipKind
    width: int | None
    height: int | None
    duration_seconds: float | None
    fps: float | None
    video_codec: str | None
    audio_codec: str | None
    has_audio: bool
    rotation: int
    size_bytes: int
    checksum_sha256: str | None
    parent_clip_id: int | None
    status: ClipStatus
    progress: int
    error_message: str | None
    created_at: datetime
    updated_at: datetime
    qualification: dict[str, QualificationRead]
    upload_fixes: list[str] = Field(
        description="What was fixed without re-encoding when the file was uploaded (e.g. index moved first)."
    )
    url: str | None = Field(description="Signed, expiring URL of the file (ready clips only).")
    thumbnail_url: str | None = Field(description="Signed, expiring URL of a JPEG thumbnail.")

    @classmethod
    def of(cls, clip: Clip, *, url: str | None, thumbnail_url: str | None) -> ClipRead:
        """The response for `clip` with its signed URLs."""
        checks = {name: QualificationRead(ok=q.ok, reasons=q.reasons) for name, q in qualify(clip).items()}
        fields = {name: getattr(clip, name) for name in cls.model_fields if hasattr(clip, name)}
        fixes = [str(fix) for fix in (clip.probe or {}).get("upload_fixes", [])]
        extra = {"qualification": checks, "upload_fixes": fixes, "url": url, "thumbnail_url": thumbnail_url}
        return cls(**fields | extra)


class ClipPage(BaseModel):
    items: list[ClipRead]
    next_cursor: int | None


class ConformRequest(BaseModel):
    media_type: MediaTypeName
    fit: Literal["crop", "pad"] = "crop"


class TrimRequest(BaseModel):
    start: float = Field(ge=0)
    end: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> TrimRequest:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self
