"""On SQLite, argon2 runs outside any transaction: logins and sign-ups never hold the write lock while
they hash, so a burst of them cannot make every other writer wait."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from clipper.config import Settings
from clipper.security import passwords
from tests.fixtures.auth import DEFAULT_PASSWORD, login, signup, unique_email
from tests.fixtures.sqlite_probe import commit_elsewhere
from tests.test_request_limits import live_app


class Probing:
    """pwdlib's PasswordHash that, on every hash and check, sees whether another writer can commit."""

    def __init__(self, inner: Any, path: str) -> None:
        self.inner, self.path = inner, path
        self.others_could_commit: list[bool] = []

    def hash(self, password: str) -> str:
        self.others_could_commit.append(commit_elsewhere(self.path))
        return str(self.inner.hash(password))

    def verify(self, password: str, hashed: str) -> bool:
        self.others_could_commit.append(commit_elsewhere(self.path))
        return bool(self.inner.verify(password, hashed))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class TestNoLockWhileHashing:
    async def test_login_and_sign_up(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        path = make_url(settings.database_url).database
        assert path
        async with live_app(settings) as (_app, client):
            user = await signup(client)
            probing = Probing(passwords._hasher, path)
            monkeypatch.setattr(passwords, "_hasher", probing)

            logged_in = await login(client, user.email, DEFAULT_PASSWORD)
            refused = await login(client, user.email, "Not-The-Password-1")
            registered = await client.post(
                "/api/v1/auth/register", json={"email": unique_email(), "password": DEFAULT_PASSWORD}
            )

        assert (logged_in.status_code, refused.status_code, registered.status_code) == (200, 401, 201)
        assert probing.others_could_commit == [True, True, True]
