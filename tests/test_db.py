"""The schema (from the migrations) and the models agree and enforce the rules, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError, InvalidRequestError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipKind
from clipper.db import Base, load_models, unit_of_work
from clipper.migrate import head_revisions
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import User
from tests.fixtures.factories import create_account, create_clip, create_post, create_user


async def _count(session: AsyncSession, model: type[Base]) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _add_carousel_item(session: AsyncSession, **fields: int) -> None:
    async with session.begin_nested():
        session.add(SocialPostMedia(**fields))
        await session.flush()


async def _create_user_then_fail(factory: async_sessionmaker[AsyncSession], *, email: str) -> None:
    async with unit_of_work(factory) as session:
        await create_user(session, email=email)
        raise RuntimeError("boom")


class TestMigrations:
    async def test_the_migrated_schema_matches_the_models(self, db_connection: AsyncConnection) -> None:
        load_models()
        diff = await db_connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )
        assert diff == []

    async def test_the_database_is_at_the_head_revision(self, db_connection: AsyncConnection) -> None:
        current = await db_connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()
        )
        assert set(current) == set(head_revisions())


class TestUser:
    async def test_stores_the_email_lowercased(self, session: AsyncSession) -> None:
        user = await create_user(session, email="  Ada@Example.COM ")
        stored = await session.scalar(select(User.email).where(User.id == user.id))
        assert stored == "ada@example.com"

    async def test_rejects_the_same_email_in_another_case(self, session: AsyncSession) -> None:
        await create_user(session, email="ada@example.com")
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await create_user(session, email="ADA@example.com")

    async def test_the_database_refuses_an_uppercase_email(self, session: AsyncSession) -> None:
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(
                    text("INSERT INTO users (email, password_hash) VALUES ('Ada@Example.com', 'x')")
                )

    async def test_updating_a_row_moves_updated_at(self, session: AsyncSession) -> None:
        user = await create_user(session, updated_at=datetime(2020, 1, 1, tzinfo=UTC))
        user.is_active = False
        await session.flush()
        assert user.updated_at > datetime(2025, 1, 1, tzinfo=UTC)


class TestDatetimes:
    async def test_round_trip_as_aware_utc(self, session: AsyncSession) -> None:
        paris = timezone(timedelta(hours=2))
        post = await create_post(session, scheduled_for=datetime(2026, 6, 1, 12, 30, tzinfo=paris))
        session.expunge_all()
        stored = await session.scalar(select(SocialPost.scheduled_for).where(SocialPost.id == post.id))
        assert stored == datetime(2026, 6, 1, 10, 30, tzinfo=UTC)
        assert stored is not None
        assert stored.utcoffset() == timedelta(0)

    async def test_server_defaults_are_utc_aware(self, session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO users (email, password_hash) VALUES ('raw@example.com', 'x')")
        )
        created = await session.scalar(select(User.created_at).where(User.email == "raw@example.com"))
        assert created is not None
        assert created.tzinfo is not None
        assert abs(created - datetime.now(UTC)) < timedelta(minutes=5)

    async def test_naive_datetimes_are_refused(self, session: AsyncSession) -> None:
        with pytest.raises(StatementError, match="naive datetimes"):
            async with session.begin_nested():
                await create_post(session, scheduled_for=datetime(2026, 6, 1, 12, 30))


class TestJsonColumns:
    async def test_nested_json_round_trips(self, session: AsyncSession) -> None:
        meta = {"facebook_page_id": "1234", "name": "Café ☕", "nested": {"list": [1, 2.5, None, True]}}
        account = await create_account(session, meta_info=meta, granted_permissions=["a", "b"])
        session.expunge_all()
        row = (
            await session.execute(
                select(Account.meta_info, Account.granted_permissions).where(Account.id == account.id)
            )
        ).one()
        assert row.meta_info == meta
        assert row.granted_permissions == ["a", "b"]

    async def test_uses_jsonb_on_postgresql_and_json_text_elsewhere(self, session: AsyncSession) -> None:
        account = await create_account(session, meta_info={"k": "v"})
        if session.bind.dialect.name == "postgresql":
            kind = await session.scalar(
                text("SELECT pg_typeof(meta_info)::text FROM accounts WHERE id = :id"), {"id": account.id}
            )
            assert kind == "jsonb"
        else:
            raw = await session.scalar(
                text("SELECT meta_info FROM accounts WHERE id = :id"), {"id": account.id}
            )
            assert raw == '{"k": "v"}'

    async def test_defaults_to_empty_containers(self, session: AsyncSession) -> None:
        user = await create_user(session)
        account = Account(user_id=user.id, platform="instagram", platform_account_id="17841400000000001")
        session.add(account)
        await session.flush()
        assert (account.meta_info, account.granted_permissions) == ({}, [])


class TestAccountUniqueness:
    async def test_one_user_cannot_connect_the_same_instagram_account_twice(
        self, session: AsyncSession
    ) -> None:
        account = await create_account(session)
        user = await session.get_one(User, account.user_id)
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await create_account(session, user=user, platform_account_id=account.platform_account_id)

    async def test_two_users_can_connect_the_same_instagram_account(self, session: AsyncSession) -> None:
        account = await create_account(session)
        other = await create_account(session, platform_account_id=account.platform_account_id)
        assert other.id != account.id


class TestPostConstraints:
    async def test_the_database_refuses_an_unknown_status(self, session: AsyncSession) -> None:
        post = await create_post(session)
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(
                    text("UPDATE social_posts SET status = 'bogus' WHERE id = :id"), {"id": post.id}
                )

    async def test_the_model_refuses_an_unknown_media_type(self, session: AsyncSession) -> None:
        post = await create_post(session)
        with pytest.raises(StatementError):
            async with session.begin_nested():
                await session.execute(
                    update(SocialPost).where(SocialPost.id == post.id).values(media_type="VIDEO")
                )

    async def test_every_status_round_trips(self, session: AsyncSession) -> None:
        for status in PostStatus:
            post = await create_post(session, status=status)
            assert await session.scalar(select(SocialPost.status).where(SocialPost.id == post.id)) is status

    async def test_carousel_positions_are_unique_per_post(self, session: AsyncSession) -> None:
        user = await create_user(session)
        clips = [await create_clip(session, user=user) for _ in range(2)]
        post = await create_post(session, user=user, carousel=clips)
        with pytest.raises(IntegrityError):
            await _add_carousel_item(session, post_id=post.id, clip_id=clips[0].id, position=1)

    async def test_relationships_must_be_loaded_explicitly(self, session: AsyncSession) -> None:
        post = await create_post(session)
        session.expunge_all()
        loaded = await session.get_one(SocialPost, post.id)
        with pytest.raises(InvalidRequestError):
            _ = loaded.account


class TestCascades:
    async def test_deleting_a_user_deletes_everything_they_own(self, session: AsyncSession) -> None:
        user = await create_user(session)
        clips = [await create_clip(session, user=user, kind=ClipKind.VIDEO) for _ in range(2)]
        await create_post(session, user=user, carousel=clips, media_type=MediaType.CAROUSEL)
        await create_post(session, user=user, clip=clips[0], media_type=MediaType.REELS)
        await session.delete(user)
        await session.flush()
        for model in (User, Account, Clip, SocialPost, SocialPostMedia):
            assert await _count(session, model) == 0, model.__name__

    async def test_deleting_an_account_deletes_its_posts(self, session: AsyncSession) -> None:
        account = await create_account(session)
        await create_post(session, account=account)
        await session.execute(text("DELETE FROM accounts WHERE id = :id"), {"id": account.id})
        assert await _count(session, SocialPost) == 0

    async def test_deleting_a_clip_keeps_its_posts_and_derived_clips(self, session: AsyncSession) -> None:
        source = await create_clip(session)
        user = await session.get_one(User, source.user_id)
        derived = await create_clip(session, user=user, parent_clip_id=source.id)
        post = await create_post(session, user=user, clip=source)
        await session.execute(text("DELETE FROM clips WHERE id = :id"), {"id": source.id})
        session.expunge_all()
        assert await session.scalar(select(SocialPost.clip_id).where(SocialPost.id == post.id)) is None
        assert await session.scalar(select(Clip.parent_clip_id).where(Clip.id == derived.id)) is None


class TestUnitOfWork:
    async def test_commits_when_the_block_succeeds(
        self, session_factory: async_sessionmaker[AsyncSession]
    ) -> None:
        async with unit_of_work(session_factory) as session:
            await create_user(session, email="kept@example.com")
        async with session_factory() as check:
            assert await check.scalar(select(func.count()).where(User.email == "kept@example.com")) == 1

    async def test_rolls_back_when_the_block_raises(
        self, session_factory: async_sessionmaker[AsyncSession]
    ) -> None:
        with pytest.raises(RuntimeError):
            await _create_user_then_fail(session_factory, email="lost@example.com")
        async with session_factory() as check:
            assert await check.scalar(select(func.count()).where(User.email == "lost@example.com")) == 0
