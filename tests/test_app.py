"""The application shell: operations endpoints, the error envelope, units of work, the sandbox mount."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import APIRouter, FastAPI
from prometheus_client import REGISTRY
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from structlog.testing import capture_logs

import clipper
from clipper import __version__, errors
from clipper.config import Environment, Settings
from clipper.deps import GraphDep, HttpClientDep, SessionDep, SettingsDep
from clipper.errors import NotFound, PermissionMissing, TooManyRequests
from clipper.main import create_app
from clipper.security import FernetKeyError
from clipper.settings_checks import InsecureSettings
from clipper.users.models import User


class SignUp(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    password: str


def probe_router() -> APIRouter:
    """Routes that exercise the shell the way real routers will."""
    router = APIRouter(prefix="/probe")

    @router.get("/missing")
    async def missing() -> None:
        raise NotFound("No clip 7 here: list your clips with GET /api/v1/clips.")

    @router.get("/slow-down")
    async def slow_down() -> None:
        raise TooManyRequests("Publishing quota reached.", retry_after=30)

    @router.get("/permission")
    async def permission() -> None:
        raise PermissionMissing("instagram_manage_comments")

    @router.get("/raise/{name}")
    async def raise_named(name: str) -> None:
        raise getattr(errors, name)()

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("database password=hunter2 in /srv/clipper/secret.py")

    @router.post("/users", status_code=201)
    async def sign_up(body: SignUp, session: SessionDep) -> dict[str, str]:
        session.add(User(email=body.email, password_hash="x"))
        await session.flush()
        if body.password == "fail-after-write":
            raise NotFound("rolled back")
        return {"email": body.email}

    @router.get("/context")
    async def context(settings: SettingsDep, http: HttpClientDep, graph: GraphDep) -> dict[str, object]:
        return {
            "sandbox_mode": settings.sandbox_mode,
            "client": id(http),
            "closed": http.is_closed,
            "graph_on_shared_client": graph.http is http,
            "graph_url": graph.base_url,
        }

    return router


@pytest.fixture
def probed_app(app: FastAPI) -> FastAPI:
    app.include_router(probe_router())
    return app


async def count_users(client: httpx.AsyncClient, app: FastAPI, email: str) -> int:
    async with app.state.resources.session_factory() as session:
        return (await session.execute(select(func.count()).where(User.email == email))).scalar_one()


class TestHealthz:
    async def test_reports_the_database_and_mode(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "version": __version__,
            "database": "ok",
            "sandbox_mode": True,
        }

    async def test_answers_503_when_the_database_is_down(self, settings: Settings) -> None:
        down = settings.model_copy(update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
        app = create_app(down)
        async with app.router.lifespan_context(app), _client(app) as http:
            response = await http.get("/healthz")
        assert response.status_code == 503
        assert response.json()["status"] == "degraded"
        assert response.json()["database"] == "unavailable"


class TestOperations:
    async def test_metrics_are_prometheus_text(self, app_client: httpx.AsyncClient) -> None:
        response = await app_client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert "# TYPE publish_success_total counter" in response.text
        assert "# TYPE graph_api_call_seconds histogram" in response.text

    async def test_docs_and_openapi_are_served(self, app_client: httpx.AsyncClient) -> None:
        docs = await app_client.get("/docs")
        assert docs.status_code == 200
        assert "swagger-ui" in docs.text
        schema = (await app_client.get("/openapi.json")).json()
        assert schema["info"]["version"] == __version__
        assert "/healthz" in schema["paths"]


class TestErrorEnvelope:
    async def test_a_domain_error_renders_its_class_and_advice(self, probed_app: FastAPI) -> None:
        async with _started(probed_app) as http:
            response = await http.get("/probe/missing")
        assert response.status_code == 404
        assert response.json() == {
            "error": "NotFound",
            "detail": "No clip 7 here: list your clips with GET /api/v1/clips.",
        }

    @pytest.mark.parametrize(
        ("name", "status"),
        [
            ("NotFound", 404),
            ("Conflict", 409),
            ("InvalidInput", 422),
            ("Unauthorized", 401),
            ("Forbidden", 403),
            ("ReconnectRequired", 409),
            ("TooManyRequests", 429),
            ("ServiceUnavailable", 503),
        ],
    )
    async def test_each_error_has_its_status_and_a_default_advice(
        self, probed_app: FastAPI, name: str, status: int
    ) -> None:
        async with _started(probed_app) as http:
            response = await http.get(f"/probe/raise/{name}")
        assert response.status_code == status
        assert response.json()["error"] == name
        assert response.json()["detail"]

    async def test_an_unknown_path_uses_the_same_envelope(self, app_client: httpx.AsyncClient) -> None:
        response = await app_client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.json() == {"error": "NotFound", "detail": "Not Found"}

    async def test_too_many_requests_says_when_to_retry(self, probed_app: FastAPI) -> None:
        async with _started(probed_app) as http:
            response = await http.get("/probe/slow-down")
        assert response.status_code == 429
        assert response.headers["retry-after"] == "30"
        assert response.json()["retry_after"] == 30

    async def test_a_missing_permission_is_named(self, probed_app: FastAPI) -> None:
        async with _started(probed_app) as http:
            response = await http.get("/probe/permission")
        assert response.status_code == 409
        assert response.json()["error"] == "PermissionMissing"
        assert response.json()["permission"] == "instagram_manage_comments"
        assert "instagram_manage_comments" in response.json()["detail"]

    async def test_validation_errors_list_the_fields(self, probed_app: FastAPI) -> None:
        async with _started(probed_app) as http:
            response = await http.post(
                "/probe/users", json={"email": "not-an-email", "password": "s3cret-pw"}
            )
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "InvalidInput"
        assert "body.email" in body["detail"]
        assert [field["field"] for field in body["fields"]] == ["body.email"]
        assert body["fields"][0]["message"]
        assert "s3cret-pw" not in response.text

    async def test_an_unexpected_error_is_a_logged_500_without_internals(self, probed_app: FastAPI) -> None:
        with capture_logs() as logs:
            async with _started(probed_app) as http:
                response = await http.get("/probe/crash")
        assert response.status_code == 500
        assert response.json() == {
            "error": "InternalError",
            "detail": "Something went wrong on our side; try again later.",
        }
        assert "hunter2" not in response.text
        assert "secret.py" not in response.text
        [logged] = [entry for entry in logs if entry["event"] == "unhandled error"]
        assert (logged["path"], logged["error_type"]) == ("/probe/crash", "RuntimeError")


class TestUnitOfWork:
    async def test_commits_when_the_handler_succeeds(
        self, probed_app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/probe/users", json={"email": "Kept@Example.com", "password": "pw"})
        assert response.status_code == 201
        assert await count_users(client, probed_app, "kept@example.com") == 1

    async def test_rolls_back_when_the_handler_raises(
        self, probed_app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/probe/users", json={"email": "lost@example.com", "password": "fail-after-write"}
        )
        assert response.status_code == 404
        assert await count_users(client, probed_app, "lost@example.com") == 0


class TestSharedResources:
    async def test_one_http_client_serves_every_request_and_closes_at_shutdown(
        self, probed_app: FastAPI
    ) -> None:
        async with _started(probed_app) as http:
            first = (await http.get("/probe/context")).json()
            second = (await http.get("/probe/context")).json()
            shared = probed_app.state.resources.http_client
        assert first["client"] == second["client"] == id(shared)
        assert first["closed"] is False
        assert first["graph_on_shared_client"] is True
        assert first["graph_url"] == "http://testserver/sandbox/graph"
        assert shared.is_closed


class TestProductionRefusal:
    def test_refuses_placeholder_secrets(self, settings: Settings) -> None:
        unsafe = settings.model_copy(
            update={
                "environment": Environment.PRODUCTION,
                "instagram_client_id": "your_facebook_app_id",
                "instagram_client_secret": "your_facebook_app_secret",
            }
        )
        with pytest.raises(InsecureSettings, match="INSTAGRAM_CLIENT_ID"):
            create_app(unsafe)

    def test_refuses_a_malformed_fernet_key(self, settings: Settings) -> None:
        with pytest.raises(FernetKeyError, match="#1"):
            create_app(settings.model_copy(update={"fernet_key": ["not-a-key"]}))

    def test_starts_with_real_secrets(self, settings: Settings) -> None:
        safe = settings.model_copy(
            update={
                "environment": Environment.PRODUCTION,
                "instagram_client_id": "123456789012345",
                "instagram_client_secret": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "fernet_key": [Fernet.generate_key().decode()],
                "backend_url": "https://clipper.example.org",
            }
        )
        assert isinstance(create_app(safe), FastAPI)


class TestSandboxMount:
    async def test_answers_graph_calls_with_metas_error_envelope(self, app_client: httpx.AsyncClient) -> None:
        response = await app_client.get("/sandbox/graph/me")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == 104
        assert error["message"] == "An access token is required to request this resource."
        assert error["type"] == "OAuthException"

    async def test_the_shared_client_reaches_it_in_process(
        self, app: FastAPI, app_client: httpx.AsyncClient
    ) -> None:
        response = await app.state.resources.http_client.get(
            f"{app.state.resources.settings.graph_url}/v24.0/me"
        )
        assert response.json()["error"]["code"] == 104

    async def test_the_graph_client_uses_the_sandbox_app_and_counts_calls(
        self, app: FastAPI, app_client: httpx.AsyncClient
    ) -> None:
        graph = app.state.resources.graph
        assert graph.http is app.state.resources.http_client
        token = await graph.get_app_access_token()
        assert token.access_token
        samples = [
            sample
            for metric in REGISTRY.collect()
            if metric.name == "graph_api_calls"
            for sample in metric.samples
            if sample.name == "graph_api_calls_total" and sample.labels["status"] == "200"
        ]
        assert any("access_token" in sample.labels["endpoint"] for sample in samples)

    async def test_is_not_mounted_with_a_real_meta_app(self, settings: Settings) -> None:
        real = settings.model_copy(update={"instagram_client_id": "42", "instagram_client_secret": "s3cr3t"})
        app = create_app(real)
        async with _started(app) as http:
            response = await http.get("/sandbox/graph/me")
            health = (await http.get("/healthz")).json()
        assert response.status_code == 404
        assert health["sandbox_mode"] is False


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@asynccontextmanager
async def _started(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and hand out a client on it."""
    async with app.router.lifespan_context(app), _client(app) as http:
        yield http


class TestRouterDiscovery:
    async def test_mounts_every_domain_router_under_api_v1(
        self, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        domain = tmp_path / "zz_probe_domain"
        domain.mkdir()
        (domain / "__init__.py").write_text("")
        (domain / "router.py").write_text(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter(prefix='/probes')\n\n\n"
            "@router.get('')\n"
            "async def probes() -> list[int]:\n"
            "    return [1, 2]\n"
        )
        monkeypatch.setattr(clipper, "__path__", [*clipper.__path__, str(tmp_path)])
        try:
            app = create_app(settings)
            async with _started(app) as http:
                response = await http.get("/api/v1/probes")
        finally:
            for name in ("clipper.zz_probe_domain.router", "clipper.zz_probe_domain"):
                sys.modules.pop(name, None)
        assert response.json() == [1, 2]
