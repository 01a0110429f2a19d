"""Checks of this installation: settings, database, Redis, media storage and the stored tokens."""

from __future__ import annotations

import secrets
import shutil
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from sqlalchemy import pool, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from clipper import migrate
from clipper.accounts.models import Account
from clipper.config import Settings
from clipper.db import create_engine
from clipper.doctor.report import Check, failed, passed
from clipper.keys.service import TOKEN_COLUMNS
from clipper.security import FernetKeyError, TokenCipher, TokenDecryptError
from clipper.settings_checks import production_problems

GIB = 1024**3
# Below this much free space (or one maximum upload, when larger) media storage is reported full.
MIN_FREE_BYTES = 2 * GIB


def check_settings(settings: Settings) -> list[Check]:
    """Production refusals and the settings a multi-process deployment needs."""
    if settings.sandbox_mode and not settings.is_production:
        return [passed("settings", f"{settings.environment.value}, sandbox mode (no Meta app configured)")]
    checks = [
        failed("settings", problem, "set it in .env (see .env.example), then restart")
        for problem in production_problems(settings)
        if settings.is_production
    ]
    if not settings.sandbox_mode and not settings.webhook_verify_token:
        checks.append(
            failed(
                "settings",
                "WEBHOOK_VERIFY_TOKEN is empty: Meta's webhook verification is refused",
                "set WEBHOOK_VERIFY_TOKEN to a long random string and enter the same in the App Dashboard",
            )
        )
    if settings.is_production and urlsplit(settings.backend_url).scheme != "https":
        checks.append(
            failed(
                "settings",
                f"BACKEND_URL {settings.backend_url} is not https: Meta only calls https callbacks",
                "serve through a TLS reverse proxy (docs/operations.md) and set BACKEND_URL=https://…",
            )
        )
    if not settings.worker_embedded and not settings.redis_url:
        checks.append(
            failed(
                "settings",
                "WORKER_EMBEDDED=false without REDIS_URL: no worker process can see the API's jobs",
                "set REDIS_URL, or WORKER_EMBEDDED=true for a single process",
            )
        )
    if not checks:
        mode = "sandbox mode" if settings.sandbox_mode else f"Meta app {settings.instagram_client_id}"
        checks.append(passed("settings", f"{settings.environment.value}, {mode}"))
    return checks


async def check_database(settings: Settings) -> tuple[Check, AsyncEngine | None]:
    """Reachable and at the newest migration; the engine for the next checks when reachable."""
    engine = create_engine(settings.database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            current = await migrate.revisions_at(connection)
    except (SQLAlchemyError, OSError) as exc:
        await engine.dispose()
        return (
            failed(
                "database",
                f"unreachable ({type(exc).__name__})",
                "check DATABASE_URL and that the database server runs",
            ),
            None,
        )
    behind = migrate.behind_heads(current)
    if behind:
        return failed("database", behind, "run `clipper db upgrade`"), engine
    newest = f"{engine.dialect.name}, at the newest migration ({migrate.describe(current)})"
    return passed("database", newest), engine


async def check_redis(settings: Settings) -> Check:
    if not settings.redis_url:
        return passed("redis", "not configured: in-process stores (one process only)")
    client = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        return failed("redis", f"unreachable ({type(exc).__name__})", "check REDIS_URL and that Redis runs")
    finally:
        await client.aclose()
    return passed("redis", "answers PING")


def check_media(settings: Settings) -> Check:
    """The media folder exists, is writable, and has room for uploads."""
    folder = settings.media_path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".doctor-{secrets.token_hex(4)}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return failed(
            "media storage",
            f"{folder} is not writable ({exc.strerror or type(exc).__name__})",
            "give the service's user write access to MEDIA_DIR (or DATA_DIR/media)",
        )
    free = shutil.disk_usage(folder).free
    needed = max(MIN_FREE_BYTES, settings.max_upload_bytes)
    if free < needed:
        return failed(
            "media storage",
            f"{folder}: {free / GIB:.1f} GiB free, less than {needed / GIB:.1f} GiB",
            "free disk space or move MEDIA_DIR to a larger volume",
        )
    return passed("media storage", f"{folder} writable, {free / GIB:.1f} GiB free")


async def check_tokens(settings: Settings, engine: AsyncEngine) -> Check:
    """Every stored token decrypts with the current FERNET_KEY list."""
    try:
        cipher = TokenCipher.from_settings(settings)
    except FernetKeyError as exc:
        return failed("stored tokens", str(exc), "fix FERNET_KEY (comma-separated keys, newest first)")
    unreadable: list[int] = []
    stale = total = 0
    async with engine.connect() as connection:
        rows = (
            await connection.execute(select(Account.id, *(getattr(Account, c) for c in TOKEN_COLUMNS)))
        ).all()
    for account_id, *ciphertexts in rows:
        for ciphertext in filter(None, ciphertexts):
            total += 1
            try:
                stale += cipher.needs_rotation(ciphertext)
            except TokenDecryptError:
                unreadable.append(account_id)
    if unreadable:
        ids = ", ".join(str(account_id) for account_id in sorted(set(unreadable)))
        return failed(
            "stored tokens",
            f"{len(unreadable)} of {total} cannot be decrypted with FERNET_KEY (accounts {ids})",
            "put the previous key back at the end of FERNET_KEY, or reconnect those accounts",
        )
    rotation = f"; {stale} under an older key: run `clipper keys rotate`" if stale else ""
    return passed("stored tokens", f"{total} decrypt with FERNET_KEY{rotation}")
