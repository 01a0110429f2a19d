"""Qualification agrees with the sandbox's copy of Meta's media checks, and explains itself in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from clipper.clips.models import Clip, ClipStatus
from clipper.clips.probe import probe_file
from clipper.clips.qualify import aspect_name, qualifies_for, qualify
from clipper.db import load_models
from graph_sandbox.media_inspect import MediaKind, inspect
from tests.fixtures import media_factory

load_models()  # Clip's relationships name the other models

SANDBOX_KINDS = {
    "IMAGE": {"image": MediaKind.FEED_IMAGE},
    "CAROUSEL_ITEM": {"image": MediaKind.CAROUSEL_IMAGE, "video": MediaKind.CAROUSEL_VIDEO},
    "STORIES": {"image": MediaKind.STORY_IMAGE, "video": MediaKind.STORY_VIDEO},
    "REELS": {"video": MediaKind.REEL},
}
SAMPLES = {
    "jpeg square": lambda: media_factory.jpeg(1080, 1080),
    "jpeg 4:5": lambda: media_factory.jpeg(1080, 1350),
    "jpeg 9:16": lambda: media_factory.jpeg(1080, 1920),
    "jpeg 1.91:1": lambda: media_factory.jpeg(1080, 566),
    "jpeg too wide": lambda: media_factory.jpeg(1200, 400),
    "jpeg too big": lambda: media_factory.jpeg(100, 100, size_padding=9 * 1024 * 1024),
    "png": lambda: media_factory.png(800, 800),
    "webp": lambda: media_factory.webp(800, 800),
    "mpo": lambda: media_factory.mpo(),
    "reel": lambda: media_factory.mp4(90, 160),
    "reel without audio": lambda: media_factory.mp4(90, 160, audio=False),
    "hevc reel": lambda: media_factory.mp4(90, 160, codec="hevc", audio=False),
    "mov reel": lambda: media_factory.mp4(90, 160, container="mov"),
    "wide video": lambda: media_factory.mp4(160, 90),
    "square video": lambda: media_factory.mp4(120, 120),
    "short video": lambda: media_factory.mp4(90, 160, seconds=1, audio=False),
    "slow video": lambda: media_factory.mp4(90, 160, fps=15),
    "mpeg4 video": lambda: media_factory.mp4(90, 160, codec="mpeg4"),
    "moov last": lambda: media_factory.mp4(90, 160, faststart=False),
    "too wide video": lambda: media_factory.mp4(1928, 1084, seconds=1, audio=False),
}


def _clip(tmp_path: Path, data: bytes) -> Clip:
    path = tmp_path / "media"
    path.write_bytes(data)
    probed = probe_file(path)
    return Clip(size_bytes=len(data), status=ClipStatus.READY, **probed.columns())


@pytest.mark.parametrize("name", list(SAMPLES))
def test_whatever_qualifies_passes_the_sandbox(tmp_path: Path, name: str) -> None:
    data = SAMPLES[name]()
    clip = _clip(tmp_path, data)
    for media_type, verdict in qualify(clip).items():
        kind = SANDBOX_KINDS[media_type].get(clip.kind.value)
        if verdict.ok:
            assert kind is not None, (name, media_type)
            assert inspect(data, kind).ok, (name, media_type, inspect(data, kind).problems)
        elif kind is not None and not inspect(data, kind).ok:
            assert verdict.reasons, (name, media_type)


class TestReasons:
    def test_a_wide_video_for_each_media_type(self, tmp_path: Path) -> None:
        clip = _clip(tmp_path, media_factory.mp4(160, 90))
        assert qualify(clip)["REELS"].reasons == ["video is 16:9 at 160×90; reels need 9:16 — conform it"]
        assert qualify(clip)["STORIES"].reasons == ["video is 16:9 at 160×90; stories need 9:16 — conform it"]
        assert qualify(clip)["CAROUSEL_ITEM"].ok
        assert qualifies_for(clip, "IMAGE") == [
            "IMAGE posts need a photo; this clip is a video — publish it as REELS"
        ]

    def test_format_problems_are_all_listed(self, tmp_path: Path) -> None:
        clip = _clip(tmp_path, media_factory.mp4(90, 160, codec="mpeg4", faststart=False, fps=15))
        assert qualifies_for(clip, "REELS") == [
            "the file's index (moov atom) comes after the media data; it must come first — conform it",
            "video codec is mpeg4; Instagram takes H.264 or HEVC — conform it",
            "video runs at 15 fps; Instagram needs 23 to 60 fps — conform it",
        ]

    def test_long_videos_must_be_trimmed_for_stories(self, tmp_path: Path) -> None:
        clip = _clip(tmp_path, media_factory.mp4(90, 160))
        clip.duration_seconds = 75.0
        assert qualifies_for(clip, "STORIES") == [
            "video is 75.0 s long; stories allow at most 60 s — trim it"
        ]
        assert qualifies_for(clip, "REELS") == []

    def test_images(self, tmp_path: Path) -> None:
        clip = _clip(tmp_path, media_factory.mpo())
        assert qualifies_for(clip, "IMAGE") == [
            "image is a multi-picture JPEG (MPO); Instagram takes plain JPEG only — conform it"
        ]
        assert qualifies_for(clip, "REELS") == ["reels need a video; this clip is an image"]
        square = _clip(tmp_path, media_factory.jpeg(1080, 1080))
        assert qualifies_for(square, "STORIES") == [
            "image is 1:1 at 1080×1080; stories need 9:16 — conform it"
        ]
        wide = _clip(tmp_path, media_factory.jpeg(1200, 400))
        assert qualifies_for(wide, "CAROUSEL_ITEM") == [
            "image is 3:1 at 1200×400; carousel items need 4:5 to 1.91:1 — conform it"
        ]

    def test_processing_and_failed_clips_qualify_for_nothing(self, tmp_path: Path) -> None:
        clip = _clip(tmp_path, media_factory.jpeg(1080, 1080))
        clip.status = ClipStatus.FAILED
        clip.error_message = "boom"
        assert qualifies_for(clip, "IMAGE") == ["clip failed to process: boom"]
        with pytest.raises(ValueError, match="unknown media type"):
            qualifies_for(clip, "VIDEO")

    @pytest.mark.parametrize(
        ("size", "name"),
        [((1920, 1080), "16:9"), ((1080, 1350), "4:5"), ((1080, 566), "1.91:1"), ((1234, 1000), "1.23:1")],
    )
    def test_aspect_names(self, size: tuple[int, int], name: str) -> None:
        assert aspect_name(*size) == name
