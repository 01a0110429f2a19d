"""The OpenAPI document, made to tell the truth: our error bodies, how to authenticate, which errors happen.

FastAPI documents a 422 as its own `HTTPValidationError`, lists no security scheme and no 401/404/409;
this module rewrites those parts from the routes themselves (which ones need a caller, take a path id,
or change something), so a client generated from the document, or a fuzzer checking answers against
it, sees what the API really sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict

from clipper.deps import current_principal, principal_before_body
from clipper.users.auth import CSRF_HEADER, SESSION_COOKIE

_UNSAFE = frozenset({"post", "put", "patch", "delete"})
_SECURITY: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A login `access_token` (`cls_…`) or a personal API token (`clp_…`).",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": f"The browser session; requests that change something also send `{CSRF_HEADER}`.",
    },
}


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer: the error's class name and a sentence saying what to do."""

    model_config = ConfigDict(extra="allow", title="Error")

    error: str
    detail: str


class InvalidInputBody(ErrorBody):
    """A 422: what is wrong, and for validation errors each field (its location) with pydantic's message."""

    model_config = ConfigDict(extra="allow", title="HTTPValidationError")

    fields: list[FieldProblem] | None = None


_ERRORS = {
    "401": "Not signed in: no valid session cookie or bearer token.",
    "403": f"Not allowed, or a cookie-authenticated change without the `{CSRF_HEADER}` header.",
    "404": "Not found, or not yours.",
    "409": "The current state forbids it (the message says why and what to do).",
}


_LIMIT_CODES = {"408", "413", "429", "503"}
_RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}


def limits(**answers: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route's limits, e.g. `limits(too_many="…")`: 408, 413, 429 or 503 with our body."""
    codes = {"too_slow": 408, "too_large": 413, "too_many": 429, "busy": 503}
    return {codes[name]: {"description": description} for name, description in answers.items()}


def install(app: FastAPI) -> None:
    """Serve the corrected document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = describe(schema, app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(schema: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """Rewrite the generated document: error schemas, security, and the errors each operation can answer."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("ValidationError", None)
    for model in (FieldProblem, ErrorBody, InvalidInputBody):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        body.pop("$defs", None)
        schemas[str(body["title"])] = body
    components["securitySchemes"] = _SCHEMES
    for route in _api_routes(app):
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _describe_operation(operation, route, method.lower())
    _describe_oauth_pages(schema["paths"])
    return schema


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Each API route as included (prefix and router dependencies applied)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _describe_operation(operation: dict[str, Any], route: Any, method: str) -> None:
    responses = operation.setdefault("responses", {})
    codes: list[str] = []
    if _needs_caller(route.dependant):
        operation["security"] = _SECURITY
        codes += ["401", "403"] if method in _UNSAFE else ["401"]
    if route.dependant.path_params:
        codes.append("404")
    if method in _UNSAFE:
        codes.append("409")
    for code in codes:
        responses.setdefault(code, _error(_ERRORS[code]))
    for code, response in responses.items():
        # A limit a route declares (`responses=LIMITS[...]`) answers our error body.
        if code in _LIMIT_CODES and "content" not in response:
            response.update(_error(response["description"]))
            if code in ("429", "503"):
                response["headers"] = {"Retry-After": _RETRY_AFTER}
    if "422" in responses:
        responses["422"] = _error("The request is not valid.", "HTTPValidationError")


# The dependencies that sign the caller in: in the request's unit of work, or in one of its own (an
# endpoint that reads its body first, or calls Meta with no request transaction open).
_SIGN_IN = (current_principal, principal_before_body)


def _needs_caller(dependant: Dependant) -> bool:
    return any(sub.call in _SIGN_IN or _needs_caller(sub) for sub in dependant.dependencies)


def _error(description: str, model: str = "Error") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }


def _describe_oauth_pages(paths: dict[str, Any]) -> None:
    """`authorize` may redirect instead of answering JSON; `callback` answers an HTML page for the popup."""
    authorize = paths.get("/api/v1/oauth/{platform}/authorize", {}).get("get")
    if authorize is not None:
        authorize["responses"]["302"] = {
            "description": "With `redirect=true`: a redirect to the Facebook Login dialog.",
            "headers": {"Location": {"schema": {"type": "string"}}},
        }
    callback = paths.get("/api/v1/oauth/{platform}/callback", {}).get("get")
    if callback is not None:
        callback["responses"] = {
            "200": {
                "description": "A page that reports the result to the window that opened the popup.",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
            "302": {"description": "For a redirect flow: back to the app with the result in the URL."},
            "4XX": {
                "description": "The same page reporting the failure (JSON for an unknown platform).",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                },
            },
        }
