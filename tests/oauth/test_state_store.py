"""OAuthStateStore: one-time states bound to a user, and the encrypted last authorization."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import pytest
from cryptography.fernet import Fernet

from clipper.kv import KeyValueStore
from clipper.oauth.state_store import (
    OAuthStateStore,
    StateData,
    StateExpiredOrUnknown,
    StateNotFromThisBrowser,
    StateUserMismatch,
    new_browser_nonce,
)
from clipper.security import TokenCipher
from tests.fixtures.kv import Advance

PAGE_TOKEN = "EAAB-page-token-that-must-never-be-stored-in-clear"


def make_cipher() -> TokenCipher:
    return TokenCipher([Fernet.generate_key().decode()])


@pytest.fixture
def states(kv_store: KeyValueStore) -> OAuthStateStore:
    return OAuthStateStore(kv_store, make_cipher(), state_ttl_seconds=1, authorization_ttl_seconds=1)


class TestIssue:
    async def test_states_carry_at_least_32_random_bytes(self, states: OAuthStateStore) -> None:
        issued = {await states.issue(7, platform="instagram") for _ in range(20)}
        assert len(issued) == 20
        for state in issued:
            assert len(base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))) >= 32

    async def test_the_state_is_not_stored_under_its_own_value(
        self, kv_store: KeyValueStore, states: OAuthStateStore
    ) -> None:
        state = await states.issue(7, platform="instagram")
        assert await kv_store.get(state) is None
        assert await kv_store.get(f"oauth:state:{state}") is None

    async def test_it_lives_for_ten_minutes_by_default(self, kv_store: KeyValueStore) -> None:
        state = await OAuthStateStore(kv_store, make_cipher()).issue(7, platform="instagram")
        remaining = await kv_store.ttl("oauth:state:" + hashlib.sha256(state.encode()).hexdigest())
        assert remaining is not None
        assert 590 < remaining <= 600


class TestConsume:
    async def test_returns_what_was_bound_at_issue(self, states: OAuthStateStore) -> None:
        state = await states.issue(
            7, platform="instagram", redirect_after="/accounts", extra={"flow": "popup", "n": 2}
        )
        data = await states.consume(state, user_id=7, platform="instagram")
        assert data == StateData(
            user_id=7,
            platform="instagram",
            redirect_after="/accounts",
            extra={"flow": "popup", "n": 2},
            issued_at=data.issued_at,
        )
        assert data.issued_at > 0

    async def test_without_a_session_the_browser_nonce_it_was_issued_with_redeems_it(
        self, kv_store: KeyValueStore, states: OAuthStateStore
    ) -> None:
        nonce = new_browser_nonce()
        state = await states.issue(42, platform="instagram", browser_nonce=nonce)
        stored = await kv_store.get("oauth:state:" + hashlib.sha256(state.encode()).hexdigest())
        assert stored is not None
        assert nonce not in stored
        assert (await states.consume(state, user_id=None, browser_nonce=nonce)).user_id == 42

    @pytest.mark.parametrize("presented", [None, "", "another-browsers-nonce"])
    async def test_without_a_session_or_the_right_nonce_it_is_refused_and_consumed(
        self, states: OAuthStateStore, presented: str | None
    ) -> None:
        state = await states.issue(42, platform="instagram", browser_nonce=new_browser_nonce())
        with pytest.raises(StateNotFromThisBrowser) as caught:
            await states.consume(state, user_id=None, browser_nonce=presented)
        assert caught.value.status_code == 400
        assert "start again from Accounts → Connect Instagram" in caught.value.message
        with pytest.raises(StateExpiredOrUnknown):
            await states.consume(state, user_id=42)

    async def test_a_state_issued_without_a_nonce_needs_the_signed_in_user(
        self, states: OAuthStateStore
    ) -> None:
        state = await states.issue(42, platform="instagram")
        with pytest.raises(StateNotFromThisBrowser):
            await states.consume(state, user_id=None, browser_nonce=None)

    async def test_a_state_works_only_once(self, states: OAuthStateStore) -> None:
        state = await states.issue(7, platform="instagram")
        await states.consume(state, user_id=7)
        with pytest.raises(StateExpiredOrUnknown) as caught:
            await states.consume(state, user_id=7)
        assert caught.value.message == (
            "This sign-in link has expired or was already used; start again from Connect Instagram."
        )
        assert caught.value.status_code == 400

    @pytest.mark.parametrize("forged", ["", "forged-state", "x" * 5000])
    async def test_a_state_never_issued_is_unknown(self, states: OAuthStateStore, forged: str) -> None:
        with pytest.raises(StateExpiredOrUnknown):
            await states.consume(forged, user_id=7)

    async def test_an_expired_state_is_unknown(self, states: OAuthStateStore, advance: Advance) -> None:
        state = await states.issue(7, platform="instagram")
        await advance(1.1)
        with pytest.raises(StateExpiredOrUnknown):
            await states.consume(state, user_id=7)

    async def test_another_users_state_is_refused_and_consumed(self, states: OAuthStateStore) -> None:
        state = await states.issue(7, platform="instagram")
        with pytest.raises(StateUserMismatch) as caught:
            await states.consume(state, user_id=8)
        assert caught.value.status_code == 403
        with pytest.raises(StateExpiredOrUnknown):
            await states.consume(state, user_id=7)

    async def test_a_state_for_another_platform_is_unknown(self, states: OAuthStateStore) -> None:
        state = await states.issue(7, platform="instagram")
        with pytest.raises(StateExpiredOrUnknown):
            await states.consume(state, user_id=7, platform="tiktok")

    async def test_concurrent_consumers_let_exactly_one_through(self, states: OAuthStateStore) -> None:
        state = await states.issue(7, platform="instagram")
        results = await asyncio.gather(
            *(states.consume(state, user_id=7) for _ in range(20)), return_exceptions=True
        )
        winners = [result for result in results if isinstance(result, StateData)]
        losers = [result for result in results if isinstance(result, StateExpiredOrUnknown)]
        assert len(winners) == 1
        assert len(losers) == 19


class TestAuthorization:
    payload: dict[str, Any] = {
        "accounts": [{"ig_user_id": "17841400000000001", "page_id": "100", "page_token": PAGE_TOKEN}]
    }

    async def test_load_returns_what_was_saved(self, states: OAuthStateStore) -> None:
        await states.save_authorization(7, self.payload)
        assert await states.load_authorization(7) == self.payload

    async def test_it_is_stored_encrypted(self, kv_store: KeyValueStore, states: OAuthStateStore) -> None:
        await states.save_authorization(7, self.payload)
        stored = await kv_store.get("oauth:authorization:7")
        assert stored is not None
        assert PAGE_TOKEN not in stored

    async def test_it_is_kept_per_user(self, states: OAuthStateStore) -> None:
        await states.save_authorization(7, self.payload)
        assert await states.load_authorization(8) is None

    async def test_a_new_authorization_replaces_the_last(self, states: OAuthStateStore) -> None:
        await states.save_authorization(7, self.payload)
        await states.save_authorization(7, {"accounts": []})
        assert await states.load_authorization(7) == {"accounts": []}

    async def test_it_expires(self, states: OAuthStateStore, advance: Advance) -> None:
        await states.save_authorization(7, self.payload)
        await advance(1.1)
        assert await states.load_authorization(7) is None

    async def test_it_can_be_discarded(self, states: OAuthStateStore) -> None:
        await states.save_authorization(7, self.payload)
        await states.discard_authorization(7)
        assert await states.load_authorization(7) is None

    async def test_forgetting_one_account_keeps_the_others_choosable(
        self, kv_store: KeyValueStore, states: OAuthStateStore
    ) -> None:
        two = {
            "accounts": [{"id": "1", "page_access_token": PAGE_TOKEN}, {"id": "2", "page_access_token": "p2"}]
        }
        await states.save_authorization(7, two)
        await states.forget_account(7, "1")
        assert await states.load_authorization(7) == {
            "accounts": [{"id": "2", "page_access_token": "p2"}],
            "disconnected": ["1"],
        }
        remaining = await kv_store.ttl("oauth:authorization:7")
        assert remaining is not None
        assert remaining <= 1

    async def test_forgetting_the_last_account_discards_the_authorization(
        self, states: OAuthStateStore
    ) -> None:
        await states.save_authorization(7, {"accounts": [{"id": "1", "page_access_token": PAGE_TOKEN}]})
        await states.forget_account(7, "1")
        assert await states.load_authorization(7) is None
        await states.forget_account(7, "1")  # nothing left to forget: no error

    async def test_one_the_keys_no_longer_open_is_gone(self, kv_store: KeyValueStore) -> None:
        await OAuthStateStore(kv_store, make_cipher()).save_authorization(7, self.payload)
        assert await OAuthStateStore(kv_store, make_cipher()).load_authorization(7) is None

    async def test_it_lasts_thirty_minutes_by_default(self, kv_store: KeyValueStore) -> None:
        await OAuthStateStore(kv_store, make_cipher()).save_authorization(7, self.payload)
        remaining = await kv_store.ttl("oauth:authorization:7")
        assert remaining is not None
        assert 1790 < remaining <= 1800
