"""`clipper smoke`: the manual testing checklist, end to end against the sandbox, for both login flavours."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from clipper.cli import app
from clipper.config import Settings
from clipper.smoke import dialog
from clipper.smoke.checklist import Smoke
from clipper.smoke.cli import in_process, throwaway_user
from tests.fixtures.live_server import closed_port

STEPS = [
    "OAuth connect",
    "Account information",
    "Image post",
    "Video post",
    "Comments read and reply",
    "Direct message",
    "Analytics",
    "Disconnect",
]

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def sandbox_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a fresh sandbox-mode install in tmp_path (no `.env`, no inherited settings)."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("FERNET_KEY", Fernet.generate_key().decode("ascii"))
    # The sandbox delivers its webhooks while the smoke reads the same comments: as in production,
    # where a media's comment refresh and the webhook's processing race on the database.
    monkeypatch.setenv("SANDBOX_DELIVER_WEBHOOKS", "true")


def _marked(output: str, mark: str) -> list[str]:
    return [
        line.split(":", 1)[0].removeprefix(f"{mark} ")
        for line in output.splitlines()
        if line.startswith(mark)
    ]


@pytest.mark.parametrize("flavour", ["facebook", "instagram"])
def test_every_step_passes_against_the_sandbox(flavour: str, sandbox_env: None) -> None:
    result = CliRunner().invoke(app, ["smoke", "--flavour", flavour, "--wait", "60"])

    assert result.exit_code == 0, result.output
    assert _marked(result.output, "✓") == STEPS, result.output
    assert _marked(result.output, "✗") == []
    assert f"with {flavour.title()} Login" in result.output
    dialogs = [line for line in result.output.splitlines() if line.startswith("  dialog: ")]
    assert len(dialogs) == 1, result.output
    assert "/sandbox/" in dialogs[0]
    assert result.output.rstrip().endswith("8/8 checks passed")


async def test_a_refused_permission_fails_its_step_with_the_fix(tmp_path: Path, settings: Settings) -> None:
    lines: list[str] = []
    async with in_process(settings) as client:
        headers = await throwaway_user(client)
        # Meta's answer when the token lacks the insights permission (code 10, OAuthException).
        fault = {"path": "/insights$", "method": "GET", "times": None, "code": 10, "http_status": 403,
                 "message": "(#10) Application does not have permission for this action"}  # fmt: skip
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code == 201
        outcomes = await Smoke(client, headers, say=lines.append, wait_seconds=60).run()

    assert [outcome.name for outcome in outcomes if outcome.ok] == [s for s in STEPS if s != "Analytics"]
    analytics = next(outcome for outcome in outcomes if outcome.name == "Analytics")
    assert not analytics.ok
    assert "instagram_manage_insights" in analytics.fix
    printed = "\n".join(lines)
    assert "✗ Analytics: GET /api/v1/instagram/accounts/" in printed
    assert "    fix: the account needs instagram_manage_insights" in printed


def test_an_unreachable_server_fails_every_step_and_exits_non_zero(sandbox_env: None) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    result = CliRunner().invoke(app, ["smoke", "--server", server, "--token", "unused", "--wait", "1"])

    assert result.exit_code == 1, result.output
    assert _marked(result.output, "✗") == STEPS, result.output
    assert "fix: check that the server is running" in result.output
    assert "fix: make the OAuth connect step pass first" in result.output
    assert result.output.rstrip().endswith("0/8 checks passed")


def test_server_mode_needs_a_token(sandbox_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLIPPER_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["smoke", "--server", "http://127.0.0.1:1"])

    assert result.exit_code == 2
    assert "--server needs --token" in result.output


@pytest.mark.parametrize(
    ("dialog_url", "root"),
    [
        ("http://127.0.0.1:8000/sandbox/dialog/oauth?state=x", "http://127.0.0.1:8000/sandbox"),
        ("http://127.0.0.1:8100/instagram/oauth/authorize?state=x", "http://127.0.0.1:8100"),
        ("https://www.facebook.com/v24.0/dialog/oauth?state=x", None),
        ("https://www.instagram.com/oauth/authorize?state=x", None),
    ],
)
def test_only_a_sandbox_dialog_is_filled_in_by_the_smoke(dialog_url: str, root: str | None) -> None:
    # Meta's dialogs are left to a person: the smoke never probes or submits them.
    assert dialog.sandbox_root(dialog_url) == root
