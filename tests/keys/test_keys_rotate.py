"""`clipper keys rotate`: every stored token re-encrypted under the newest key, idempotently."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from typer.testing import CliRunner

from clipper import migrate
from clipper.accounts.models import Account
from clipper.cli import app as cli
from clipper.config import Settings
from clipper.db import create_engine, create_session_factory, unit_of_work
from clipper.keys.service import rotate_tokens
from clipper.outgoing.models import WebhookEndpoint
from clipper.security import TokenCipher
from tests.fixtures.factories import create_account

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def encrypted_under(key: str, text: str) -> str:
    return TokenCipher([key]).encrypt(text)


def readable_with_only(key: str, ciphertext: str) -> str:
    return TokenCipher([key]).decrypt(ciphertext)


class TestRotateTokens:
    async def test_reencrypts_every_token_under_the_newest_key(self, session):
        account = await create_account(
            session,
            access_token_enc=encrypted_under(OLD, "user-token"),
            page_access_token_enc=encrypted_under(OLD, "page-token"),
        )
        report = await rotate_tokens(session, cipher=TokenCipher([NEW, OLD]))
        assert (report.accounts, report.rotated, report.current, report.unreadable) == (1, 2, 0, 0)
        assert readable_with_only(NEW, account.access_token_enc) == "user-token"
        assert readable_with_only(NEW, account.page_access_token_enc) == "page-token"

    async def test_reencrypts_outgoing_webhook_secrets_too(self, session):
        account = await create_account(session)
        endpoint = WebhookEndpoint(
            user_id=account.user_id, url="https://hooks.example/in", events=["post.published"],
            secret_enc=encrypted_under(OLD, "whsec_s"),
        )  # fmt: skip
        session.add(endpoint)
        await session.flush()
        report = await rotate_tokens(session, cipher=TokenCipher([NEW, OLD]))
        assert (report.rotated, report.unreadable) == (1, 0)
        assert readable_with_only(NEW, endpoint.secret_enc) == "whsec_s"

    async def test_running_it_again_changes_nothing(self, session):
        account = await create_account(session, page_access_token_enc=encrypted_under(OLD, "page-token"))
        cipher = TokenCipher([NEW, OLD])
        await rotate_tokens(session, cipher=cipher)
        rotated = account.page_access_token_enc
        again = await rotate_tokens(session, cipher=cipher)
        assert (again.rotated, again.current) == (0, 1)
        assert account.page_access_token_enc == rotated

    async def test_counts_tokens_no_key_can_read_and_leaves_them(self, session):
        stranger = encrypted_under(Fernet.generate_key().decode(), "lost")
        account = await create_account(session, page_access_token_enc=stranger)
        report = await rotate_tokens(session, cipher=TokenCipher([NEW, OLD]))
        assert report.unreadable == 1
        assert account.page_access_token_enc == stranger


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"
    migrate.upgrade(url)
    return url


async def seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            await create_account(session, access_token_enc=encrypted_under(OLD, "user-token"))
    finally:
        await engine.dispose()


async def stored_tokens(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return [a.access_token_enc for a in (await session.scalars(select(Account))).all()]
    finally:
        await engine.dispose()


class TestCommand:
    def test_rotates_and_reports_counts_then_is_idempotent(self, database, monkeypatch, tmp_path):
        for name in Settings.model_fields:
            monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATABASE_URL", database)
        monkeypatch.setenv("FERNET_KEY", f"{NEW},{OLD}")
        asyncio.run(seed(database))
        runner = CliRunner()
        first = runner.invoke(cli, ["keys", "rotate"])
        assert first.exit_code == 0, first.output
        assert "1 token(s) re-encrypted, 0 already under the newest key" in first.output
        [token] = asyncio.run(stored_tokens(database))
        assert readable_with_only(NEW, token) == "user-token"
        second = runner.invoke(cli, ["keys", "rotate"])
        assert "0 token(s) re-encrypted, 1 already under the newest key" in second.output
