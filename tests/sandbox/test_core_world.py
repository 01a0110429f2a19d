"""Id formats, the seeded world, the clock, the CDN store and the permission names."""

from __future__ import annotations

import re
from datetime import timedelta

from graph_sandbox.clock import Clock, graph_time
from graph_sandbox.config import SandboxConfig
from graph_sandbox.ids import IdFactory, fbtrace_id
from graph_sandbox.permissions import (
    INSTAGRAM_LOGIN_PERMISSIONS,
    PRODUCT_PERMISSIONS,
    LoginFlavour,
    first_missing,
    invalid_scopes,
)
from graph_sandbox.state import Sandbox


class TestIds:
    def test_formats(self):
        ids = IdFactory(seed=3)
        assert re.fullmatch(r"178414\d{11}", ids.ig_user())
        assert all(re.fullmatch(r"1[78]\d{15,16}", ids.media()) for _ in range(50))
        assert all(re.fullmatch(r"\d{15,16}", ids.page()) for _ in range(20))
        assert re.fullmatch(r"EAA[A-Za-z0-9]+", ids.token())
        assert re.fullmatch(r"[A-Za-z0-9_-]{11}", ids.shortcode())
        assert re.fullmatch(r"A[A-Za-z0-9_-]{22}", fbtrace_id())

    def test_unique_and_deterministic_per_seed(self):
        assert IdFactory(seed=5).media() == IdFactory(seed=5).media()
        ids = IdFactory(seed=5)
        assert len({ids.media() for _ in range(500)}) == 500


class TestSeed:
    def test_one_user_three_pages_two_linked(self):
        world = Sandbox(SandboxConfig()).world
        creator = world.fb_users[world.default_fb_user_id]
        assert creator.name == "Sandbox Creator"
        pages = [world.pages[p] for p in creator.page_ids]
        assert sum(1 for p in pages if p.ig_user_id) == 2
        assert {world.ig_users[p.ig_user_id].username for p in pages if p.ig_user_id} == {
            "sandbox.creator",
            "sandbox.studio",
        }

    def test_each_account_has_images_a_reel_and_a_carousel_with_comments(self):
        world = Sandbox(SandboxConfig()).world
        for ig in world.ig_users.values():
            media = world.media_of(ig.id)
            kinds = {(m.media_type, m.media_product_type) for m in media}
            assert kinds == {("IMAGE", "FEED"), ("VIDEO", "REELS"), ("CAROUSEL_ALBUM", "FEED")}
            album = next(m for m in media if m.media_type == "CAROUSEL_ALBUM")
            assert len(album.children) >= 2
            assert all(world.media[c].parent_id == album.id for c in album.children)
            replies = [
                c for m in media for c in world.comments.values() if c.media_id == m.id and c.parent_id
            ]
            assert replies

    def test_conversations_inside_and_outside_the_window(self):
        sandbox = Sandbox(SandboxConfig())
        world, now = sandbox.world, sandbox.clock.now()
        for ig in world.ig_users.values():
            ages = []
            for conversation in (c for c in world.conversations.values() if c.ig_user_id == ig.id):
                messages = [world.messages[m] for m in conversation.message_ids]
                last_user = max(m.created_time for m in messages if not m.is_echo)
                ages.append(now - last_user)
            assert sorted(age < timedelta(hours=24) for age in ages) == [False, True]
            assert max(ages) >= timedelta(days=3)

    def test_failure_path_users(self):
        world = Sandbox(SandboxConfig()).world
        by_name = {u.name: u for u in world.fb_users.values()}
        assert by_name["Nora Nopages"].page_ids == []
        (uma_page,) = by_name["Uma Unlinked"].page_ids
        assert world.pages[uma_page].ig_user_id is None

    def test_same_seed_same_world(self):
        one, two = Sandbox(SandboxConfig(seed=9)).world, Sandbox(SandboxConfig(seed=9)).world
        assert list(one.ig_users) == list(two.ig_users)
        assert list(one.media) == list(two.media)

    def test_lookup_finds_every_kind(self):
        world = Sandbox(SandboxConfig()).world
        for kind, table in (("page", world.pages), ("ig_user", world.ig_users), ("media", world.media)):
            node_id = next(iter(table))
            assert world.lookup(node_id) == (kind, table[node_id])
        assert world.lookup("0") is None


class TestClock:
    def test_advance_and_reset(self):
        clock = Clock()
        before = clock.now()
        clock.advance(3600)
        assert clock.now() - before >= timedelta(hours=1)
        assert clock.now().tzinfo is not None
        clock.reset()
        assert clock.offset_seconds == 0

    def test_graph_time_format(self):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", graph_time(Clock().now()))


class TestCdnStore:
    def test_urls_follow_the_public_url(self):
        sandbox = Sandbox(SandboxConfig(public_url="http://one.test/sandbox/"))
        url = sandbox.cdn.put(b"abc", "image/jpeg")
        assert re.fullmatch(r"http://one\.test/sandbox/cdn/[0-9a-f]{32}\.jpg", url)
        sandbox.config.public_url = "http://two.test"
        assert sandbox.cdn.get_by_url(sandbox.cdn.url(url.rsplit("/", 1)[1])).data == b"abc"


class TestPermissionNames:
    def test_a_name_of_one_login_never_satisfies_the_other_s(self):
        pairs = (
            ("instagram_business_content_publish", "instagram_content_publish"),
            ("instagram_business_manage_insights", "instagram_manage_insights"),
            ("instagram_business_basic", "instagram_basic"),
            ("instagram_content_publish", "instagram_business_content_publish"),
        )
        for granted, required in pairs:
            assert first_missing([granted], [required]) == required
        assert first_missing(["instagram_basic"], ["instagram_basic"]) is None

    def test_the_product_set_holds_every_classic_instagram_permission(self):
        required = (
            "instagram_basic",
            "instagram_content_publish",
            "instagram_manage_comments",
            "instagram_manage_insights",
            "instagram_manage_messages",
            "pages_show_list",
            "pages_read_engagement",
            "pages_manage_metadata",
        )
        assert first_missing(PRODUCT_PERMISSIONS, required) is None
        assert invalid_scopes(LoginFlavour.FACEBOOK, PRODUCT_PERMISSIONS) == []

    def test_each_flavour_s_dialog_grants_only_its_own_names(self):
        assert invalid_scopes(LoginFlavour.FACEBOOK, INSTAGRAM_LOGIN_PERMISSIONS) == list(
            INSTAGRAM_LOGIN_PERMISSIONS
        )
        assert invalid_scopes(LoginFlavour.INSTAGRAM, ["instagram_basic", "instagram_business_basic"]) == [
            "instagram_basic"
        ]
