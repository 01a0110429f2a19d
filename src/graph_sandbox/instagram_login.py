"""Instagram Login (Business Login for Instagram): its dialog and its token endpoints.

- `/instagram/oauth/authorize`: `https://www.instagram.com/oauth/authorize` (or api.instagram.com's).
- `/instagram/oauth/access_token`: `POST https://api.instagram.com/oauth/access_token` (code → 1 h token).
- `/graph-instagram/[vNN.0/]access_token`: `graph.instagram.com/access_token` (`ig_exchange_token`).
- `/graph-instagram/[vNN.0/]refresh_access_token`: the same host's `ig_refresh_token`.

Sources: Business Login for Instagram
(https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login),
the OAuth Authorize reference (https://developers.facebook.com/docs/instagram-platform/reference/oauth-authorize),
and the Access Token and Refresh Access Token references
(https://developers.facebook.com/docs/instagram-platform/reference/access_token, …/refresh_access_token).
The person logs in as an Instagram professional account; no Facebook user or Page is involved.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph_sandbox.auth import mint_instagram_token, resolve_token, token_problem
from graph_sandbox.dialog_pages import ENV, error_page, parse_scopes, redirect_back
from graph_sandbox.errors import GraphError, invalid_token
from graph_sandbox.permissions import LoginFlavour, invalid_scopes
from graph_sandbox.state import Sandbox
from graph_sandbox.world import AccessToken, OAuthCode, TokenKind

router = APIRouter()

BASIC = "instagram_business_basic"
REFRESH_MIN_AGE = timedelta(hours=24)

_FORM = ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with Instagram</title></head>
<body><main>
<h1>{{ app_name }} would like to access your Instagram professional account</h1>
<form method="post" action="">
  <input type="hidden" name="client_id" value="{{ client_id }}">
  <input type="hidden" name="redirect_uri" value="{{ redirect_uri }}">
  <input type="hidden" name="state" value="{{ state }}">
  <input type="hidden" name="scope" value="{{ scopes | join(',') }}">
  <p><label for="ig_user_id">Log in as</label>
  <select id="ig_user_id" name="ig_user_id">
  {% for account in accounts %}<option value="{{ account.id }}">@{{ account.username }}</option>{% endfor %}
  </select></p>
  <fieldset><legend>Permissions</legend>
  {% for scope in scopes %}
  <p><input type="checkbox" id="perm-{{ scope }}" name="granted" value="{{ scope }}" checked>
  <label for="perm-{{ scope }}">{{ scope }}</label></p>
  {% endfor %}</fieldset>
  <button type="submit" name="action" value="continue">Allow</button>
  <button type="submit" name="action" value="cancel">Cancel</button>
</form>
</main></body></html>
"""
)


def _problem(sandbox: Sandbox, fields: dict[str, str], scopes: list[str]) -> str | None:
    if fields.get("client_id") != sandbox.config.instagram_app_id:
        return "Invalid app ID: use the Instagram app ID of your app's Instagram Login setup."
    if not fields.get("redirect_uri"):
        return "The redirect_uri parameter is required."
    invalid = invalid_scopes(LoginFlavour.INSTAGRAM, scopes)
    if invalid:
        # Classic Facebook Login names are not Instagram Login scopes (see graph_sandbox.permissions).
        return f"Invalid Scopes: {', '.join(invalid)}."
    if BASIC not in scopes:
        return f"The scope {BASIC} is required."  # the OAuth Authorize reference: it is required
    return None


def _error_page(message: str) -> HTMLResponse:
    return error_page(message, heading="Sorry, this page isn't available.")


@router.get("/instagram/oauth/authorize", response_class=HTMLResponse, include_in_schema=False)
async def show_dialog(request: Request) -> Response:
    """The authorization window: log in as one of the professional accounts, allow or cancel."""
    sandbox: Sandbox = request.app.state.sandbox
    fields = dict(request.query_params)
    scopes = parse_scopes(fields.get("scope", ""))
    problem = _problem(sandbox, fields, scopes)
    if problem is not None:
        return _error_page(problem)
    page = _FORM.render(
        app_name=sandbox.config.app_name,
        client_id=fields["client_id"],
        redirect_uri=fields["redirect_uri"],
        state=fields.get("state", ""),
        scopes=scopes,
        accounts=sandbox.world.professional_accounts(),
    )
    return HTMLResponse(page)


@router.post("/instagram/oauth/authorize", include_in_schema=False)
async def submit_dialog(request: Request) -> Response:
    """Allow → `redirect_uri?code=…&state=…#_`; Cancel → `error=access_denied`."""
    sandbox: Sandbox = request.app.state.sandbox
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    requested = parse_scopes(fields.get("scope", ""))
    problem = _problem(sandbox, fields, requested)
    if problem is not None:
        return _error_page(problem)
    redirect_uri, state = fields["redirect_uri"], fields.get("state", "")
    if fields.get("action") != "continue":
        denied = {"error": "access_denied", "error_reason": "user_denied", "state": state}
        return redirect_back(redirect_uri, {**denied, "error_description": "The user denied your request."})
    account = sandbox.world.ig_users.get(fields.get("ig_user_id", ""))
    if account is None or account not in sandbox.world.professional_accounts():
        return _error_page("Unknown Instagram professional account.")
    ticked = {value for value in form.getlist("granted") if isinstance(value, str)}
    code = OAuthCode(
        value=sandbox.world.ids.code(),
        app_id=sandbox.config.instagram_app_id,
        redirect_uri=redirect_uri,
        fb_user_id="",
        scopes=[scope for scope in requested if scope in ticked],
        declined=[scope for scope in requested if scope not in ticked],
        # "Authorization codes are valid for 1 hour and can only be used once" (Business Login).
        expires_at=sandbox.clock.now() + timedelta(hours=1),
        ig_user_id=account.id,
    )
    sandbox.world.codes[code.value] = code
    # "Note that we append #_ to the end of the redirect URI" (OAuth Authorize reference).
    return redirect_back(redirect_uri, {"code": code.value, "state": state}, fragment="#_")


def _oauth_error(message: str) -> JSONResponse:
    """api.instagram.com's own error shape (not the Graph envelope), as clients observe it."""
    body = {"error_type": "OAuthException", "code": 400, "error_message": message}
    return JSONResponse(body, status_code=400)


def _client_ok(sandbox: Sandbox, fields: dict[str, str]) -> bool:
    secret = fields.get("client_secret", "")
    return fields.get("client_id") == sandbox.config.instagram_app_id and hmac.compare_digest(
        secret.encode(), sandbox.config.instagram_app_secret.encode()
    )


@router.post("/instagram/oauth/access_token", include_in_schema=False)
async def exchange_code(request: Request) -> Response:
    """Code → short-lived token: `{"data": [{"access_token", "user_id", "permissions"}]}`."""
    sandbox: Sandbox = request.app.state.sandbox
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not _client_ok(sandbox, fields):
        return _oauth_error("Invalid platform app")
    if fields.get("grant_type") != "authorization_code":
        return _oauth_error("Invalid grant_type: use authorization_code")
    code = sandbox.world.codes.get(fields.get("code", ""))
    if code is None or code.ig_user_id is None or code.used or sandbox.clock.now() >= code.expires_at:
        return _oauth_error("This authorization code has expired or has already been used")
    if fields.get("redirect_uri", "") != code.redirect_uri:
        return _oauth_error("Error validating verification code: the redirect_uri must be identical")
    code.used = True
    token = mint_instagram_token(sandbox, ig_user_id=code.ig_user_id, scopes=code.scopes, long_lived=False)
    entry = {"access_token": token.value, "user_id": code.ig_user_id, "permissions": ",".join(code.scopes)}
    return JSONResponse({"data": [entry]})


def _graph_error(error: GraphError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.http_status, headers=error.headers)


def _instagram_token(sandbox: Sandbox, value: str) -> AccessToken:
    token = resolve_token(sandbox, value, host=LoginFlavour.INSTAGRAM)
    problem = token_problem(sandbox, token)
    if problem is not None:
        raise problem
    return token


def _answer(sandbox: Sandbox, token: AccessToken) -> dict[str, Any]:
    assert token.expires_at is not None
    expires_in = int((token.expires_at - sandbox.clock.now()).total_seconds())
    return {"access_token": token.value, "token_type": "bearer", "expires_in": expires_in}


@router.get("/graph-instagram/access_token", include_in_schema=False)
@router.get("/graph-instagram/{version}/access_token", include_in_schema=False)
async def exchange_for_long_lived(request: Request) -> Response:
    """`grant_type=ig_exchange_token`, `client_secret`, `access_token` (short-lived) → a 60-day token."""
    sandbox: Sandbox = request.app.state.sandbox
    params = request.query_params
    try:
        if params.get("grant_type") != "ig_exchange_token":
            raise GraphError(100, "(#100) grant_type must be ig_exchange_token")
        secret = params.get("client_secret", "")
        if not hmac.compare_digest(secret.encode(), sandbox.config.instagram_app_secret.encode()):
            raise GraphError(1, "Error validating client secret.")
        short = _instagram_token(sandbox, params.get("access_token", ""))
        if short.kind is not TokenKind.USER_SHORT or short.ig_user_id is None:
            raise invalid_token()
        token = mint_instagram_token(
            sandbox, ig_user_id=short.ig_user_id, scopes=short.scopes, long_lived=True
        )
    except GraphError as error:
        return _graph_error(error)
    return JSONResponse(_answer(sandbox, token))


@router.get("/graph-instagram/refresh_access_token", include_in_schema=False)
@router.get("/graph-instagram/{version}/refresh_access_token", include_in_schema=False)
async def refresh_long_lived(request: Request) -> Response:
    """`grant_type=ig_refresh_token`: a long-lived token at least 24 h old and unexpired → 60 more days."""
    sandbox: Sandbox = request.app.state.sandbox
    params = request.query_params
    try:
        if params.get("grant_type") != "ig_refresh_token":
            raise GraphError(100, "(#100) grant_type must be ig_refresh_token")
        current = _instagram_token(sandbox, params.get("access_token", ""))
        if current.kind is not TokenKind.USER_LONG or current.ig_user_id is None:
            raise GraphError(100, "(#100) Only a long-lived Instagram user access token can be refreshed")
        if sandbox.clock.now() - current.issued_at < REFRESH_MIN_AGE:
            # Our wording: Meta documents the rule ("at least 24 hours old"), not its error text.
            raise GraphError(100, "(#100) The access token must be at least 24 hours old to be refreshed")
        if BASIC not in current.scopes:  # Refresh Access Token reference: needs instagram_business_basic
            raise GraphError(10, "(#10) Application does not have permission for this action")
        token = mint_instagram_token(
            sandbox, ig_user_id=current.ig_user_id, scopes=current.scopes, long_lived=True
        )
    except GraphError as error:
        return _graph_error(error)
    return JSONResponse(_answer(sandbox, token))
