"""rules: classifying a container request and the §3.1 parameter rules; lifecycle: the status machine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from graph_sandbox.errors import GraphError
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.rules import Kind, classify, validate
from graph_sandbox.world import Container

IMG = "https://cdn.example/a.jpg"
VID = "https://cdn.example/a.mp4"


def _error(params: dict[str, str]) -> GraphError:
    with pytest.raises(GraphError) as caught:
        validate(params)
    return caught.value


class TestClassify:
    @pytest.mark.parametrize(
        ("params", "kind"),
        [
            ({"image_url": IMG}, Kind.IMAGE),
            ({"image_url": IMG, "is_carousel_item": "true"}, Kind.CHILD_IMAGE),
            ({"media_type": "VIDEO", "video_url": VID, "is_carousel_item": "true"}, Kind.CHILD_VIDEO),
            ({"media_type": "REELS", "video_url": VID}, Kind.REELS),
            ({"media_type": "STORIES", "image_url": IMG}, Kind.STORY_IMAGE),
            ({"media_type": "STORIES", "video_url": VID}, Kind.STORY_VIDEO),
            ({"media_type": "STORIES", "upload_type": "resumable"}, Kind.STORY_VIDEO),
            ({"media_type": "CAROUSEL", "children": "1,2"}, Kind.CAROUSEL),
        ],
    )
    def test_kinds(self, params: dict[str, str], kind: Kind) -> None:
        assert classify(params) is kind

    def test_standalone_video_is_2207023(self) -> None:
        error = _error({"media_type": "VIDEO", "video_url": VID})
        assert (error.code, error.subcode) == (100, 2207023)

    def test_reels_cannot_be_carousel_items(self) -> None:
        error = _error({"media_type": "REELS", "video_url": VID, "is_carousel_item": "true"})
        assert error.subcode == 2207023

    def test_unknown_media_type(self) -> None:
        assert _error({"media_type": "GIF", "image_url": IMG}).subcode == 2207023

    def test_image_url_is_required_for_images(self) -> None:
        assert _error({"caption": "hi"}).message == "(#100) The parameter image_url is required"


class TestApplicability:
    @pytest.mark.parametrize(
        "params",
        [
            {"image_url": IMG, "is_carousel_item": "true", "caption": "no"},
            {"image_url": IMG, "is_carousel_item": "true", "location_id": "1"},
            {"media_type": "REELS", "video_url": VID, "alt_text": "x"},
            {"media_type": "STORIES", "image_url": IMG, "collaborators": '["a"]'},
            {"image_url": IMG, "share_to_feed": "true"},
            {"image_url": IMG, "cover_url": IMG},
            {"image_url": IMG, "trial_params": '{"graduation_strategy":"MANUAL"}'},
            {"image_url": IMG, "audio_name": "x"},
            {"media_type": "VIDEO", "video_url": VID, "is_carousel_item": "true", "user_tags": "[]"},
        ],
    )
    def test_parameters_outside_their_media_type_are_refused(self, params: dict[str, str]) -> None:
        error = _error(params)
        assert error.code == 100
        assert "is not supported for" in error.message

    def test_a_reel_takes_every_reel_option(self) -> None:
        spec = validate(
            {
                "media_type": "REELS",
                "video_url": VID,
                "caption": "hello #one @two",
                "share_to_feed": "false",
                "cover_url": IMG,
                "thumb_offset": "500",
                "audio_name": "My sound",
                "trial_params": json.dumps({"graduation_strategy": "SS_PERFORMANCE"}),
                "collaborators": json.dumps(["a", "b", "c"]),
                "user_tags": json.dumps([{"username": "friend"}]),
                "location_id": "106078429431815",
            }
        )
        assert spec.kind is Kind.REELS
        assert (spec.share_to_feed, spec.thumb_offset, len(spec.collaborators)) == (False, 500, 3)


class TestParameterValues:
    def test_caption_over_2200_characters(self) -> None:
        error = _error({"image_url": IMG, "caption": "x" * 2201})
        assert (error.code, error.subcode) == (36004, 2207010)

    def test_caption_with_31_hashtags(self) -> None:
        error = _error({"image_url": IMG, "caption": " ".join(f"#t{i}" for i in range(31))})
        assert (error.code, error.subcode) == (36004, 2207010)

    def test_caption_with_21_mentions(self) -> None:
        error = _error({"image_url": IMG, "caption": " ".join(f"@u{i}" for i in range(21))})
        assert (error.code, error.subcode) == (100, 2207040)

    def test_30_hashtags_and_20_mentions_are_fine(self) -> None:
        caption = " ".join([f"#t{i}" for i in range(30)] + [f"@u{i}" for i in range(20)])
        assert validate({"image_url": IMG, "caption": caption}).kind is Kind.IMAGE

    @pytest.mark.parametrize(
        "tags",
        ['[{"username": "a"}]', '[{"username": "a", "x": 1.2, "y": 0.5}]', '{"username": "a"}', "not json"],
    )
    def test_image_user_tags_need_x_and_y_within_0_1(self, tags: str) -> None:
        assert _error({"image_url": IMG, "user_tags": tags}).code == 100

    def test_story_user_tags_may_omit_coordinates(self) -> None:
        spec = validate({"media_type": "STORIES", "image_url": IMG, "user_tags": '[{"username": "a"}]'})
        assert spec.user_tags == [{"username": "a"}]

    def test_more_than_3_collaborators(self) -> None:
        assert _error({"image_url": IMG, "collaborators": '["a","b","c","d"]'}).code == 100

    def test_negative_thumb_offset_is_2207057(self) -> None:
        error = _error({"media_type": "REELS", "video_url": VID, "thumb_offset": "-1"})
        assert (error.code, error.subcode) == (1, 2207057)

    def test_trial_params_need_a_known_strategy(self) -> None:
        assert _error(
            {"media_type": "REELS", "video_url": VID, "trial_params": '{"graduation_strategy":"X"}'}
        )

    def test_upload_type_must_be_resumable(self) -> None:
        assert _error({"media_type": "REELS", "upload_type": "chunked"}).code == 100


class TestLifecycle:
    created = datetime(2026, 1, 1, tzinfo=UTC)

    def _container(self) -> Container:
        return Container(id="17900000000000001", ig_user_id="17841400000000001", created_at=self.created)

    def test_stays_in_progress_until_ready_and_outcome_known(self) -> None:
        container = self._container()
        lifecycle.mark_processing(container, self.created + timedelta(seconds=5))
        assert lifecycle.resolve(container, self.created + timedelta(seconds=10)) == lifecycle.IN_PROGRESS
        lifecycle.record_success(container)
        assert lifecycle.resolve(container, self.created + timedelta(seconds=1)) == lifecycle.IN_PROGRESS
        assert lifecycle.resolve(container, self.created + timedelta(seconds=5)) == lifecycle.FINISHED
        assert container.status == "Finished: Media has been uploaded and it is ready to be published."

    def test_error_embeds_the_subcode(self) -> None:
        container = self._container()
        lifecycle.mark_processing(container, self.created)
        lifecycle.record_failure(container, 352, 2207026)
        assert lifecycle.resolve(container, self.created) == lifecycle.ERROR
        assert container.status == "Error: Media upload has failed with error code 2207026"

    def test_expires_after_24_hours_unless_published(self) -> None:
        stale, published = self._container(), self._container()
        lifecycle.mark_published(published, "1")
        later = self.created + timedelta(hours=24)
        assert lifecycle.resolve(stale, later) == lifecycle.EXPIRED
        assert lifecycle.resolve(published, later) == lifecycle.PUBLISHED
