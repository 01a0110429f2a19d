"""`clipper doctor` against the sandbox: all green on a healthy set-up, and each ✗ with its fix."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from typer.testing import CliRunner

from clipper import migrate
from clipper.accounts.models import Account
from clipper.cli import app as cli
from clipper.config import (
    SANDBOX_APP_ID,
    SANDBOX_APP_SECRET,
    SANDBOX_INSTAGRAM_APP_SECRET,
    SANDBOX_WEBHOOK_VERIFY_TOKEN,
    Environment,
    Settings,
)
from clipper.db import unit_of_work
from clipper.doctor import Check, render, run_doctor
from clipper.doctor.local import check_settings
from clipper.doctor.meta import check_redirect_uri
from clipper.security import TokenCipher
from tests.fixtures.instagram_login import connect_with_instagram
from tests.social.live_app import live_publisher
from tests.social.publish_helpers import Publisher

GRAPH = "http://testserver/sandbox/graph/v24.0"
INSTAGRAM_GRAPH = "http://testserver/sandbox/graph-instagram/v24.0"


@pytest.fixture
async def publisher(settings: Settings) -> AsyncIterator[Publisher]:
    """A served app on its own database with one connected account; the sandbox delivers webhooks to it."""
    async with live_publisher(settings, sandbox_deliver_webhooks=True) as connected:
        yield connected


async def doctor(publisher: Publisher, **overrides: object) -> list[Check]:
    settings: Settings = publisher.app.state.resources.settings.model_copy(update=overrides)
    transport = httpx.ASGITransport(app=publisher.app)
    async with httpx.AsyncClient(transport=transport) as http:
        return await run_doctor(settings, http_client=http)


def by_name(checks: list[Check], suffix: str) -> Check:
    (found,) = [check for check in checks if check.name.endswith(suffix)]
    return found


async def user_and_page_tokens(publisher: Publisher) -> tuple[str, str, str]:
    settings: Settings = publisher.app.state.resources.settings
    cipher = TokenCipher.from_settings(settings)
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        account = (await session.scalars(select(Account))).one()
        assert account.access_token_enc
        assert account.page_access_token_enc
        page_id = str(account.meta_info.get("facebook_page_id") or "")
        return (
            cipher.decrypt(account.access_token_enc),
            cipher.decrypt(account.page_access_token_enc),
            page_id,
        )


def proof(token: str) -> str:
    return hmac.new(SANDBOX_APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()


async def graph_delete(publisher: Publisher, path: str, token: str) -> None:
    """DELETE on the sandbox's Graph API with `token` and its appsecret_proof, as the product sends."""
    response = await publisher.client.delete(
        f"{GRAPH}/{path}", params={"access_token": token, "appsecret_proof": proof(token)}
    )
    assert response.status_code == 200, response.text


class TestHealthy:
    async def test_every_check_passes(self, publisher: Publisher) -> None:
        checks = await doctor(publisher)

        assert [check for check in checks if not check.ok] == []
        names = [check.name for check in checks]
        for expected in ("settings", "database", "redis", "media storage", "stored tokens", "Meta app token"):
            assert expected in names
        handle = f"account @{publisher.account['account_username']} (#{publisher.account['id']})"
        for suffix in ("token", "permissions", "webhooks", "publishing quota"):
            assert f"{handle} {suffix}" in names
        assert render(checks).endswith("all checks passed")
        assert "✓ Meta webhook subscription: http://testserver/api/v1/webhooks/instagram" in render(checks)


class TestInstagramLoginAccount:
    """No Page and no debug_token: graph.instagram.com with the Instagram app's secret."""

    async def test_every_check_passes(self, publisher: Publisher) -> None:
        account = await connect_with_instagram(publisher.client, publisher.user.headers)

        checks = await doctor(publisher)

        assert [check.line() for check in checks if not check.ok] == []
        handle = f"account @{account['account_username']} (#{account['id']})"
        assert by_name(checks, f"{handle} webhooks").detail == "enabled for comments, messages"
        assert by_name(checks, f"{handle} token").detail.startswith("valid, expires in")

    async def test_webhooks_no_longer_enabled(self, publisher: Publisher) -> None:
        await connect_with_instagram(publisher.client, publisher.user.headers)
        token, _same, _no_page = await user_and_page_tokens(publisher)
        proof = hmac.new(SANDBOX_INSTAGRAM_APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
        removed = await publisher.client.delete(
            f"{INSTAGRAM_GRAPH}/me/subscribed_apps", params={"access_token": token, "appsecret_proof": proof}
        )
        assert removed.status_code == 200, removed.text

        check = by_name(await doctor(publisher), " webhooks")
        assert not check.ok
        assert check.detail == "not enabled for comments, messages"


class TestMetaAppFailures:
    async def test_a_wrong_app_secret(self, publisher: Publisher) -> None:
        checks = await doctor(
            publisher,
            instagram_client_id=SANDBOX_APP_ID,
            instagram_client_secret="0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            graph_base_url="http://testserver/sandbox/graph",
        )
        token = by_name(checks, "Meta app token")
        assert not token.ok
        assert "INSTAGRAM_CLIENT_SECRET" in token.fix

    async def test_no_webhook_subscription(self, publisher: Publisher) -> None:
        app_token = f"{SANDBOX_APP_ID}|{SANDBOX_APP_SECRET}"
        deleted = await publisher.client.delete(
            f"{GRAPH}/{SANDBOX_APP_ID}/subscriptions",
            params={"object": "instagram", "access_token": app_token},
        )
        assert deleted.json() == {"success": True}

        check = by_name(await doctor(publisher), "Meta webhook subscription")
        assert not check.ok
        assert check.detail == "the app has no Instagram webhook subscription"
        assert "callback URL http://testserver/api/v1/webhooks/instagram" in check.fix

    async def test_a_subscription_missing_fields(self, publisher: Publisher) -> None:
        created = await publisher.client.post(
            f"{GRAPH}/{SANDBOX_APP_ID}/subscriptions",
            data={
                "object": "instagram",
                "callback_url": "http://testserver/api/v1/webhooks/instagram",
                "fields": "comments,messages",
                "verify_token": SANDBOX_WEBHOOK_VERIFY_TOKEN,
                "access_token": f"{SANDBOX_APP_ID}|{SANDBOX_APP_SECRET}",
            },
        )
        assert created.json() == {"success": True}, created.text

        check = by_name(await doctor(publisher), "Meta webhook subscription")
        assert not check.ok
        assert check.detail == "not subscribed to mentions, story_insights"

    async def test_a_subscription_for_another_backend_url(self, publisher: Publisher) -> None:
        checks = await doctor(
            publisher,
            backend_url="https://clipper.example.org",
            graph_base_url="http://testserver/sandbox/graph",
        )
        check = by_name(checks, "Meta webhook subscription")
        assert not check.ok
        assert "not https://clipper.example.org/api/v1/webhooks/instagram" in check.detail


class TestAccountFailures:
    async def test_a_revoked_token_says_reconnect(self, publisher: Publisher) -> None:
        user_token, _page, _page_id = await user_and_page_tokens(publisher)
        await graph_delete(publisher, "me/permissions", user_token)

        check = by_name(await doctor(publisher), ") token")
        assert not check.ok
        assert check.detail.startswith("not valid")
        assert "reconnects" in check.fix

    async def test_a_permission_taken_back(self, publisher: Publisher) -> None:
        user_token, _page, _page_id = await user_and_page_tokens(publisher)
        await graph_delete(publisher, "me/permissions/instagram_manage_comments", user_token)

        check = by_name(await doctor(publisher), " permissions")
        assert not check.ok
        assert check.detail == "not granted: instagram_manage_comments"

    async def test_a_page_without_the_app(self, publisher: Publisher) -> None:
        _user, page_token, page_id = await user_and_page_tokens(publisher)
        await graph_delete(publisher, f"{page_id}/subscribed_apps", page_token)

        check = by_name(await doctor(publisher), " webhooks")
        assert not check.ok
        assert check.detail == "the app is not installed on its Page"

    async def test_a_used_up_publishing_quota(self, publisher: Publisher) -> None:
        await publisher.admin("PATCH", "config", {"publish_quota": 0})

        check = by_name(await doctor(publisher), " publishing quota")
        assert not check.ok
        assert check.detail == "0 of 0 used in the last 24 h"

    async def test_tokens_under_a_key_no_longer_configured(self, publisher: Publisher) -> None:
        checks = await doctor(publisher, fernet_key=[Fernet.generate_key().decode("ascii")])

        tokens = by_name(checks, "stored tokens")
        assert not tokens.ok
        assert "cannot be decrypted with FERNET_KEY" in tokens.detail
        assert "previous key back" in tokens.fix
        assert not by_name(checks, f"(#{publisher.account['id']})").ok

    async def test_a_token_that_expires_soon_says_reconnect(self, publisher: Publisher) -> None:
        # A short-lived user token (about two hours left) stands in for a long-lived one near its end.
        issued = await publisher.admin("POST", "tokens/issue", {"kind": "USER_SHORT"})
        cipher = TokenCipher.from_settings(publisher.app.state.resources.settings)
        async with unit_of_work(publisher.app.state.resources.session_factory) as session:
            account = (await session.scalars(select(Account))).one()
            account.access_token_enc = cipher.encrypt(issued["access_token"])

        check = by_name(await doctor(publisher), ") token")
        assert not check.ok
        assert check.detail == "expires in 0 day(s)"
        assert "reconnects" in check.fix


class TestLocalFailures:
    async def test_an_unreachable_redis_and_an_unusable_media_folder(
        self, publisher: Publisher, tmp_path: Path
    ) -> None:
        not_a_folder = tmp_path / "media-file"
        not_a_folder.write_text("a file where the media folder should be")

        checks = await doctor(publisher, redis_url="redis://127.0.0.1:1/0", media_dir=str(not_a_folder))

        assert by_name(checks, "redis").detail.startswith("unreachable")
        media = by_name(checks, "media storage")
        assert not media.ok
        assert "not writable" in media.detail

    async def test_too_little_free_space(self, publisher: Publisher) -> None:
        media = by_name(await doctor(publisher, max_upload_bytes=10**18), "media storage")
        assert not media.ok
        assert "GiB free, less than" in media.detail

    def test_production_refusals_are_explained(self, settings: Settings) -> None:
        production = settings.model_copy(
            update={
                "environment": Environment.PRODUCTION,
                "instagram_client_id": "your_facebook_app_id",
                "backend_url": "http://clipper.example.org",
                "worker_embedded": False,
            }
        )
        details = [check.detail for check in check_settings(production) if not check.ok]
        assert any("INSTAGRAM_CLIENT_ID is a placeholder" in detail for detail in details)
        assert any("WEBHOOK_VERIFY_TOKEN is empty" in detail for detail in details)
        assert any("is not https" in detail for detail in details)
        assert any("without REDIS_URL" in detail for detail in details)
        redirect = check_redirect_uri(production)
        assert not redirect.ok
        assert (
            redirect.detail
            == "http://clipper.example.org/api/v1/oauth/instagram/callback is not https: Meta refuses it"
        )


class TestCommand:
    def test_exits_non_zero_with_the_fix_when_the_database_is_behind(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in Settings.model_fields:
            monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.chdir(tmp_path)
        url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
        migrate.upgrade(url, "0001")
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("FERNET_KEY", Fernet.generate_key().decode("ascii"))
        # Nothing listens there: the Meta checks fail fast rather than reach a real host.
        monkeypatch.setenv("BACKEND_URL", "http://127.0.0.1:9")

        result = CliRunner().invoke(cli, ["doctor"])

        assert result.exit_code == 1
        assert "✗ database: at 0001, this version needs" in result.output
        assert "fix: run `clipper db upgrade`" in result.output
        assert "✓ settings" in result.output
        # Sandbox mode with no server answering: the Graph API is the server's own sandbox.
        assert (
            "✗ Meta app token: refused: ConnectError reaching http://127.0.0.1:9/sandbox/graph"
            in result.output
        )
        assert "fix: start `clipper serve`" in result.output
        assert result.output.rstrip().endswith("check(s) failed")
