"""Moderating stored comments: one deleted after the sync stored it is skipped, the others are recorded."""

from __future__ import annotations

from sqlalchemy import select

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.inbox import moderation
from clipper.inbox.models import InboxComment
from tests.fixtures.inbox import API, busiest_media, drain


class TestDeletedMeanwhile:
    async def test_the_deleted_comment_is_skipped_and_the_rest_audited(
        self, client, app, owner, webhooks_on, admin, session, session_factory
    ):
        media_id = await busiest_media(client, owner.ig_id)
        sent = []
        for number in (1, 2):
            sent.append(await admin("simulate/comment", {"media_id": media_id, "text": f"Spam {number}"}))
            await drain(app)  # the tests share one connection: each delivery's job ends before the next
        rule = {"name": "Spam", "kind": "keyword", "patterns": ["spam"]}
        url = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        assert (await client.post(url, json=rule, headers=owner.headers)).status_code == 201

        ids = [item["id"] for item in sent]
        rows = list(
            await session.scalars(select(InboxComment).where(InboxComment.platform_comment_id.in_(ids)))
        )
        gone, kept = sorted(rows, key=lambda row: row.platform_comment_id == ids[1])
        await session.delete(gone)
        await session.commit()
        account = await session.get_one(Account, owner.account["id"])
        rules = list(await moderation.rules_of(session, account_id=account.id))

        await moderation.moderate_stored(
            session_factory,
            account=account,
            comments=[gone, kept],
            rules=rules,
            access=AccountGraph(app.state.resources.graph, app.state.resources.cipher, session_factory),
        )

        actions = await client.get(f"{API}/accounts/{account.id}/moderation-actions", headers=owner.headers)
        assert [a["platform_comment_id"] for a in actions.json()["items"]] == [kept.platform_comment_id]
        hidden = await client.get(f"{API}/comments", params={"status": "hidden"}, headers=owner.headers)
        assert [c["platform_comment_id"] for c in hidden.json()["items"]] == [kept.platform_comment_id]
