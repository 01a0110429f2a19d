"""deploy/: the compose file, the image recipe, the systemd units and the monitoring files agree with
what the production smoke test runs and with the metrics the app exposes."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.social.models import PostStatus
from clipper.webhooks.models import WebhookEvent
from tests.fixtures.factories import create_account, create_post
from tests.production import shape

PRODUCTION_FIXED = {"ENVIRONMENT": "production", "WORKER_EMBEDDED": "false", "LOG_FORMAT": "json"}
# Metrics Prometheus itself provides.
BUILTIN_METRICS = {"up"}


class TestCompose:
    def test_runs_the_api_two_workers_postgres_and_redis_with_optional_caddy(self) -> None:
        services = shape.compose()["services"]
        assert set(services) == {"migrate", "app", "worker", "postgres", "redis", "caddy"}
        assert services["worker"]["deploy"]["replicas"] == 2
        assert services["caddy"]["profiles"] == ["https"]
        assert "profiles" not in services["app"]

    def test_the_clipper_services_run_the_commands_of_the_smoke_test(self) -> None:
        assert shape.command("migrate") == ["clipper", "db", "upgrade"]
        assert shape.command("app") == ["clipper", "serve", "--host", "0.0.0.0", "--port", "8000"]
        assert shape.command("worker") == [
            "clipper", "worker", "--metrics-host", "0.0.0.0", "--metrics-port", "9100",
        ]  # fmt: skip

    def test_every_clipper_service_has_the_production_settings_and_the_site_env_file(self) -> None:
        services = shape.compose()["services"]
        for name in shape.CLIPPER_SERVICES:
            assert services[name]["env_file"] == ".env"
            # The API trusts the forwarded headers of Caddy, which runs in its own container.
            proxied = {"FORWARDED_ALLOW_IPS": "*"} if name == "app" else {}
            assert shape.fixed_settings(name) == PRODUCTION_FIXED | proxied
            environment = services[name]["environment"]
            assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://clipper:")
            assert environment["REDIS_URL"] == "redis://redis:6379/0"
            assert environment["DATA_DIR"] == "/data"
            assert "media:/data" in services[name]["volumes"]

    def test_the_site_settings_are_the_secrets_and_urls(self) -> None:
        assert shape.site_settings() == [
            "INSTAGRAM_CLIENT_ID",
            "INSTAGRAM_CLIENT_SECRET",
            "BACKEND_URL",
            "FRONTEND_URL",
            "FERNET_KEY",
            "WEBHOOK_VERIFY_TOKEN",
        ]


class TestImageRecipe:
    def test_builds_the_ui_then_a_slim_non_root_runtime_with_a_healthcheck(self) -> None:
        dockerfile = (shape.DEPLOY / "Dockerfile").read_text(encoding="utf-8")
        stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, flags=re.MULTILINE)
        assert [stage for _image, stage in stages] == ["ui", "wheel", "runtime"]
        assert stages[0][0].startswith("node:")
        assert "slim" in stages[-1][0]
        assert re.search(r"^USER clipper$", dockerfile, flags=re.MULTILINE)
        assert "HEALTHCHECK" in dockerfile
        assert "/healthz" in dockerfile
        cmd = re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.MULTILINE)
        assert cmd is not None
        assert json.loads(cmd.group(1)) == shape.command("app")


class TestSystemdUnits:
    def test_run_the_same_commands_and_settings(self) -> None:
        units = shape.DEPLOY / "systemd"
        api = (units / "content-clipper.service").read_text(encoding="utf-8")
        worker = (units / "content-clipper-worker@.service").read_text(encoding="utf-8")
        assert _exec(api, "ExecStartPre") == shape.command("migrate")
        assert shape.with_port(_exec(api, "ExecStart"), "0.0.0.0", 8000) == shape.command("app")
        worker_command = _exec(worker, "ExecStart")
        assert worker_command[-1] == "910%i"
        assert shape.with_port(worker_command, "0.0.0.0", 9100, option="metrics-") == shape.command("worker")
        for unit in (api, worker):
            assert _environment(unit) == PRODUCTION_FIXED
            assert "User=clipper" in unit


def _exec(unit: str, key: str) -> list[str]:
    line = next(line for line in unit.splitlines() if line.startswith(f"{key}="))
    program, *arguments = line.split("=", 1)[1].split()
    return [Path(program).name, *arguments]


def _environment(unit: str) -> dict[str, str]:
    line = next(line for line in unit.splitlines() if line.startswith("Environment="))
    return dict(pair.split("=", 1) for pair in line.split("=", 1)[1].split())


class TestMonitoring:
    async def test_alerts_and_dashboard_use_only_metrics_the_app_exposes(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/metrics")
        assert response.status_code == 200
        exposed = _exposed_names(response.text)

        alerts = yaml.safe_load((shape.DEPLOY / "prometheus-alerts.yml").read_text(encoding="utf-8"))
        rules = [rule for group in alerts["groups"] for rule in group["rules"]]
        assert {"alert", "expr", "labels", "annotations"} <= set(rules[0])
        dashboard = json.loads((shape.DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
        panel_exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]

        used = {
            name for expr in [rule["expr"] for rule in rules] + panel_exprs for name in _metric_names(expr)
        }
        assert used - BUILTIN_METRICS <= exposed, sorted(used - BUILTIN_METRICS - exposed)
        for needed in ("publish_failure_total", "clipper_posts", "clipper_tokens_expiring",
                       "clipper_webhook_oldest_pending_seconds", "graph_api_calls_total"):  # fmt: skip
            assert needed in used

    async def test_the_database_gauges_report_at_scrape_time(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        account = await create_account(session, token_expires_at=utcnow() + timedelta(days=2))
        await create_post(session, account=account, status=PostStatus.UNCONFIRMED)
        session.add(
            WebhookEvent(
                dedupe_key="metrics-test", object="instagram", ig_user_id=account.platform_account_id,
                field="comments", payload={}, received_at=utcnow() - timedelta(minutes=10),
            )
        )  # fmt: skip
        await session.flush()

        samples = _samples((await client.get("/metrics")).text)

        assert samples['clipper_posts{status="unconfirmed"}'] == 1
        assert samples['clipper_posts{status="published"}'] == 0
        assert samples["clipper_tokens_expiring"] == 1
        assert samples['clipper_accounts{health="healthy"}'] == 1
        assert samples["clipper_webhook_events_pending"] == 1
        assert samples["clipper_webhook_oldest_pending_seconds"] >= 600


def _samples(exposition: str) -> dict[str, float]:
    return {
        name: float(value)
        for name, _, value in (line.rpartition(" ") for line in exposition.splitlines())
        if name and not name.startswith("#")
    }


def _exposed_names(exposition: str) -> set[str]:
    names: set[str] = set()
    for line in exposition.splitlines():
        if line.startswith("# HELP "):
            base = line.split()[2]
            names |= {base, *(base + suffix for suffix in ("_total", "_bucket", "_sum", "_count"))}
    return names


def _metric_names(expr: str) -> set[str]:
    # Grouping clauses name labels, not metrics; strings are label values.
    stripped = re.sub(r"\b(by|without)\s*\([^)]*\)", "", expr)
    stripped = re.sub(r"\{[^}]*\}", "{}", re.sub(r'"[^"]*"', '""', stripped))
    return set(re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[|\)|$|\s*[<>=!])", stripped)) - {"and", "or"}
