"""`graph_errors_outside`: Graph errors of calls made with no transaction open, as the product's errors."""

from __future__ import annotations

import pytest

from clipper.accounts.graph import graph_errors_outside
from clipper.accounts.models import Account, AccountHealth
from clipper.errors import PermissionMissing, ReconnectRequired, ServiceUnavailable
from clipper.instagram import InstagramGraphAPIError
from tests.events.test_account_events import account_update, kill_page_token
from tests.events.test_isolation_events import open_stream
from tests.fixtures.inbox import connect


async def read_profile(app, account: Account) -> None:
    graph = app.state.resources.graph.with_token(
        app.state.resources.cipher.decrypt(account.page_access_token_enc)
    )
    await graph.get_instagram_account_info(account.platform_account_id)


async def load(app, account_id: int) -> Account:
    async with app.state.resources.session_factory() as session:
        return await session.get_one(Account, account_id)


class TestGraphErrorsOutside:
    async def test_a_refused_token_is_marked_committed_and_announced(self, client, app, signup):
        owner = await connect(client, signup)
        account = await load(app, owner.account["id"])
        await kill_page_token(client, app, account.id)
        async with open_stream(app, owner.user.headers) as stream:
            with pytest.raises(ReconnectRequired) as caught:
                async with graph_errors_outside(
                    app.state.resources.session_factory,
                    account,
                    permission="instagram_basic",
                    hub=app.state.resources.events,
                ):
                    await read_profile(app, account)
            announced = await account_update(stream)
        assert caught.value.status_code == 409
        assert "reconnect" in caught.value.message
        stored = await load(app, account.id)
        assert stored.is_active is False
        assert stored.health_status == AccountHealth.RECONNECT_REQUIRED
        assert "password changed" in stored.health_reason
        assert (announced["id"], announced["is_active"]) == (account.id, False)

    async def test_a_token_replaced_meanwhile_is_not_marked(self, client, app, signup):
        owner = await connect(client, signup)
        account = await load(app, owner.account["id"])
        await kill_page_token(client, app, account.id)
        async with app.state.resources.session_factory() as session:
            stored = await session.get_one(Account, account.id)
            stored.page_access_token_enc = app.state.resources.cipher.encrypt("a-new-page-token")
            await session.commit()
        with pytest.raises(ReconnectRequired):
            async with graph_errors_outside(
                app.state.resources.session_factory, account, permission="instagram_basic", hub=None
            ):
                await read_profile(app, account)
        assert (await load(app, account.id)).is_active is True

    @pytest.mark.parametrize(
        ("code", "http_status", "expected"),
        [(10, 403, PermissionMissing), (2, 500, ServiceUnavailable)],
    )
    async def test_other_errors_are_mapped_and_leave_the_account_alone(
        self, client, app, signup, code, http_status, expected
    ):
        owner = await connect(client, signup)
        account = await load(app, owner.account["id"])
        fault = {"path": f"^/?{account.platform_account_id}$", "code": code, "http_status": http_status}
        assert (await client.post("/sandbox/_admin/faults", json={**fault, "times": 20})).status_code < 300
        with pytest.raises(expected) as caught:
            async with graph_errors_outside(
                app.state.resources.session_factory, account, permission="instagram_basic", hub=None
            ):
                await read_profile(app, account)
        assert not isinstance(caught.value, InstagramGraphAPIError)
        if isinstance(caught.value, PermissionMissing):
            assert caught.value.permission == "instagram_basic"
        assert (await load(app, account.id)).is_active is True
