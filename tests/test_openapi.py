"""The OpenAPI document tells the truth: error bodies, security schemes, the errors each operation answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


@pytest.fixture
async def document(app_client: httpx.AsyncClient) -> dict[str, Any]:
    response = await app_client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


class TestOpenApiDocument:
    async def test_validation_errors_have_the_shape_we_send(
        self, document: dict[str, Any], client: httpx.AsyncClient, signup
    ) -> None:
        schema = document["components"]["schemas"]["HTTPValidationError"]
        assert set(schema["required"]) == {"error", "detail"}
        assert "fields" in schema["properties"]
        assert "ValidationError" not in document["components"]["schemas"]
        user = await signup(client)
        sent = (await client.get("/api/v1/clips/0", headers=user.headers)).json()
        assert set(sent) == {"error", "detail", "fields"}

    async def test_declares_how_to_authenticate(self, document: dict[str, Any]) -> None:
        schemes = document["components"]["securitySchemes"]
        assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
        assert schemes["sessionCookie"]["in"] == "cookie"
        me = document["paths"]["/api/v1/auth/me"]["get"]
        assert me["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
        assert "security" not in document["paths"]["/api/v1/auth/login"]["post"]

    async def test_lists_the_errors_an_operation_can_answer(self, document: dict[str, Any]) -> None:
        update = document["paths"]["/api/v1/social/{post_id}"]["put"]["responses"]
        assert {"401", "403", "404", "409", "422"} <= set(update)
        error = update["404"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
        listing = document["paths"]["/api/v1/clips"]["get"]["responses"]
        assert "401" in listing
        assert "404" not in listing

    @pytest.mark.parametrize(
        ("path", "method"),
        [
            ("/api/v1/accounts/{account_id}", "delete"),  # calls Meta: signs in outside the request's unit
            ("/api/v1/instagram/comments/{comment_id}/reply", "post"),
            ("/api/v1/clips", "post"),  # reads its body first
        ],
    )
    async def test_every_way_of_signing_in_is_documented(
        self, document: dict[str, Any], path: str, method: str
    ) -> None:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
        assert {"401", "403"} <= set(operation["responses"])

    @pytest.mark.parametrize(
        ("path", "method", "code"),
        [
            ("/api/v1/events", "get", "429"),
            ("/api/v1/auth/login", "post", "429"),
            ("/api/v1/auth/register", "post", "429"),
            ("/api/v1/clips", "post", "503"),
            ("/api/v1/clips", "post", "413"),
            ("/api/v1/clips/{clip_id}/conform", "post", "503"),
            ("/api/v1/clips/{clip_id}/trim", "post", "503"),
        ],
    )
    async def test_lists_the_limits_an_operation_can_answer(
        self, document: dict[str, Any], path: str, method: str, code: str
    ) -> None:
        response = document["paths"][path][method]["responses"][code]
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert response["description"]
        if code in ("429", "503"):
            assert "Retry-After" in response["headers"]

    async def test_ids_are_bounded(self, document: dict[str, Any]) -> None:
        parameter = document["paths"]["/api/v1/social/{post_id}"]["get"]["parameters"][0]
        assert parameter["schema"]["maximum"] == 2**31 - 1
        assert parameter["schema"]["minimum"] == 1

    async def test_authorize_and_callback_document_other_answers(self, document: dict[str, Any]) -> None:
        authorize = document["paths"]["/api/v1/oauth/{platform}/authorize"]["get"]["responses"]
        assert "302" in authorize
        callback = document["paths"]["/api/v1/oauth/{platform}/callback"]["get"]["responses"]
        assert "text/html" in callback["200"]["content"]
