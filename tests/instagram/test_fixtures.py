"""Every recorded Graph response in tests/graph_fixtures is parsed by the client method reading it."""

from __future__ import annotations

import json

import httpx
import pytest

from clipper.instagram import InvalidParameterError
from clipper.instagram.error_mapping import error_from_response
from clipper.instagram.schemas import (
    Comment,
    Conversation,
    DebugToken,
    Edge,
    GraphObject,
    InstagramAccount,
    Media,
    Message,
    Page,
)
from tests.fixtures.paths import GRAPH_FIXTURES

FIXTURES = GRAPH_FIXTURES
APP = {"app_id": "1234", "app_secret": "app-secret-value"}


def _ids(client):
    return client.get_objects(["a", "b"], fields="id")


# path -> (call on a client answering with the fixture, check on the result)
READERS = {
    "base/long_term_token.json": (
        lambda c: c.exchange_for_long_lived_token("short"),
        lambda r: r.expires_in == 5184000,
    ),
    "base/token_info.json": (
        lambda c: c.debug_token("tok"),
        lambda r: isinstance(r, DebugToken) and r.is_valid and r.granular_scopes[0].scope == "manage_pages",
    ),
    "base/user_accounts_token.json": (
        lambda c: c.get_facebook_pages(),
        lambda r: r[0].id == "2121008874780932" and r[0].instagram_business_account is None,
    ),
    "facebook/apidata/users/user_accounts_p2.json": (lambda c: c.get_facebook_pages(), lambda r: len(r) == 2),
    "facebook/apidata/conversations/cvs_info.json": (
        lambda c: c.get_conversation("t_587956915396498"),
        lambda r: isinstance(r, Conversation) and r.unread_count == 1,
    ),
    "facebook/apidata/conversations/cvses_info.json": (
        _ids,
        lambda r: all(Conversation.model_validate(v.model_dump()).updated_time for v in r.values()),
    ),
    "facebook/apidata/messages/message_info.json": (
        lambda c: c.get_message("m"),
        lambda r: r.from_.name == "Kun Liu" and r["from"].id == "2711636948859886" and r.get("attachments"),
    ),
    "facebook/apidata/messages/messages_info.json": (
        _ids,
        lambda r: all(Message.model_validate(v.model_dump()).to.data for v in r.values()),
    ),
    "facebook/apidata/pages/single_fields_page.json": (
        lambda c: c.get_page("20531316728"),
        lambda r: isinstance(r, Page) and r.get("fan_count") == 214507731,
    ),
    "facebook/apidata/users/user.json": (
        lambda c: c.get_object("4"),
        lambda r: r["name"] == "Mark Zuckerberg",
    ),
    "instagram/apidata/comments/comment_fields.json": (
        lambda c: c.get_comment("c"),
        lambda r: isinstance(r, Comment) and r.like_count == 1,
    ),
    "instagram/apidata/comments/comments_fields.json": (
        _ids,
        lambda r: all(Comment.model_validate(v.model_dump()).text for v in r.values()),
    ),
    "instagram/apidata/comments/replies.json": (
        lambda c: c.get_replies("c"),
        lambda r: r[0].text.endswith("nihao"),
    ),
    "instagram/apidata/medias/children.json": (
        lambda c: c.iterate_pages("m/children").__anext__(),
        lambda r: Edge[Media].model_validate(r).data[1].shortcode == "CSwAtwPB1po",
    ),
    "instagram/apidata/medias/comments_p1.json": (
        lambda c: c.get_media_comments("m", max_items=2),
        lambda r: len(r) == 2,
    ),
    "instagram/apidata/medias/comments_p2.json": (
        lambda c: c.get_media_comments("m"),
        lambda r: r[1].id == "17914413430382429",
    ),
    "instagram/apidata/medias/insights.json": (
        lambda c: c.get_media_insights("m", ["reach", "saved"]),
        lambda r: [m.name for m in r] == ["reach", "saved", "impressions"] and r[0].value == 5,
    ),
    "instagram/apidata/medias/insights_new.json": (
        lambda c: c.get_media_insights("m", ["profile_activity"], breakdown="action_type"),
        lambda r: r[0].total_value.breakdowns[0].results[0].dimension_values == ["bio_link_clicked"],
    ),
    "instagram/apidata/medias/media_default.json": (
        lambda c: c.get_media_details("m"),
        lambda r: (
            r.caption == "ALBUM" and len(r.children.data) == 3 and r["children"].data[2].media_type == "VIDEO"
        ),
    ),
    "instagram/apidata/medias/medias_fields.json": (
        _ids,
        lambda r: Media.model_validate(r["17896129349106152"].model_dump()).children.data[0].permalink,
    ),
    "instagram/apidata/medias/product_tags.json": (
        lambda c: c.iterate_pages("m/product_tags").__anext__(),
        lambda r: Edge[GraphObject].model_validate(r).data[0]["x"] == 0.5,
    ),
    "instagram/apidata/publish/container_info.json": (
        lambda c: c.check_container_status("x"),
        lambda r: r.get("status_code") == "FINISHED",
    ),
    "instagram/apidata/publish/containers_info.json": (
        _ids,
        lambda r: all(v["status_code"] == "FINISHED" for v in r.values()),
    ),
    "instagram/apidata/publish/create_photo.json": (
        lambda c: c.create_image_container("ig", "https://cdn.example.com/a.jpg"),
        lambda r: r == "17889455560051444",
    ),
    "instagram/apidata/publish/create_video.json": (
        lambda c: c.create_video_container("ig", "https://cdn.example.com/a.mp4"),
        lambda r: r == "17889455560051447",
    ),
    "instagram/apidata/publish/publish_container.json": (
        lambda c: c.publish_container("ig", "17889455560051447"),
        lambda r: r == "17920238422030506",
    ),
    "instagram/apidata/publish/publish_limit_resp.json": (
        lambda c: c.get_content_publishing_limit("ig"),
        lambda r: r.config.quota_total == 25 and r.remaining == 25,
    ),
    "instagram/apidata/users/content_publish_limit.json": (
        lambda c: c.get_content_publishing_limit("ig"),
        lambda r: r.quota_usage == 0,
    ),
    "instagram/apidata/users/user_fields.json": (
        lambda c: c.get_instagram_account_info("ig"),
        lambda r: isinstance(r, InstagramAccount) and r.followers_count == 64363,
    ),
    "instagram/apidata/users/user_insights.json": (
        lambda c: c.get_account_insights("ig", ["reach"], metric_type="time_series"),
        lambda r: (
            {m.name: m.values[1].value for m in r} == {"impressions": 66, "reach": 36, "profile_views": 2}
        ),
    ),
    "instagram/apidata/users/user_insights_new.json": (
        lambda c: c.get_account_insights("ig", ["reach"], breakdown="media_product_type,follow_type"),
        lambda r: (
            r[0].total_value.value == 14516883
            and r[0].total_value.breakdowns[0].dimension_keys[1] == "follow_type"
        ),
    ),
    "instagram/apidata/users/mentioned_comment.json": (
        lambda c: c.get_instagram_account_info("ig", fields="mentioned_comment.comment_id(1){text}"),
        lambda r: Comment.model_validate(r["mentioned_comment"]).text == "@ikroskun good",
    ),
    "instagram/apidata/users/mentioned_media.json": (
        lambda c: c.get_instagram_account_info("ig", fields="mentioned_media.media_id(1){caption}"),
        lambda r: Media.model_validate(r["mentioned_media"]).media_type == "CAROUSEL_ALBUM",
    ),
    "instagram/apidata/stories/story_info.json": (
        lambda c: c.get_media_details("s"),
        lambda r: r.owner.id == "17841406338772941",
    ),
    "instagram/apidata/stories/stories_info.json": (
        _ids,
        lambda r: all(Media.model_validate(v.model_dump()).timestamp for v in r.values()),
    ),
}
# Edges of media (user media, stories, tags, live) read through get_user_media.
for name in (
    "instagram/apidata/users/medias_p1.json",
    "instagram/apidata/users/medias_p2.json",
    "instagram/apidata/users/stories.json",
    "instagram/apidata/users/tagged_medias.json",
    "instagram/apidata/users/live_medias.json",
    "instagram/apidata/stories/stories_default.json",
    "instagram/apidata/stories/stories_fields_p1.json",
    "instagram/apidata/stories/stories_fields_p2.json",
):
    READERS.setdefault(
        name, (lambda c: c.get_user_media("ig", max_items=2), lambda r: r and all(m.id for m in r))
    )


def _first_pages_page(pages):
    # The mock answers the `paging.next` call with the same page; the client stops at the repeated cursor.
    first = pages[:4]
    return (
        [p.id for p in first] == ["123", "1234", "123512", "1234624"]
        and [p.name for p in first] == ["AAAAAAAAA", "BBBBBBBB", "EEEEEEEE", "FFFFFFFFFF"]
        and first[0].tasks[0] == "ANALYZE"
        and all(isinstance(p, Page) and p.instagram_business_account is None for p in first)
        and first[0].access_token == "access_token"
        and "access_token" not in repr(first[0])
    )


READERS["facebook/apidata/users/user_accounts_p1.json"] = (
    lambda c: c.get_facebook_pages(),
    _first_pages_page,
)

# Catalog and hashtag edges the product does not read: parsed as generic edges.
for name in (
    "instagram/apidata/users/available_catalogs.json",
    "instagram/apidata/users/catalog_product_search.json",
    "instagram/apidata/users/hashtag_search.json",
    "instagram/apidata/users/product_appeal.json",
):
    READERS[name] = (
        lambda c: c.iterate_pages("ig/edge").__anext__(),
        lambda r: Edge[GraphObject].model_validate(r).data,
    )

READERS["instagram/apidata/users/recently_searched_hashtags.json"] = (
    lambda c: c.recently_searched_hashtags("17841400008460056"),
    lambda r: (
        [(h.id, h.name) for h in r]
        == [("17841562426109234", "developers"), ("17842331632070897", "facebook")]
    ),
)

ERRORS = ["error.json", "base/error_data.json"]
ALL = sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.json"))


def test_every_fixture_is_covered():
    assert sorted([*READERS, *ERRORS]) == ALL


@pytest.mark.parametrize("name", sorted(READERS))
async def test_client_parses(make_client, name):
    body = json.loads((FIXTURES / name).read_text())
    call, check = READERS[name]
    client = make_client(lambda request: httpx.Response(200, json=body), **APP)
    result = await call(client)
    assert check(result)


@pytest.mark.parametrize("name", ERRORS)
async def test_error_fixtures_map_to_the_parameter_leaf(make_client, name):
    body = json.loads((FIXTURES / name).read_text())
    error = error_from_response(400, body, {})
    assert isinstance(error, InvalidParameterError)
    assert error.code == 100
    assert error.fbtrace_id == body["error"]["fbtrace_id"]
    client = make_client(lambda request: httpx.Response(400, json=body))
    with pytest.raises(InvalidParameterError):
        await client.get_media_details("m")
