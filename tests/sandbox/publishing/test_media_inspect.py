"""media_inspect: Meta's image and video rules on real generated files, and on hand-made infos."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from graph_sandbox.media_inspect import (
    MediaKind,
    VideoInfo,
    check_video,
    inspect,
    moov_before_mdat,
    probe_video,
)
from tests.fixtures import media_factory


class TestImages:
    def test_accepts_a_square_jpeg(self) -> None:
        result = inspect(media_factory.jpeg(1080, 1080), MediaKind.FEED_IMAGE)
        assert result.ok
        assert result.image is not None
        assert (result.image.format, result.image.width, result.image.height) == ("JPEG", 1080, 1080)

    @pytest.mark.parametrize("maker", [media_factory.png, media_factory.webp, media_factory.mpo])
    def test_refuses_anything_but_plain_jpeg(self, maker: object) -> None:
        result = inspect(maker(), MediaKind.FEED_IMAGE)  # type: ignore[operator]
        assert result.error is not None
        assert (result.error.code, result.error.subcode) == (36001, 2207005)

    def test_refuses_bytes_that_are_no_image(self) -> None:
        error = inspect(b"<html>not found</html>", MediaKind.FEED_IMAGE).error
        assert error is not None
        assert error.subcode == 2207005

    def test_refuses_more_than_8_mib(self) -> None:
        error = inspect(
            media_factory.jpeg(400, 400, size_padding=8 * 1024 * 1024), MediaKind.FEED_IMAGE
        ).error
        assert error is not None
        assert (error.code, error.subcode) == (36000, 2207004)
        assert error.user_msg == "The image is too large to download. It should be less than 8 MiB."

    @pytest.mark.parametrize(("width", "height"), [(1080, 1350), (1080, 566), (1080, 1080)])
    def test_accepts_feed_aspect_ratios_at_the_limits(self, width: int, height: int) -> None:
        assert inspect(media_factory.jpeg(width, height), MediaKind.FEED_IMAGE).ok

    @pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1080, 1400), (1080, 500)])
    def test_refuses_feed_aspect_ratios_outside_4_5_to_1_91(self, width: int, height: int) -> None:
        error = inspect(media_factory.jpeg(width, height), MediaKind.CAROUSEL_IMAGE).error
        assert error is not None
        assert (error.code, error.subcode) == (36003, 2207009)

    def test_stories_accept_9_16(self) -> None:
        assert inspect(media_factory.jpeg(1080, 1920), MediaKind.STORY_IMAGE).ok

    def test_notes_widths_meta_rescales(self) -> None:
        assert inspect(media_factory.jpeg(200, 200), MediaKind.FEED_IMAGE).notes


class TestVideos:
    def test_accepts_a_faststart_h264_reel(self) -> None:
        result = inspect(media_factory.mp4(90, 160, seconds=3, fps=24), MediaKind.REEL)
        assert result.ok, result.problems
        assert result.video is not None
        assert result.video.video_codec == "h264"
        assert result.video.audio_codec == "aac"
        assert result.video.fps == 24

    def test_accepts_hevc_in_a_mov(self) -> None:
        assert inspect(media_factory.mp4(codec="hevc", container="mov"), MediaKind.STORY_VIDEO).ok

    def test_refuses_mpeg4_part2(self) -> None:
        error = inspect(media_factory.mp4(codec="mpeg4"), MediaKind.REEL).error
        assert error is not None
        assert (error.code, error.subcode) == (352, 2207026)

    def test_refuses_moov_after_mdat(self) -> None:
        data = media_factory.mp4(faststart=False)
        assert not moov_before_mdat(data)
        error = inspect(data, MediaKind.REEL).error
        assert error is not None
        assert error.subcode == 2207026

    def test_refuses_garbage(self) -> None:
        assert probe_video(b"\x00" * 100) is None
        error = inspect(media_factory.jpeg(), MediaKind.REEL).error
        assert error is not None
        assert error.subcode == 2207026

    def test_refuses_a_too_short_reel(self) -> None:
        error = inspect(media_factory.mp4(seconds=2, audio=False), MediaKind.REEL).error
        assert error is not None
        assert error.subcode == 2207076

    def test_refuses_a_frame_rate_under_23(self) -> None:
        error = inspect(media_factory.mp4(fps=15), MediaKind.REEL).error
        assert error is not None
        assert error.subcode == 2207076

    def test_story_video_longer_than_60s_is_refused(self) -> None:
        data = media_factory.mp4(36, 64, seconds=61, audio=False)
        assert inspect(data, MediaKind.REEL).ok
        error = inspect(data, MediaKind.STORY_VIDEO).error
        assert error is not None
        assert error.subcode == 2207076

    def test_carousel_video_must_be_4_5_to_16_9(self) -> None:
        assert inspect(media_factory.mp4(160, 90), MediaKind.CAROUSEL_VIDEO).ok
        assert not inspect(media_factory.mp4(90, 160), MediaKind.CAROUSEL_VIDEO).ok


class TestVideoRules:
    base = VideoInfo(
        "mov,mp4,m4a,3gp,3g2,mj2", "h264", 1080, 1920, 30.0, 30.0, 10_000_000, 2_000_000, "aac", 44_100, 2
    )

    def test_the_baseline_passes_for_every_video_kind(self) -> None:
        for kind in (MediaKind.REEL, MediaKind.STORY_VIDEO):
            assert check_video(self.base, kind) == []

    @pytest.mark.parametrize(
        ("change", "kind"),
        [
            ({"duration": 15 * 60 + 1}, MediaKind.REEL),
            ({"size": 300 * 1024 * 1024 + 1}, MediaKind.REEL),
            ({"size": 100 * 1024 * 1024 + 1}, MediaKind.STORY_VIDEO),
            ({"width": 2160, "height": 3840}, MediaKind.REEL),
            ({"fps": 61.0}, MediaKind.REEL),
            ({"bitrate": 30_000_000}, MediaKind.REEL),
            ({"width": 1080, "height": 12_000}, MediaKind.STORY_VIDEO),
        ],
    )
    def test_processing_limits_give_2207076(self, change: dict[str, object], kind: MediaKind) -> None:
        problems = check_video(replace(self.base, **change), kind)  # type: ignore[arg-type]
        assert [p.subcode for p in problems] == [2207076]

    @pytest.mark.parametrize(
        "change",
        [{"container": "avi"}, {"video_codec": "vp9"}, {"audio_codec": "mp3"}, {"moov_first": False}],
    )
    def test_format_problems_give_2207026(self, change: dict[str, object]) -> None:
        problems = check_video(replace(self.base, **change), MediaKind.REEL)  # type: ignore[arg-type]
        assert [(p.code, p.subcode) for p in problems] == [(352, 2207026)]


class TestMediaFactory:
    def test_every_maker_is_fast_and_small(self) -> None:
        for make in (
            media_factory.jpeg,
            media_factory.png,
            media_factory.webp,
            lambda: media_factory.mp4(seconds=3),
            lambda: media_factory.mp4(codec="hevc"),
        ):
            started = time.perf_counter()
            data = make()
            assert time.perf_counter() - started < 0.5
            assert len(data) < 100_000
