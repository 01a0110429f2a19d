"""Settings: defaults that run with zero configuration, derived URLs, key lists, production refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from clipper.config import SANDBOX_APP_ID, SANDBOX_APP_SECRET, Environment, Settings
from clipper.settings_checks import InsecureSettings, check_production

REAL_KEY = Fernet.generate_key().decode("ascii")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def make(**fields: object) -> Settings:
    return Settings(_env_file=None, **fields)  # type: ignore[arg-type]


def production(**fields: object) -> Settings:
    defaults: dict[str, object] = {
        "environment": Environment.PRODUCTION,
        "instagram_client_id": "123456789012345",
        "instagram_client_secret": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "fernet_key": REAL_KEY,
        "backend_url": "https://clipper.example.org",
    }
    return make(**(defaults | fields))


class TestSandboxMode:
    def test_is_on_without_a_meta_app(self) -> None:
        settings = make()
        assert settings.sandbox_mode
        assert (settings.app_id, settings.app_secret) == (SANDBOX_APP_ID, SANDBOX_APP_SECRET)

    def test_derives_every_meta_url_from_the_backend_url(self) -> None:
        settings = make(backend_url="http://clipper.local:9000/")
        assert settings.sandbox_url == "http://clipper.local:9000/sandbox"
        assert settings.graph_url == "http://clipper.local:9000/sandbox/graph"
        assert settings.dialog_url == "http://clipper.local:9000/sandbox/dialog/oauth"
        assert settings.rupload_url == "http://clipper.local:9000/sandbox/rupload"

    def test_a_meta_app_switches_to_meta_hosts(self) -> None:
        settings = make(instagram_client_id="42", instagram_client_secret="s3cr3t", graph_api_version="v23.0")
        assert not settings.sandbox_mode
        assert (settings.app_id, settings.app_secret) == ("42", "s3cr3t")
        assert settings.graph_url == "https://graph.facebook.com"
        assert settings.dialog_url == "https://www.facebook.com/v23.0/dialog/oauth"
        assert settings.rupload_url == "https://rupload.facebook.com"

    def test_derived_values_follow_a_copy_with_changes(self) -> None:
        settings = make()
        assert settings.graph_url.endswith("/sandbox/graph")
        real = settings.model_copy(update={"instagram_client_id": "42", "instagram_client_secret": "s3cr3t"})
        assert (real.graph_url, real.app_id, real.app_secret) == (
            "https://graph.facebook.com",
            "42",
            "s3cr3t",
        )

    def test_explicit_urls_win(self) -> None:
        settings = make(graph_base_url="http://127.0.0.1:8100/graph/")
        assert settings.graph_url == "http://127.0.0.1:8100/graph"

    def test_reads_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("INSTAGRAM_CLIENT_ID", "777")
        monkeypatch.setenv("LOG_JSON", "true")
        settings = make()
        assert (settings.sandbox_mode, settings.log_json) == (False, True)


class TestFernetKey:
    def test_is_a_comma_separated_list_newest_first(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FERNET_KEY", " new-key , old-key,,")
        assert make().fernet_key == ["new-key", "old-key"]

    def test_defaults_to_no_key(self) -> None:
        assert make().fernet_key == []

    def test_never_appears_in_the_repr(self) -> None:
        settings = make(fernet_key=REAL_KEY, instagram_client_secret="hunter2-secret")
        assert REAL_KEY not in repr(settings)
        assert "hunter2-secret" not in repr(settings)


class TestProductionCheck:
    def test_accepts_real_settings(self) -> None:
        check_production(production())

    def test_development_accepts_anything(self) -> None:
        check_production(make(fernet_key="your_fernet_key_here"))

    @pytest.mark.parametrize(
        ("fields", "complaint"),
        [
            ({"fernet_key": ""}, "FERNET_KEY is not set"),
            ({"fernet_key": "your_fernet_key_here"}, "FERNET_KEY holds a placeholder"),
            ({"instagram_client_secret": "your_facebook_app_secret"}, "INSTAGRAM_CLIENT_SECRET"),
            ({"instagram_client_secret": ""}, "INSTAGRAM_CLIENT_SECRET"),
            ({"instagram_client_id": "your_facebook_app_id"}, "INSTAGRAM_CLIENT_ID is a placeholder"),
            ({"instagram_client_id": ""}, "not the bundled sandbox"),
        ],
    )
    def test_refuses_missing_or_placeholder_secrets(self, fields: dict[str, object], complaint: str) -> None:
        with pytest.raises(InsecureSettings, match=complaint):
            check_production(production(**fields))

    @pytest.mark.parametrize(
        ("fields", "complaint"),
        [
            ({"backend_url": "http://clipper.example.org"}, "BACKEND_URL is http://"),
            ({"graph_base_url": "http://graph.internal"}, "GRAPH_BASE_URL is not https"),
            ({"graph_dialog_url": "http://dialog.internal/oauth"}, "GRAPH_DIALOG_URL is not https"),
            ({"graph_rupload_url": "http://rupload.internal"}, "GRAPH_RUPLOAD_URL is not https"),
            ({"instagram_graph_base_url": "http://ig.internal"}, "INSTAGRAM_GRAPH_BASE_URL is not https"),
            ({"instagram_dialog_url": "http://ig.internal/oauth"}, "INSTAGRAM_DIALOG_URL is not https"),
            ({"instagram_token_url": "http://ig.internal/token"}, "INSTAGRAM_TOKEN_URL is not https"),
            ({"media_signing_key": "change-me"}, "MEDIA_SIGNING_KEY is a placeholder"),
        ],
    )
    def test_refuses_plain_http_and_a_placeholder_signing_key(
        self, fields: dict[str, object], complaint: str
    ) -> None:
        with pytest.raises(InsecureSettings, match=complaint):
            check_production(production(**fields))

    def test_a_plain_http_graph_host_can_be_allowed_explicitly(self) -> None:
        check_production(production(graph_base_url="http://graph.internal", allow_insecure_graph_hosts=True))

    @pytest.mark.parametrize("environment", list(Environment))
    def test_a_meta_app_without_its_secret_is_refused_everywhere(self, environment: Environment) -> None:
        settings = make(environment=environment, instagram_client_id="123456789012345")
        with pytest.raises(InsecureSettings, match="INSTAGRAM_CLIENT_SECRET"):
            check_production(settings)

    @pytest.mark.parametrize("environment", list(Environment))
    def test_an_instagram_login_app_without_its_secret_is_refused_everywhere(
        self, environment: Environment
    ) -> None:
        settings = make(environment=environment, instagram_login_app_id="17841400000000")
        with pytest.raises(InsecureSettings, match="INSTAGRAM_LOGIN_APP_SECRET"):
            check_production(settings)

    def test_only_instagram_login_configured_starts_in_development(self) -> None:
        check_production(
            make(instagram_login_app_id="17841400000000", instagram_login_app_secret="a1b2c3d4e5f6")
        )

    def test_the_message_never_contains_the_values(self) -> None:
        settings = production(instagram_client_secret="change-me-0123", fernet_key="your_key_abc")
        with pytest.raises(InsecureSettings) as caught:
            check_production(settings)
        assert "change-me-0123" not in str(caught.value)
        assert "your_key_abc" not in str(caught.value)


class TestEnvExample:
    ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"

    def test_documents_every_setting(self) -> None:
        documented = {
            line.split("=", 1)[0].lower()
            for line in self.ENV_EXAMPLE.read_text().splitlines()
            if line and not line.startswith("#")
        }
        assert documented == set(Settings.model_fields)

    def test_its_values_are_the_defaults(self) -> None:
        assert Settings(_env_file=self.ENV_EXAMPLE) == make()


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        ("given", "used"),
        [
            ("postgresql://u:p@db:5432/clipper", "postgresql+asyncpg://u:p@db:5432/clipper"),
            ("postgres://u@db/clipper", "postgresql+asyncpg://u@db/clipper"),
            ("sqlite:///./data/x.db", "sqlite+aiosqlite:///./data/x.db"),
            ("postgresql+asyncpg://u@db/clipper", "postgresql+asyncpg://u@db/clipper"),
        ],
    )
    def test_plain_urls_get_the_async_driver(self, given: str, used: str) -> None:
        assert make(database_url=given).database_url == used


class TestRedisKeyPrefix:
    def test_defaults_to_the_product_name(self) -> None:
        assert make().redis_key_prefix == "clipper:"

    @pytest.mark.parametrize("prefix", ["", "has space:", "a*", "x" * 65])
    def test_refuses_what_would_not_be_one_plain_key_start(self, prefix: str) -> None:
        with pytest.raises(ValueError, match="redis_key_prefix"):
            make(redis_key_prefix=prefix)
