"""`clipper insights show`: the command is mounted and its core answers like the API does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from clipper.cli import app as clipper_cli
from clipper.errors import NotFound
from clipper.insights.cache import Services
from clipper.insights.cli import render, show_insights


def services_of(app) -> Services:
    return Services(
        graph=app.state.resources.graph,
        cipher=app.state.resources.cipher,
        factory=app.state.resources.session_factory,
        kv=app.state.resources.kv,
    )


class TestShow:
    async def test_shows_what_the_api_shows(self, app, client, connect, session_factory, signup):
        me = await connect()
        email = (await client.get("/api/v1/auth/me", headers=me.headers)).json()["email"]
        shown = await show_insights(
            session_factory,
            services=services_of(app),
            user_email=email,
            account_id=me.account_id,
            metrics=["reach", "likes"],
            days=7,
        )
        assert (shown.until - shown.since).days == 6
        api = await client.get(
            f"/api/v1/instagram/accounts/{me.account_id}/insights",
            params={"metrics": "reach,likes", "since": shown.since.isoformat()},
            headers=me.headers,
        )
        assert [(m.name, m.total) for m in shown.metrics] == [
            (m["name"], m["total"]) for m in api.json()["metrics"]
        ]
        text = render(shown)
        assert "reach" in text
        assert f"{shown.metrics[0].total:,}" in text

    async def test_someone_elses_account_is_not_found(self, app, client, connect, session_factory, signup):
        owner = await connect()
        other = await signup(client)
        with pytest.raises(NotFound):
            await show_insights(
                session_factory,
                services=services_of(app),
                user_email=other.email,
                account_id=owner.account_id,
                metrics=None,
                days=7,
            )


def test_the_command_is_mounted() -> None:
    result = CliRunner().invoke(clipper_cli, ["insights", "show", "--help"])
    assert result.exit_code == 0
    assert "--user-email" in result.output
    assert "--days" in result.output
