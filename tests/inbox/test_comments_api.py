"""Comment endpoints against the sandbox: threads, reply, hide, delete, bulk, on/off, rules, isolation."""

from __future__ import annotations

import pytest

from tests.fixtures.inbox import API, busiest_media, connect


@pytest.fixture
async def synced(client, owner):
    response = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
    assert response.status_code == 200, response.text
    return response.json()


def world(app):
    return app.state.sandbox_app.state.sandbox.world


class TestBackfill:
    async def test_stores_comments_replies_and_conversations_in_few_calls(self, synced):
        assert synced["errors"] == []
        assert synced["media"] > 0
        assert synced["new_comments"] > 0
        assert synced["conversations"] == 2

    async def test_media_thread_has_replies(self, client, app, owner, synced):
        media_id = await busiest_media(client, owner.ig_id)
        response = await client.get(
            f"{API}/media/{media_id}/comments",
            params={"account_id": owner.account["id"]},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        expected = [c.id for c in world(app).comments_of(media_id)]
        assert [c["platform_comment_id"] for c in items] == expected
        with_replies = [c for c in items if c["replies"]]
        assert with_replies
        assert all(
            r["parent_platform_id"] == c["platform_comment_id"] for c in with_replies for r in c["replies"]
        )


class TestModeration:
    async def test_hide_unhide_delete(self, client, app, owner, synced):
        inbox = (await client.get(f"{API}/comments", headers=owner.headers)).json()["items"]
        target = inbox[0]
        hidden = await client.post(
            f"{API}/comments/{target['id']}/hide", json={"hide": True}, headers=owner.headers
        )
        assert hidden.json()["hidden"] is True
        assert world(app).comments[target["platform_comment_id"]].hidden is True
        shown = await client.post(
            f"{API}/comments/{target['id']}/hide", json={"hide": False}, headers=owner.headers
        )
        assert shown.json()["hidden"] is False
        deleted = await client.delete(f"{API}/comments/{target['id']}", headers=owner.headers)
        assert deleted.status_code == 204
        assert world(app).comments[target["platform_comment_id"]].deleted is True
        again = await client.delete(f"{API}/comments/{target['id']}", headers=owner.headers)
        assert again.status_code == 404

    async def test_bulk_reports_per_id(self, client, app, owner, synced):
        inbox = (await client.get(f"{API}/comments", params={"limit": 3}, headers=owner.headers)).json()[
            "items"
        ]
        ids = [c["id"] for c in inbox[:2]]
        response = await client.post(
            f"{API}/comments/bulk", json={"ids": [*ids, 999999], "action": "hide"}, headers=owner.headers
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [(r["id"], r["ok"]) for r in results] == [(ids[0], True), (ids[1], True), (999999, False)]
        assert all(world(app).comments[c["platform_comment_id"]].hidden for c in inbox[:2])
        marked = await client.post(
            f"{API}/comments/bulk",
            json={"ids": [inbox[2]["id"]], "action": "mark_answered"},
            headers=owner.headers,
        )
        assert marked.json()["results"][0]["ok"] is True
        answered = await client.get(f"{API}/comments", params={"status": "answered"}, headers=owner.headers)
        assert inbox[2]["id"] in [c["id"] for c in answered.json()["items"]]

    @pytest.mark.parametrize("action", ["unhide", "delete"])
    async def test_bulk_unhide_and_delete(self, client, app, owner, synced, action):
        inbox = (await client.get(f"{API}/comments", params={"limit": 2}, headers=owner.headers)).json()
        ids = [c["id"] for c in inbox["items"]]
        hidden = await client.post(
            f"{API}/comments/bulk", json={"ids": ids, "action": "hide"}, headers=owner.headers
        )
        assert all(r["ok"] for r in hidden.json()["results"])
        response = await client.post(
            f"{API}/comments/bulk", json={"ids": ids, "action": action}, headers=owner.headers
        )
        assert [(r["id"], r["ok"]) for r in response.json()["results"]] == [(i, True) for i in ids]
        seen = [world(app).comments[c["platform_comment_id"]] for c in inbox["items"]]
        remaining = (await client.get(f"{API}/comments", params={"limit": 100}, headers=owner.headers)).json()
        listed = {c["id"]: c for c in remaining["items"]}
        if action == "unhide":
            assert [c.hidden for c in seen] == [False, False]
            assert [listed[i]["hidden"] for i in ids] == [False, False]
        else:
            assert [c.deleted for c in seen] == [True, True]
            assert not set(ids) & set(listed)

    async def test_bulk_reports_a_meta_failure_on_one_id(self, client, app, owner, synced):
        items = (await client.get(f"{API}/comments", params={"limit": 3}, headers=owner.headers)).json()[
            "items"
        ]
        broken = items[1]["platform_comment_id"]
        fault = {"path": f"^{broken}$", "code": 100, "subcode": 33, "message": "Unsupported post request."}
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code == 201
        response = await client.post(
            f"{API}/comments/bulk",
            json={"ids": [c["id"] for c in items], "action": "hide"},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [(r["id"], r["ok"]) for r in results] == [(c["id"], i != 1) for i, c in enumerate(items)]
        assert results[1]["error"]
        assert [world(app).comments[c["platform_comment_id"]].hidden for c in items] == [True, False, True]
        hidden = await client.get(f"{API}/comments", params={"status": "hidden"}, headers=owner.headers)
        assert {c["id"] for c in hidden.json()["items"]} == {items[0]["id"], items[2]["id"]}

    async def test_turn_comments_off_and_on(self, client, app, owner):
        media_id = await busiest_media(client, owner.ig_id)
        body = {"account_id": owner.account["id"], "enabled": False}
        response = await client.post(
            f"{API}/media/{media_id}/comment-settings", json=body, headers=owner.headers
        )
        assert response.json() == {"media_id": media_id, "enabled": False}
        assert world(app).media[media_id].comment_enabled is False
        again = await client.post(
            f"{API}/media/{media_id}/comment-settings", json={**body, "enabled": True}, headers=owner.headers
        )
        assert again.json() == {"media_id": media_id, "enabled": True}
        assert world(app).media[media_id].comment_enabled is True

    async def test_inbox_paginates_newest_first(self, client, owner, synced):
        first = (await client.get(f"{API}/comments", params={"limit": 2}, headers=owner.headers)).json()
        second = await client.get(
            f"{API}/comments", params={"limit": 2, "cursor": first["next_cursor"]}, headers=owner.headers
        )
        items = first["items"] + second.json()["items"]
        times = [c["commented_at"] for c in items]
        assert times == sorted(times, reverse=True)
        assert len({c["id"] for c in items}) == 4
        bad = await client.get(f"{API}/comments", params={"cursor": "!!"}, headers=owner.headers)
        assert bad.status_code == 422


class TestRules:
    async def test_crud_and_regex_validation(self, client, owner):
        base = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        unsupported = await client.post(
            base, json={"name": "x", "kind": "regex", "patterns": [r"(a)\1"]}, headers=owner.headers
        )
        assert unsupported.status_code == 422
        assert "RE2 syntax" in unsupported.json()["detail"]
        # Linear-time matching: a pattern that backtracks catastrophically elsewhere is harmless here.
        catastrophic = await client.post(
            base, json={"name": "x", "kind": "regex", "patterns": [r"\w*\w*\w*\w*!"]}, headers=owner.headers
        )
        assert catastrophic.status_code == 201
        await client.delete(f"{base}/{catastrophic.json()['id']}", headers=owner.headers)
        too_long = await client.post(base, json={"name": "x", "patterns": ["a" * 201]}, headers=owner.headers)
        assert too_long.status_code == 422
        created = await client.post(
            base,
            json={"name": "Links", "kind": "regex", "patterns": [r"https?://\S+"], "action": "delete"},
            headers=owner.headers,
        )
        assert created.status_code == 201
        rule_id = created.json()["id"]
        patched = await client.patch(f"{base}/{rule_id}", json={"enabled": False}, headers=owner.headers)
        assert patched.json()["enabled"] is False
        assert [r["id"] for r in (await client.get(base, headers=owner.headers)).json()["items"]] == [rule_id]
        assert (await client.delete(f"{base}/{rule_id}", headers=owner.headers)).status_code == 204

    async def test_the_list_is_paginated_oldest_first(self, client, owner):
        base = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        for number in range(5):
            created = await client.post(
                base, json={"name": f"r{number}", "patterns": [f"w{number}"]}, headers=owner.headers
            )
            assert created.status_code == 201
        names, cursor, pages = [], None, 0
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(base, params=params, headers=owner.headers)).json()
            names += [rule["name"] for rule in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert (names, pages) == ([f"r{n}" for n in range(5)], 3)
        bad = await client.get(base, params={"cursor": "nope"}, headers=owner.headers)
        assert bad.status_code == 422


class TestIsolation:
    async def test_another_users_ids_are_404(self, client, signup, owner, synced):
        stranger = await connect(client, signup, username="sandbox.studio")
        comment = (await client.get(f"{API}/comments", headers=owner.headers)).json()["items"][0]
        h = stranger.headers
        assert (await client.get(f"{API}/comments", headers=h)).json()["items"] == []
        assert (
            await client.post(f"{API}/comments/{comment['id']}/reply", json={"message": "x"}, headers=h)
        ).status_code == 404
        assert (
            await client.post(f"{API}/comments/{comment['id']}/hide", json={"hide": True}, headers=h)
        ).status_code == 404
        assert (await client.delete(f"{API}/comments/{comment['id']}", headers=h)).status_code == 404
        assert (
            await client.post(
                f"{API}/comments/{comment['id']}/private-reply", json={"message": "x"}, headers=h
            )
        ).status_code == 404
        bulk = await client.post(
            f"{API}/comments/bulk", json={"ids": [comment["id"]], "action": "delete"}, headers=h
        )
        assert bulk.json()["results"][0]["ok"] is False
        media = f"{API}/media/{comment['media_id']}/comments"
        assert (
            await client.get(media, params={"account_id": owner.account["id"]}, headers=h)
        ).status_code == 404
        rules = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        assert (await client.get(rules, headers=h)).status_code == 404
        assert (await client.post(rules, json={"name": "x", "patterns": ["a"]}, headers=h)).status_code == 404
        assert (
            await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=h)
        ).status_code == 404
        conversation = (await client.get(f"{API}/conversations", headers=owner.headers)).json()["items"][0]
        assert (await client.get(f"{API}/conversations", headers=h)).json()["items"] == []
        assert (
            await client.get(f"{API}/conversations/{conversation['id']}/messages", headers=h)
        ).status_code == 404
        sent = await client.post(
            f"{API}/conversations/{conversation['id']}/messages", json={"text": "x"}, headers=h
        )
        assert sent.status_code == 404

    async def test_anonymous_is_401(self, client):
        assert (await client.get(f"{API}/comments")).status_code == 401
        assert (await client.get(f"{API}/conversations")).status_code == 401


class TestGraphErrors:
    async def test_meta_errors_become_actionable_4xx(self, client, app, owner, synced):
        app.state.resources.graph.max_retries = 0  # the rate-limit case would otherwise back off for seconds
        comment = (await client.get(f"{API}/comments", headers=owner.headers)).json()["items"][0]
        url = f"{API}/comments/{comment['id']}/hide"
        # The 190 comes last: it marks the account, so every later request is a 409 without asking Meta.
        faults = [
            ({"code": 4}, 429),
            ({"code": 100, "subcode": 33, "message": "Unsupported post request."}, 404),
            ({"code": 190, "subcode": 460}, 409),
        ]
        for fault, expected in faults:
            added = await client.post(
                "/sandbox/_admin/faults", json={"path": comment["platform_comment_id"], **fault}
            )
            assert added.status_code == 201
            response = await client.post(url, json={"hide": True}, headers=owner.headers)
            assert response.status_code == expected, response.text
            assert response.json()["detail"]
            await client.delete("/sandbox/_admin/faults")
